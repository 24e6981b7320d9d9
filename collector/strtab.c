/* strtab.c - string interning and the stable 64-bit hash (FNV-1a).
 *
 * FNV-1a because fingerprints are stored in baselines and histories: the
 * value must never change with the platform or the build. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

uint64_t ftc_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    if (h == 0)
        h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

/* The terminating NUL is hashed too, so ("ab","c") differs from ("a","bc"). */
uint64_t ftc_hash_str(uint64_t h, const char *s)
{
    if (s == NULL)
        return ftc_hash_bytes(h, "\xff", 1);
    return ftc_hash_bytes(h, s, strlen(s) + 1);
}

struct ftc_strtab {
    ftc_arena arena;
    const char **slots;
    uint64_t *hashes;
    size_t cap, used;
};

ftc_strtab *ftc_strtab_new(void)
{
    ftc_strtab *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    ftc_arena_init(&t->arena);
    t->cap = 1024;
    t->slots = calloc(t->cap, sizeof(*t->slots));
    t->hashes = calloc(t->cap, sizeof(*t->hashes));
    if (t->slots == NULL || t->hashes == NULL) {
        ftc_strtab_free(t);
        return NULL;
    }
    return t;
}

void ftc_strtab_free(ftc_strtab *t)
{
    if (t == NULL)
        return;
    ftc_arena_release(&t->arena);
    free(t->slots);
    free(t->hashes);
    free(t);
}

static int grow(ftc_strtab *t)
{
    size_t ncap = t->cap * 2;
    const char **slots = calloc(ncap, sizeof(*slots));
    uint64_t *hashes = calloc(ncap, sizeof(*hashes));
    if (slots == NULL || hashes == NULL) {
        free(slots);
        free(hashes);
        return -1;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i] == NULL)
            continue;
        size_t j = t->hashes[i] & (ncap - 1);
        while (slots[j])
            j = (j + 1) & (ncap - 1);
        slots[j] = t->slots[i];
        hashes[j] = t->hashes[i];
    }
    free(t->slots);
    free(t->hashes);
    t->slots = slots;
    t->hashes = hashes;
    t->cap = ncap;
    return 0;
}

const char *ftc_intern(ftc_strtab *t, const char *s)
{
    if (s == NULL)
        return NULL;
    if ((t->used + 1) * 2 > t->cap && grow(t) != 0)
        return NULL;
    size_t len = strlen(s);
    uint64_t h = ftc_hash_bytes(0, s, len);
    size_t i = h & (t->cap - 1);
    while (t->slots[i]) {
        if (t->hashes[i] == h && strcmp(t->slots[i], s) == 0)
            return t->slots[i];
        i = (i + 1) & (t->cap - 1);
    }
    char *copy = ftc_arena_strndup(&t->arena, s, len);
    if (copy == NULL)
        return NULL;
    t->slots[i] = copy;
    t->hashes[i] = h;
    t->used++;
    return copy;
}

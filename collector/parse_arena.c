/* parse_arena.c - cJSON's memory while a side file is parsed.
 *
 * cJSON allocates every node and string separately; with two threads that
 * is most of the run time in malloc and free. While a thread parses a side
 * file its allocations come from that file's bump arena, and the whole
 * tree is dropped at once afterwards. Elsewhere cJSON uses malloc. */
#include <stdint.h>
#include <stdlib.h>

#include "parse_arena.h"

#define CHUNK (1u << 20)

struct ftc_pchunk {
    struct ftc_pchunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

static _Thread_local ftc_parena *current;

static void *hook_malloc(size_t n)
{
    ftc_parena *a = current;
    if (a == NULL)
        return malloc(n);
    n = (n + 15) & ~(size_t)15;
    ftc_pchunk *c = a->head;
    if (c == NULL || c->size - c->used < n) {
        size_t size = n > CHUNK ? n : CHUNK;
        c = malloc(sizeof(*c) + size);
        if (c == NULL)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void hook_free(void *p)
{
    if (current == NULL)
        free(p);
}

void ftc_parena_install(void)
{
    cJSON_Hooks hooks = {hook_malloc, hook_free};
    cJSON_InitHooks(&hooks);
}

void ftc_parena_enter(ftc_parena *a)
{
    current = a;
}

void ftc_parena_leave(void)
{
    current = NULL;
}

void ftc_parena_release(ftc_parena *a)
{
    while (a->head) {
        ftc_pchunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ftc_arena.c - see ftc_arena.h. */
#include "ftc_arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTC_ARENA_CHUNK (64 * 1024)

struct ftc_arena_chunk {
    ftc_arena_chunk *next;
    size_t used;
    size_t size;
    _Alignas(max_align_t) unsigned char data[];
};

void ftc_arena_init(ftc_arena *a)
{
    a->head = NULL;
    a->failed = 0;
}

void ftc_arena_release(ftc_arena *a)
{
    ftc_arena_chunk *c = a->head;
    while (c) {
        ftc_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void *ftc_arena_alloc(ftc_arena *a, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    ftc_arena_chunk *c = a->head;
    if (c == NULL || c->size - c->used < size) {
        size_t cap = size > FTC_ARENA_CHUNK ? size : FTC_ARENA_CHUNK;
        c = malloc(sizeof(*c) + cap);
        if (c == NULL) {
            a->failed = 1;
            return NULL;
        }
        c->used = 0;
        c->size = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *ftc_arena_strndup(ftc_arena *a, const char *s, size_t n)
{
    char *d = ftc_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ftc_arena_strdup(ftc_arena *a, const char *s)
{
    return s ? ftc_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ftc_arena_printf(ftc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = ftc_arena_alloc(a, (size_t)n + 1);
    if (d == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

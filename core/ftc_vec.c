/* ftc_vec.c - storage for FTC_VEC. All FTC_VEC types share one layout. */
#include "ftc_vec.h"

#include <stdlib.h>
#include <string.h>

struct ftc_vec_layout {
    char *items;
    size_t count;
    size_t cap;
};

void *ftc_vec_push_raw(void *vec, size_t elem_size)
{
    struct ftc_vec_layout *v = vec;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        char *items = realloc(v->items, cap * elem_size);
        if (items == NULL)
            return NULL;
        v->items = items;
        v->cap = cap;
    }
    char *slot = v->items + v->count * elem_size;
    memset(slot, 0, elem_size);
    v->count++;
    return slot;
}

void ftc_vec_free_raw(void *vec)
{
    struct ftc_vec_layout *v = vec;
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}

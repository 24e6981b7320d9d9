/* ftc_arena.h - bump allocation for everything that lives as long as a TU.
 *
 * The IR is built once and read once; freeing it node by node would cost
 * more than building it. Allocation failure aborts nothing: it returns NULL
 * and sets the arena's failed flag, which the caller reports. */
#ifndef FTC_ARENA_H
#define FTC_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ftc_arena_chunk ftc_arena_chunk;

typedef struct ftc_arena {
    ftc_arena_chunk *head;
    int failed;            /* an allocation returned NULL */
} ftc_arena;

void ftc_arena_init(ftc_arena *a);
void ftc_arena_release(ftc_arena *a);
/* Zeroed, aligned for any object. */
void *ftc_arena_alloc(ftc_arena *a, size_t size);
char *ftc_arena_strdup(ftc_arena *a, const char *s);
char *ftc_arena_strndup(ftc_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *ftc_arena_printf(ftc_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif

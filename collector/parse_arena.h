/* parse_arena.h - per-file bump memory for cJSON trees (see the .c). */
#ifndef FTC_PARSE_ARENA_H
#define FTC_PARSE_ARENA_H

#include <cjson/cJSON.h>

typedef struct ftc_pchunk ftc_pchunk;
typedef struct ftc_parena {
    ftc_pchunk *head;
} ftc_parena;

/* Once, before any cJSON call. */
void ftc_parena_install(void);
/* cJSON allocations of this thread go to a until leave; frees are no-ops. */
void ftc_parena_enter(ftc_parena *a);
void ftc_parena_leave(void);
/* Drop everything allocated in a (trees parsed there are gone). */
void ftc_parena_release(ftc_parena *a);

#endif

/* regions.h - where a function holds a lock, and source text of nodes. */
#ifndef FTC_REGIONS_H
#define FTC_REGIONS_H

#include "ftc_ir.h"

typedef enum ftc_region_kind {
    FTC_REGION_CRITICAL_SECTION,  /* Py_BEGIN_CRITICAL_SECTION(owner) ... */
    FTC_REGION_LOCK               /* a mutex held: PyMutex, pthread, guards */
} ftc_region_kind;

/* Byte offsets in the function's file: inside is (begin, end). */
typedef struct ftc_region {
    ftc_region_kind kind;
    uint32_t begin, end;
    const char *owners[2];        /* critical sections: the locked objects,
                                     spelled and normalised */
} ftc_region;

#define FTC_MAX_REGIONS 64

/* The regions of one function, in source order; returns how many. Works
 * in both header configurations: the critical-section macros are bare
 * braces in a GIL build, so their macro records are what is read. */
int ftc_find_regions(const ftc_tu *tu, const ftc_func *fn, ftc_arena *a,
                     ftc_region *out, int max);

/* Is offset inside a region (of any kind when owner is NULL, else a
 * critical section on that owner)? */
const ftc_region *ftc_region_at(const ftc_region *regions, int n,
                                uint32_t offset, const char *owner);

/* For a project lock function named in the configuration's
 * "acquire:release[,acquire:release...]": 1 acquires, -1 releases, 0 not. */
int ftc_lock_function_kind(const char *spec, const char *name);

/* Source text with white space, outer parentheses and (PyObject *) casts
 * removed, so `self->dict` and `(PyObject *)self->dict` compare equal. */
char *ftc_normalised_text(ftc_arena *a, const char *s, size_t n);
char *ftc_expr_text(ftc_arena *a, const ftc_tu *tu, const ftc_expr *e);

#endif

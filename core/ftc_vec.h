/* ftc_vec.h - a growable array of any element type, heap-backed.
 *
 *     FTC_VEC(int) v = {0};
 *     int *slot = FTC_VEC_PUSH(&v);   // zeroed new element, NULL on failure
 *     ftc_vec_free(&v);
 */
#ifndef FTC_VEC_H
#define FTC_VEC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FTC_VEC(T) struct { T *items; size_t count; size_t cap; }

/* Make room for one more element of elem_size bytes; returns the new,
 * zeroed element (count already incremented) or NULL. */
void *ftc_vec_push_raw(void *vec, size_t elem_size);
void ftc_vec_free_raw(void *vec);

#define FTC_VEC_PUSH(v) \
    ((__typeof__((v)->items))ftc_vec_push_raw((v), sizeof(*(v)->items)))
#define ftc_vec_free(v) ftc_vec_free_raw(v)

#ifdef __cplusplus
}
#endif
#endif

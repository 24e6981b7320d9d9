/* prov_internal.h - what provenance.c, prov_members.c and prov_summaries.c
 * share; the checks use provenance.h. */
#ifndef FTC_PROV_INTERNAL_H
#define FTC_PROV_INTERNAL_H

#include "provenance.h"

/* Is index a function of the TU? */
int ftc_prov_is_function(const ftc_tu *tu, int32_t index);
/* Is e (through casts) a reference of this kind to this index? */
int ftc_is_ref_to(const ftc_expr *e, ftc_ref_kind ref, int32_t index);
/* The operands node e hands to something that may keep them (a store
 * outside the locals, a return, an argument a call may keep), one at a
 * time through f until it returns non-zero; *asked is set when the answer
 * used a function's summary. */
int ftc_prov_for_published(const ftc_prov *p, const ftc_expr *e, int *asked,
                           int (*f)(const ftc_expr *operand, void *ctx), void *ctx);
/* Is `at` inside an expansion of one of the macros in names (NULL-ended)? */
int ftc_prov_inside_macro(const ftc_tu *tu, ftc_loc at, const char *const *names);
/* Is e a local variable of struct (not pointer, not array) type? */
int ftc_prov_local_struct(ftc_fn_view *v, const ftc_expr *e);
/* Does member owner (base.f or base->f) only ever hold private containers?
 * *param: -1 when base is a local struct, else the pointer parameter base
 * is (private when every caller points it at a stack object). */
int ftc_prov_member_field_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner,
                                  ftc_stmt_pos use, int *param);
/* Is local.field published on some path to `use` since it was last set
 * to a new container? */
int ftc_prov_member_published_before(const ftc_prov *p, ftc_fn_view *v, int32_t local,
                                     const char *field, ftc_stmt_pos use);
/* Is owner (base.f or base->f) a member of a stack object that holds only
 * fresh containers that never escape? */
int ftc_prov_member_is_private(const ftc_prov *p, ftc_fn_view *v, const ftc_expr *owner,
                               ftc_stmt_pos use);
/* The cache of member facts, made and freed with the TU's facts. */
struct ftc_field_cache *ftc_prov_fields_new(void);
void ftc_prov_fields_free(struct ftc_field_cache *c);

#endif

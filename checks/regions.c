/* regions.c - see regions.h. */
#include "regions.h"

#include <stdlib.h>
#include <string.h>

#include "capi.h"

char *ftc_normalised_text(ftc_arena *a, const char *s, size_t n)
{
    char *out = ftc_arena_alloc(a, n + 1);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            out[k++] = s[i];
    out[k] = '\0';
    for (;;) {
        size_t len = strlen(out);
        if (len >= 2 && out[0] == '(' && out[len - 1] == ')') {
            int depth = 0, wraps = 1;
            for (size_t i = 0; i < len - 1; i++) {
                depth += out[i] == '(' ? 1 : out[i] == ')' ? -1 : 0;
                if (depth == 0) {
                    wraps = 0;
                    break;
                }
            }
            if (wraps) {
                memmove(out, out + 1, len - 2);
                out[len - 2] = '\0';
                continue;
            }
        }
        if (strncmp(out, "(PyObject*)", 11) == 0) {
            memmove(out, out + 11, strlen(out + 11) + 1);
            continue;
        }
        if (strncmp(out, "_PyObject_CAST(", 15) == 0 && len > 16 && out[len - 1] == ')') {
            memmove(out, out + 15, len - 16);
            out[len - 16] = '\0';
            continue;
        }
        break;
    }
    return out;
}

char *ftc_expr_text(ftc_arena *a, const ftc_tu *tu, const ftc_expr *e)
{
    if (e == NULL)
        return NULL;
    if (e->text)
        return ftc_normalised_text(a, e->text, strlen(e->text));
    ftc_range r = ftc_tu_char_range(tu, e->range);
    if (r.begin.file < 0 || (size_t)r.begin.file >= tu->files.count)
        return NULL;
    const ftc_file *f = &tu->files.items[r.begin.file];
    if (f->content == NULL || r.end.offset > f->content_len ||
        r.end.offset < r.begin.offset)
        return NULL;
    return ftc_normalised_text(a, f->content + r.begin.offset,
                               r.end.offset - r.begin.offset);
}

static int in_function(const ftc_func *fn, ftc_range r)
{
    return r.begin.file == fn->range.begin.file &&
           r.begin.offset >= fn->range.begin.offset &&
           r.begin.offset <= fn->range.end.offset;
}

int ftc_lock_function_kind(const char *spec, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (const char *p = spec; p && *p && n;) {
        const char *colon = strchr(p, ':');
        if (colon == NULL)
            return 0;
        const char *end = strchr(colon, ',');
        if (end == NULL)
            end = colon + strlen(colon);
        if ((size_t)(colon - p) == n && strncmp(p, name, n) == 0)
            return 1;
        if ((size_t)(end - colon - 1) == n && strncmp(colon + 1, name, n) == 0)
            return -1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* A lock call by what the call itself says: Python's, the C libraries',
 * Clang's thread-safety attributes, the configuration's project names. */
static int direct_lock_kind(const ftc_tu *tu, const ftc_expr *e)
{
    int kind = ftc_capi_lock_call(e->name);
    if (kind == 0)
        kind = (e->lock & FTC_LOCK_ACQUIRES) ? 1 : (e->lock & FTC_LOCK_RELEASES) ? -1 : 0;
    if (kind == 0)
        kind = ftc_lock_function_kind(tu->lock_functions, e->name);
    return kind;
}

typedef struct wrapper_scan {
    const ftc_tu *tu;
    int acquires, releases;
} wrapper_scan;

static int count_lock_calls(const ftc_expr *e, void *ctx)
{
    wrapper_scan *w = ctx;
    if (e->kind == FTC_E_CALL && e->name) {
        int kind = direct_lock_kind(w->tu, e);
        w->acquires += kind > 0;
        w->releases += kind < 0;
    }
    return 0;
}

/* A small function of this file that only takes a lock, or only releases
 * one, is a lock function itself: lock_data(self) { acquire(self->lock); }
 * (what Clang's acquire_capability would say of it). */
static int wrapper_lock_kind(const ftc_tu *tu, const ftc_expr *call)
{
    if (call->ref != FTC_REF_FUNCTION || call->ref_index < 0 ||
        (size_t)call->ref_index >= tu->functions.count)
        return 0;
    const ftc_func *fn = &tu->functions.items[call->ref_index];
    uint32_t stmts = 0;
    for (uint32_t b = 0; b < fn->nblocks; b++)
        stmts += fn->blocks[b].nstmts;
    if (fn->nblocks == 0 || fn->nblocks > 8 || stmts > 12)
        return 0;
    wrapper_scan w = {tu, 0, 0};
    ftc_func_walk(fn, count_lock_calls, &w);
    return w.acquires && !w.releases ? 1 : w.releases && !w.acquires ? -1 : 0;
}

/* ---- mutexes held by calls: PyMutex_Lock(&m) ... PyMutex_Unlock(&m) ----- */

typedef struct lock_scan {
    const ftc_tu *tu;
    uint32_t locks[FTC_MAX_REGIONS], unlocks[FTC_MAX_REGIONS];
    int nlocks, nunlocks;
    uint32_t guards[FTC_MAX_REGIONS];   /* C++ scoped guards: held until */
    uint32_t guard_ends[FTC_MAX_REGIONS]; /* their destructor runs */
    int32_t guard_locals[FTC_MAX_REGIONS];
    int nguards;
} lock_scan;

static int scan_locks(const ftc_expr *e, void *ctx)
{
    lock_scan *s = ctx;
    if (e->kind == FTC_E_CALL && e->name) {
        int kind = direct_lock_kind(s->tu, e);
        if (kind == 0)
            kind = wrapper_lock_kind(s->tu, e);
        if (kind > 0 && s->nlocks < FTC_MAX_REGIONS)
            s->locks[s->nlocks++] = e->range.begin.offset;
        else if (kind < 0 && s->nunlocks < FTC_MAX_REGIONS)
            s->unlocks[s->nunlocks++] = e->range.begin.offset;
    }
    if (e->kind == FTC_E_DECL &&
        ((e->lock & FTC_LOCK_SCOPED) || (e->type && ftc_capi_is_scoped_guard(e->type))) &&
        s->nguards < FTC_MAX_REGIONS) {
        s->guards[s->nguards] = e->range.begin.offset;
        s->guard_ends[s->nguards] = UINT32_MAX;
        s->guard_locals[s->nguards++] = e->ref_index;
    }
    /* "~lock_guard" on that local: the end of its scope. */
    if (e->kind == FTC_E_CALL && e->name && e->name[0] == '~' && e->ref == FTC_REF_LOCAL)
        for (int i = 0; i < s->nguards; i++)
            if (s->guard_locals[i] == e->ref_index && s->guard_ends[i] == UINT32_MAX)
                s->guard_ends[i] = e->range.begin.offset;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int ftc_find_regions(const ftc_tu *tu, const ftc_func *fn, ftc_arena *a,
                     ftc_region *out, int max)
{
    int n = 0;
    int stack[FTC_MAX_REGIONS], depth = 0;
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        if (!in_function(fn, u->range))
            continue;
        if (ftc_capi_is_cs_begin(u->name) && n < max && depth < FTC_MAX_REGIONS) {
            ftc_region *r = &out[n];
            r->kind = FTC_REGION_CRITICAL_SECTION;
            r->begin = u->range.begin.offset;
            r->end = fn->range.end.offset;
            for (uint32_t k = 0; k < 2; k++)
                r->owners[k] = k < u->nargs
                                   ? ftc_normalised_text(a, u->args[k], strlen(u->args[k]))
                                   : NULL;
            stack[depth++] = n++;
        } else if (ftc_capi_is_cs_end(u->name) && depth > 0) {
            out[stack[--depth]].end = u->range.begin.offset;
        }
    }
    /* Lock and unlock calls, paired in source order: the usual
     * lock; ...; unlock; shape (and its early-return copies). */
    lock_scan s;
    memset(&s, 0, sizeof(s));
    s.tu = tu;
    ftc_func_walk(fn, scan_locks, &s);
    qsort(s.locks, (size_t)s.nlocks, sizeof(uint32_t), cmp_u32);
    qsort(s.unlocks, (size_t)s.nunlocks, sizeof(uint32_t), cmp_u32);
    for (int i = 0; i < s.nlocks && n < max; i++) {
        uint32_t end = fn->range.end.offset;
        for (int j = 0; j < s.nunlocks; j++)
            if (s.unlocks[j] > s.locks[i]) {
                /* the last unlock before the next lock closes this one */
                uint32_t next = i + 1 < s.nlocks ? s.locks[i + 1] : fn->range.end.offset;
                end = s.unlocks[j];
                for (int k = j + 1; k < s.nunlocks && s.unlocks[k] < next; k++)
                    end = s.unlocks[k];
                break;
            }
        out[n++] = (ftc_region){FTC_REGION_LOCK, s.locks[i], end, {NULL, NULL}};
    }
    for (int i = 0; i < s.nguards && n < max; i++)
        out[n++] = (ftc_region){FTC_REGION_LOCK, s.guards[i],
                                s.guard_ends[i] != UINT32_MAX ? s.guard_ends[i]
                                                              : fn->range.end.offset,
                                {NULL, NULL}};
    return n;
}

const ftc_region *ftc_region_at(const ftc_region *regions, int n,
                                uint32_t offset, const char *owner)
{
    for (int i = 0; i < n; i++) {
        const ftc_region *r = &regions[i];
        if (offset <= r->begin || offset >= r->end)
            continue;
        if (owner == NULL)
            return r;
        for (int k = 0; k < 2; k++)
            if (r->kind == FTC_REGION_CRITICAL_SECTION && r->owners[k] &&
                strcmp(r->owners[k], owner) == 0)
                return r;
    }
    return NULL;
}

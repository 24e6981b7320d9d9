/* finding.c - building a report. All strings go to the TU's arena. */
#include "ftc_finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ftc_report_init(ftc_report *r, ftc_arena *arena)
{
    r->arena = arena;
    r->findings.items = NULL;
    r->findings.count = r->findings.cap = 0;
    r->notifications.items = NULL;
    r->notifications.count = r->notifications.cap = 0;
    r->modules.items = NULL;
    r->modules.count = r->modules.cap = 0;
}

void ftc_report_release(ftc_report *r)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        ftc_vec_free(&r->findings.items[i].related);
        ftc_vec_free(&r->findings.items[i].fixits);
    }
    ftc_vec_free(&r->findings);
    ftc_vec_free(&r->notifications);
    ftc_vec_free(&r->modules);
}

static char *vformat(ftc_arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = ftc_arena_alloc(a, (size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static void out_of_memory(ftc_report *r)
{
    /* The notification itself needs no allocation beyond the vector slot. */
    ftc_notification *n = FTC_VEC_PUSH(&r->notifications);
    if (n) {
        n->level = FTC_LEVEL_ERROR;
        n->id = "out-of-memory";
        n->message = "ftcheck ran out of memory; findings may be missing";
    }
}

ftc_finding *ftc_report_add(ftc_report *r, const char *rule, ftc_level level,
                            ftc_confidence confidence, ftc_range range,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(r->arena, fmt, ap);
    va_end(ap);
    ftc_finding *f = msg ? FTC_VEC_PUSH(&r->findings) : NULL;
    if (f == NULL) {
        out_of_memory(r);
        return NULL;
    }
    f->rule = rule;
    f->level = level;
    f->confidence = confidence;
    f->message = msg;
    f->range = range;
    return f;
}

void ftc_finding_relate(ftc_report *r, ftc_finding *f, ftc_range range,
                        const char *fmt, ...)
{
    if (f == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(r->arena, fmt, ap);
    va_end(ap);
    ftc_related *rel = msg ? FTC_VEC_PUSH(&f->related) : NULL;
    if (rel == NULL) {
        out_of_memory(r);
        return;
    }
    rel->range = range;
    rel->message = msg;
}

void ftc_finding_fixit(ftc_report *r, ftc_finding *f, ftc_range range,
                       const char *text)
{
    if (f == NULL)
        return;
    ftc_fixit *fx = FTC_VEC_PUSH(&f->fixits);
    char *t = ftc_arena_strdup(r->arena, text);
    if (fx == NULL || t == NULL) {
        out_of_memory(r);
        return;
    }
    fx->range = range;
    fx->text = t;
}

void ftc_finding_suggest(ftc_report *r, ftc_finding *f, const char *fmt, ...)
{
    if (f == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    f->suggestion = vformat(r->arena, fmt, ap);
    va_end(ap);
}

void ftc_report_notify(ftc_report *r, ftc_level level, const char *id,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(r->arena, fmt, ap);
    va_end(ap);
    ftc_notification *n = FTC_VEC_PUSH(&r->notifications);
    if (n == NULL)
        return;
    n->level = level;
    n->id = id;
    n->message = msg ? msg : id;
}

void ftc_report_module(ftc_report *r, const char *name, const char *gil, ftc_loc loc)
{
    for (size_t i = 0; i < r->modules.count; i++)
        if (strcmp(r->modules.items[i].name, name) == 0)
            return;     /* first verdict wins: one per module */
    ftc_module_fact *m = FTC_VEC_PUSH(&r->modules);
    char *copy = ftc_arena_strdup(r->arena, name);
    if (m == NULL || copy == NULL) {
        out_of_memory(r);
        return;
    }
    m->name = copy;
    m->gil = gil;
    m->loc = loc;
}

const char *ftc_level_name(ftc_level level)
{
    switch (level) {
    case FTC_LEVEL_NOTE: return "note";
    case FTC_LEVEL_WARNING: return "warning";
    case FTC_LEVEL_ERROR: return "error";
    }
    return "warning";
}

const char *ftc_confidence_name(ftc_confidence c)
{
    return c == FTC_LIKELY ? "likely" : "certain";
}

/* ftc_finding.h - what a check reports, and the report that collects it. */
#ifndef FTC_FINDING_H
#define FTC_FINDING_H

#include "ftc_ir.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ftc_level {
    FTC_LEVEL_NOTE = 0,
    FTC_LEVEL_WARNING,
    FTC_LEVEL_ERROR
} ftc_level;

typedef enum ftc_confidence {
    FTC_CERTAIN = 0,
    FTC_LIKELY
} ftc_confidence;

/* Checks give finding and related ranges as IR token ranges; the engine
 * turns them into character ranges (end exclusive) before anything is
 * printed or written. Fix-it ranges are character ranges from the start. */
typedef struct ftc_related {
    ftc_range range;
    const char *message;
} ftc_related;

/* Replace the text of range (empty for an insertion) with text. */
typedef struct ftc_fixit {
    ftc_range range;
    const char *text;
} ftc_fixit;

typedef struct ftc_finding {
    const char *rule;          /* the check's id */
    ftc_level level;
    ftc_confidence confidence;
    const char *message;
    ftc_range range;
    const char *function;      /* enclosing function, NULL at file scope */
    const char *suggestion;    /* Markdown-free advice, may be NULL */
    FTC_VEC(ftc_related) related;
    FTC_VEC(ftc_fixit) fixits;
    int suppressed;            /* an in-source comment suppresses it */
    const char *justification; /* that comment's reason, may be "" */
} ftc_finding;

/* Something the tool itself wants the reader to know: an internal failure,
 * a file it could not read. Goes to toolExecutionNotifications. */
typedef struct ftc_notification {
    ftc_level level;
    const char *id;            /* stable short id, e.g. "internal-error" */
    const char *message;
} ftc_notification;

/* A module the checks saw and how it declares the GIL, so reports can list
 * every module and not only those with findings. gil is one of
 * "declared-not-used", "declares-used", "missing", "unknown". */
typedef struct ftc_module_fact {
    const char *name;
    const char *gil;
    ftc_loc loc;
} ftc_module_fact;

typedef struct ftc_report {
    ftc_arena *arena;          /* the TU's: strings below live there */
    FTC_VEC(ftc_finding) findings;
    FTC_VEC(ftc_notification) notifications;
    FTC_VEC(ftc_module_fact) modules;
} ftc_report;

void ftc_report_init(ftc_report *r, ftc_arena *arena);
void ftc_report_release(ftc_report *r);

/* Add a finding; message is printf-formatted into the arena. Returns the
 * finding so the check can add related locations, fix-its and advice, or
 * NULL when memory ran out (the report then carries a notification). */
ftc_finding *ftc_report_add(ftc_report *r, const char *rule, ftc_level level,
                            ftc_confidence confidence, ftc_range range,
                            const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
void ftc_finding_relate(ftc_report *r, ftc_finding *f, ftc_range range,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void ftc_finding_fixit(ftc_report *r, ftc_finding *f, ftc_range range,
                       const char *text);
void ftc_finding_suggest(ftc_report *r, ftc_finding *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void ftc_report_notify(ftc_report *r, ftc_level level, const char *id,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

void ftc_report_module(ftc_report *r, const char *name, const char *gil, ftc_loc loc);

const char *ftc_level_name(ftc_level level);           /* "note", ... */
const char *ftc_confidence_name(ftc_confidence c);     /* "certain", ... */

#ifdef __cplusplus
}
#endif
#endif

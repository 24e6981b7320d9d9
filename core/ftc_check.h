/* ftc_check.h - the interface every check implements.
 *
 * A check is a descriptor with its metadata and a run function over the IR.
 * The registry (checks/registry.c) lists them; core knows no check by name. */
#ifndef FTC_CHECK_H
#define FTC_CHECK_H

#include "ftc_finding.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a check needs the front end to lower; the union over the enabled
 * checks decides how much work a TU costs. */
enum {
    FTC_NEED_GLOBALS   = 1u << 0,  /* static-storage variables and initializers */
    FTC_NEED_FUNCTIONS = 1u << 1,  /* function bodies as CFGs */
    FTC_NEED_SKIPPED   = 1u << 2,  /* skipped preprocessor regions */
    FTC_NEED_MACROS    = 1u << 3,  /* watched macro definitions and uses */
    FTC_NEED_MODULE_INIT = 1u << 4, /* bodies of module init functions only */
    FTC_NEED_CONDITIONS = 1u << 5   /* #if chains in project files */
};

typedef enum ftc_precision {
    FTC_PRECISION_VERY_HIGH = 0,
    FTC_PRECISION_HIGH,
    FTC_PRECISION_MEDIUM,
    FTC_PRECISION_LOW
} ftc_precision;

typedef struct ftc_check {
    const char *id;                 /* stable rule id, never reused */
    const char *name;               /* CamelCase name for SARIF */
    const char *short_description;
    const char *full_description;
    const char *help_text;          /* plain text */
    const char *help_markdown;      /* also docs/checks/<id>.md */
    ftc_level default_level;
    ftc_precision precision;
    const char *const *tags;        /* NULL-terminated; "free-threading" first */
    unsigned needs;                 /* FTC_NEED_* */
    const char *const *watched_macros; /* NULL-terminated, may be NULL */
    void (*run)(const ftc_tu *tu, ftc_report *report);
} ftc_check;

/* The registry. */
extern const ftc_check *const ftc_checks[];
extern const size_t ftc_check_count;
const ftc_check *ftc_check_find(const char *id);
int ftc_check_index(const char *id);   /* -1 if unknown */

const char *ftc_precision_name(ftc_precision p);  /* "very-high", ... */

#ifdef __cplusplus
}
#endif
#endif

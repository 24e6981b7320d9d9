/* ftc_engine.h - run the enabled checks on a TU and write its side files.
 *
 * The front end calls, in order: ftc_analyse() on the filled IR (or
 * ftc_skip() when the TU does not include Python.h), prints the findings
 * the report holds, then ftc_write_outputs(). */
#ifndef FTC_ENGINE_H
#define FTC_ENGINE_H

#include <stdio.h>

#include "ftc_check.h"
#include "ftc_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ftc_status {
    FTC_STATUS_ANALYSED = 0,
    FTC_STATUS_SKIPPED,        /* not analysed on purpose: see reason */
    FTC_STATUS_FAILED          /* the tool failed: see notifications */
} ftc_status;

/* Everything a side file says about one TU. */
typedef struct ftc_result {
    const ftc_config *cfg;
    const ftc_tu *tu;
    ftc_report report;
    ftc_status status;
    const char *skip_reason;   /* for FTC_STATUS_SKIPPED */
    double seconds;            /* time the analysis took */
    double lower_seconds;      /* of which the front end's lowering */
} ftc_result;

void ftc_result_init(ftc_result *res, const ftc_config *cfg, ftc_tu *tu);
void ftc_result_release(ftc_result *res);

/* Seconds on a monotonic clock, for profiles. */
double ftc_now(void);

/* Run every enabled check, then apply in-source suppressions. With the
 * profile setting, print the time each took to stderr. */
void ftc_analyse(ftc_result *res);
/* Not analysed on purpose; a NULL reason means it does not include
 * Python.h (the front end's gate). */
void ftc_skip(ftc_result *res, const char *reason);

/* Write sarif=, json= and output-dir= files. Failures become notifications
 * and are also returned as -1; the compile must go on regardless. */
int ftc_write_outputs(ftc_result *res);

/* The IR as text (dump-ir), for developing checks. */
void ftc_dump_tu(const ftc_tu *tu, FILE *out);

/* The writers, for tests and the collector. */
int ftc_write_sarif(const ftc_result *res, FILE *out);
int ftc_write_json(const ftc_result *res, FILE *out);

/* Write by temporary name + rename so concurrent compiles never leave a
 * partial file. */
int ftc_write_file_atomic(const char *path,
                          int (*writer)(const ftc_result *res, FILE *out),
                          const ftc_result *res, char *err, size_t errlen);

/* The side-file name for a TU in output-dir: <main>-<hash>.<ext>, the hash
 * over the absolute main file and object file, so the same TU always maps
 * to one name and two TUs never share one. */
char *ftc_side_file_name(ftc_arena *a, const char *dir, const ftc_tu *tu,
                         const char *ext);

/* GitHub's primaryLocationLineHash of every line of content, exactly as the
 * codeql-action upload computes it ("<hex>:<n>"): result[i] is line i+1.
 * *nlines gets the count (an empty file has one line). One pass per file. */
char **ftc_line_hashes(ftc_arena *a, const char *content, size_t len,
                       unsigned *nlines);

/* Where a path goes in SARIF: relative to the source root when under it
 * (*relative set), else an absolute file URI. */
char *ftc_artifact_uri(ftc_arena *a, const char *path, const char *source_root,
                       const char *working_dir, int *relative);

#ifdef __cplusplus
}
#endif
#endif

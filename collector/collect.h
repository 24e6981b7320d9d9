/* collect.h - the collector's model: side files in, one merged store out.
 *
 * Side files are parsed one by one (in parallel) into an ftc_side, then
 * merged in path order into the ftc_store, so the output never depends on
 * thread timing. Strings in the store are interned: a header's finding
 * reported by a thousand TUs costs one copy. */
#ifndef FTC_COLLECT_H
#define FTC_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ftc_arena.h"
#include "parse_arena.h"

#define FTC_SARIF_MAX_RESULTS 25000  /* GitHub: results per run */
#define FTC_SARIF_MAX_RUNS 20        /* GitHub: runs per file */

typedef enum ftc_bstate {
    FTC_BS_NONE = 0,       /* no baseline given */
    FTC_BS_NEW,
    FTC_BS_UNCHANGED,
    FTC_BS_ABSENT          /* in the baseline only */
} ftc_bstate;

enum { FTC_LVL_NOTE, FTC_LVL_WARNING, FTC_LVL_ERROR, FTC_NLEVELS };
enum { FTC_CONF_CERTAIN, FTC_CONF_LIKELY, FTC_NCONF };

typedef struct ftc_cloc {
    const char *uri;
    uint32_t line, col, end_line, end_col;
    const char *message;   /* related locations only */
} ftc_cloc;

typedef struct ftc_cfinding {
    const char *project;
    const char *rule;
    const char *message;
    const char *function;   /* NULL at file scope */
    const char *snippet;    /* start line text, NULL if unknown */
    const char *line_hash;  /* GitHub primaryLocationLineHash */
    const char *suggestion;
    const char *justification;
    ftc_cloc loc;
    ftc_cloc *related;
    uint32_t nrelated;
    uint8_t level, confidence, suppressed, state;
    uint32_t tus;           /* translation units that reported it */
    uint64_t fp;            /* identity, see ftc_fingerprint() */
} ftc_cfinding;

/* One parsed side file (or one run of it), before merging. */
/* A module a side file reports with its GIL declaration (facts.modules). */
typedef struct ftc_side_module {
    const char *name, *gil, *file;
    uint32_t line;
} ftc_side_module;

typedef struct ftc_side_tu {
    const char *project;      /* from the run; NULL if absent */
    const char *status;       /* analysed, skipped, failed */
    const char *skip_reason;
    const char *main_file, *output_file, *working_dir, *source_root;
    const char *python_version, *clang_version;
    int gil_disabled, has_errors;
    const char **rules;       /* enabledRules */
    size_t nrules;
    ftc_side_module *modules; /* every module the checks saw */
    size_t nmodules;
    ftc_cfinding *findings;
    size_t nfindings;
    cJSON *driver_rules;      /* SARIF rules array, detached; may be NULL */
} ftc_side_tu;

typedef struct ftc_side {
    const char *path;
    const char *default_project;   /* from --project or the directory */
    int lenient;          /* baseline: accept merged reports too */
    ftc_arena arena;
    cJSON *root;          /* strings below point into it */
    ftc_parena parena;    /* root's memory */
    ftc_side_tu *tus;
    size_t ntus;
    char *error;          /* why the file was skipped, NULL if read */
    char **warnings;      /* parts of the file skipped */
    size_t nwarnings;
    int is_sarif;
} ftc_side;

/* Parse a side file; never fails hard: problems go to side->error. */
void ftc_side_load(ftc_side *side);
void ftc_side_release(ftc_side *side);

/* The identity of a finding: rule, file, function, line text with all
 * white space removed (message when the text is unknown), and n for the
 * n-th identical one in its TU, so moving code keeps it. */
uint64_t ftc_fingerprint(const ftc_cfinding *f, unsigned occurrence);
uint64_t ftc_hash_bytes(uint64_t h, const void *p, size_t n);
uint64_t ftc_hash_str(uint64_t h, const char *s);

/* ---- the store ----------------------------------------------------------- */

typedef struct ftc_strtab ftc_strtab;
ftc_strtab *ftc_strtab_new(void);
void ftc_strtab_free(ftc_strtab *t);
const char *ftc_intern(ftc_strtab *t, const char *s);  /* NULL stays NULL */

typedef struct ftc_count {           /* a name with a count */
    const char *name;
    size_t n;
} ftc_count;

typedef enum ftc_gil {
    FTC_GIL_UNKNOWN = 0, FTC_GIL_NOT_USED, FTC_GIL_USED, FTC_GIL_MISSING
} ftc_gil;

typedef struct ftc_module {
    const char *name;
    const char *file;
    uint32_t line;
    ftc_gil gil;
} ftc_module;

typedef struct ftc_project {
    const char *name;
    const char *source_root;
    size_t tus_analysed, tus_skipped, tus_failed, tus_errors;
    size_t gil_rule_tus;         /* analysed TUs where missing-mod-gil ran */
    ftc_count *pythons, *clangs;  /* versions seen */
    size_t npythons, nclangs;
    size_t nfree_threaded;       /* TUs built with Py_GIL_DISABLED */
    /* Filled by ftc_store_finish(): */
    size_t first, count;         /* its findings in store->findings */
    size_t open, suppressed;
    size_t by_level[FTC_NLEVELS], by_conf[FTC_NCONF];
    size_t n_new, n_unchanged, n_absent;
    ftc_module *modules;
    size_t nmodules;
    ftc_gil gil;                 /* worst of its modules */
    const char *verdict;         /* ready, blocked, needs-work, not-analysed */
    const char *verdict_reason;
} ftc_project;

typedef struct ftc_rule_info {
    const char *id;
    cJSON *sarif;                /* reportingDescriptor, from a side file */
} ftc_rule_info;

typedef struct ftc_trend_point {   /* from --history */
    long long run_id;
    const char *when;
    const char *project, *rule;
    size_t open;
} ftc_trend_point;

typedef struct ftc_store {
    ftc_strtab *strings;
    ftc_arena arena;
    ftc_cfinding *findings;      /* sorted by project, file, line, rule */
    size_t nfindings, cap;
    ftc_project *projects;       /* sorted by name */
    size_t nprojects, pcap;
    ftc_rule_info *rules;        /* sorted by id */
    size_t nrules;
    /* index: (project, fp) -> finding, open addressing */
    uint32_t *index;
    size_t index_cap;
    /* TUs seen, to count a TU given as SARIF and JSON once */
    uint64_t *tu_keys;
    size_t tu_cap, ntu_keys;
    size_t files_read, files_skipped, files_partial;
    ftc_count *apis;             /* borrowed-ref APIs, most frequent first */
    size_t napis;
    const char **api_fix;        /* replacement per api, may be NULL */
    int have_baseline;
    size_t absent_total;
    /* history */
    int have_history;
    long long run_id, prev_run_id;
    const char *prev_when;
    ftc_trend_point *trend;
    size_t ntrend;
    ftc_cfinding **appeared, **fixed;  /* since the previous run */
    size_t nappeared, nfixed;
    ftc_cfinding *fixed_store;   /* findings of the previous run only */
} ftc_store;

int ftc_store_init(ftc_store *s);
void ftc_store_release(ftc_store *s);
/* Merge one loaded side file; returns -1 when out of memory. */
int ftc_store_add(ftc_store *s, const ftc_side *side);
/* Add a finding known only from the baseline (state absent). */
int ftc_store_add_absent(ftc_store *s, const ftc_cfinding *f);
ftc_cfinding *ftc_store_find(ftc_store *s, const char *project, uint64_t fp);
/* Sort, count, derive modules, APIs and verdicts. */
int ftc_store_finish(ftc_store *s);
ftc_project *ftc_store_project(ftc_store *s, const char *name);

const char *ftc_level_str(int level);
const char *ftc_conf_str(int conf);
const char *ftc_bstate_str(int state);      /* SARIF baselineState */
const char *ftc_gil_str(ftc_gil g);
/* Whether a finding counts as open (not suppressed, not absent). */
int ftc_is_open(const ftc_cfinding *f);

/* ---- baseline and history ------------------------------------------------ */

/* Mark each finding new or unchanged against an earlier --json summary or
 * SARIF file, and add the absent ones. Errors name the file. */
int ftc_baseline_apply(ftc_store *s, const char *path, char *err,
                       size_t errlen);
/* Record this run in an SQLite database and read back the trend. */
int ftc_history_record(ftc_store *s, const char *path, const char *label,
                       const char *when, char *err, size_t errlen);

/* Open findings of a project per rule (index in store->rules), for the
 * reports; counts must hold store->nrules entries. */
void ftc_project_rule_counts(const ftc_store *s, const ftc_project *p,
                             size_t *counts);

/* ---- outputs ------------------------------------------------------------- */

typedef struct ftc_out_opts {
    const char *category;         /* automationDetails prefix */
    size_t max_results;           /* per SARIF run */
    size_t max_runs;              /* per SARIF file */
} ftc_out_opts;

int ftc_write_sarif_files(const ftc_store *s, const ftc_out_opts *o,
                          const char *path, char *err, size_t errlen);
int ftc_emit_json(const ftc_store *s, FILE *out);
int ftc_emit_markdown(const ftc_store *s, FILE *out);
int ftc_emit_html(const ftc_store *s, FILE *out);
int ftc_emit_csv(const ftc_store *s, FILE *out);
int ftc_emit_github(const ftc_store *s, FILE *out);
int ftc_emit_gitlab(const ftc_store *s, FILE *out);
int ftc_emit_text(const ftc_store *s, FILE *out);

/* Text escaping for the writers (emit.c). */
void ftc_put_json_str(FILE *out, const char *s);   /* with quotes; NULL: null */
void ftc_put_html(FILE *out, const char *s);
void ftc_put_csv(FILE *out, const char *s);
void ftc_put_md(FILE *out, const char *s);         /* inside a table cell */
void ftc_put_fp(FILE *out, uint64_t fp);           /* 16 hex digits */
/* Write with a writer into a file by temporary name + rename. */
int ftc_write_output(const char *path, int (*emit)(const ftc_store *, FILE *),
                     const ftc_store *s, char *err, size_t errlen);

#endif

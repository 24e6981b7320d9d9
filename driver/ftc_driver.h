/* ftc_driver.h - the `ftcheck` command: what the parts of the driver share.
 *
 *   locate.c    where clang, the plugin and ftcheck-collect are
 *   compdb.c    jobs from a compile_commands.json (through libclang)
 *   discover.c  jobs from a source tree when there is no database
 *   pyconfig.c  Python's include flags (python3-config, cached)
 *   runner.c    run the jobs in parallel, with a time limit each
 *   progress.c  progress bar or plain lines
 *   collect.c   run ftcheck-collect over the side files
 *   audit.c     `ftcheck audit`
 *   build.c     `ftcheck build -- <command>` */
#ifndef FTC_DRIVER_H
#define FTC_DRIVER_H

#include <stdio.h>

#include "ftc_util.h"

/* --- locate.c --------------------------------------------------------- */

typedef struct ftc_tools {
    const char *clang;      /* the clang the plugin was built for */
    const char *clangxx;    /* its clang++ */
    const char *plugin;     /* libftcheck.so */
    const char *collector;  /* ftcheck-collect, NULL when not found */
    const char *clang_version;
} ftc_tools;

/* Baked-in paths first, then relative to the executable. Returns -1 with
 * a message when clang or the plugin cannot be found. `clang` overrides
 * the compiler (tests). */
int ftc_locate_tools(ftc_tools *t, const char *clang);
const char *ftc_locate_collector(void);
const char *ftc_locate_plugin(void);

/* --- jobs ------------------------------------------------------------- */

typedef enum ftc_job_state {
    FTC_JOB_PENDING = 0,
    FTC_JOB_DONE,          /* clang ran and the plugin wrote its side file */
    FTC_JOB_FAILED,        /* crashed, timed out or no side file */
} ftc_job_state;

typedef struct ftc_project {
    char *name;            /* the side files' project property */
    char *root;            /* absolute, symlinks resolved */
    char *out;             /* --out DIR/<name> */
} ftc_project;

typedef struct ftc_job {
    const ftc_project *project;
    char *dir;             /* working directory of the compile */
    char *file;            /* the source, absolute */
    char *rel;             /* the source relative to the project root */
    ftc_strvec argv;       /* clang and its arguments, plugin included */
    char *side;            /* the SARIF side file the plugin writes */
    char *log;             /* clang's output, kept when the job fails */
    /* results */
    ftc_job_state state;
    double seconds;
    int findings;          /* not suppressed */
    int analysed;          /* the side file says "analysed" */
    char *reason;          /* why it failed */
} ftc_job;

typedef struct ftc_jobs {
    ftc_job *v;
    size_t n, cap;
} ftc_jobs;

ftc_job *ftc_jobs_add(ftc_jobs *jobs);
void ftc_job_release(ftc_job *job);
void ftc_jobs_free(ftc_jobs *jobs);

/* Fill in argv's plugin arguments, side file and log path for a job whose
 * argv holds the compile command and whose project, file and rel are set.
 * `nth` numbers repeated compiles of one source (0 for the first). */
void ftc_job_finish(ftc_job *job, const ftc_tools *t, unsigned nth);

/* --- compdb.c / discover.c -------------------------------------------- */

/* Jobs from DIR/compile_commands.json. Returns the number of jobs added,
 * or -1 with a message naming the file. */
int ftc_compdb_jobs(ftc_jobs *jobs, const ftc_project *p, const char *dbdir,
                    const ftc_tools *t);

typedef struct ftc_discover_opts {
    const char *python_include;   /* --python-include, else python3-config */
    int quiet;
} ftc_discover_opts;

/* Jobs from the C and C++ sources under the project's root. */
int ftc_discover_jobs(ftc_jobs *jobs, const ftc_project *p,
                      const ftc_discover_opts *o, const ftc_tools *t);

/* `python3-config --includes`, from the cache when the same script said
 * it before (pyconfig.c says when); NULL when there is no answer. */
char *ftc_python_includes(void);

/* --- runner.c / progress.c -------------------------------------------- */

typedef struct ftc_progress ftc_progress;

typedef struct ftc_run_opts {
    int jobs;              /* parallel compiles */
    double timeout;        /* seconds per file, 0 for none */
    int quiet;
} ftc_run_opts;

/* Run every job; never stops on a failing one. Writes a "failed" JSON side
 * file for each job that left none. */
void ftc_run_jobs(ftc_jobs *jobs, const ftc_run_opts *o);

ftc_progress *ftc_progress_start(size_t total, int quiet);
void ftc_progress_tick(ftc_progress *p, size_t done, long findings);
void ftc_progress_job(ftc_progress *p, const ftc_job *job, size_t done,
                      long findings);
void ftc_progress_end(ftc_progress *p, size_t done, long findings);

/* Count the unsuppressed results and read the status of a SARIF side file.
 * Returns -1 when it cannot be read. */
int ftc_side_summary(const char *path, int *findings, int *analysed);
/* Write the ftcheck-json side file of a TU the tool could not analyse. */
int ftc_write_failed(const ftc_job *job, const char *path, const char *reason);

/* --- collect.c -------------------------------------------------------- */

/* Run ftcheck-collect over the projects' side files, writing report.html,
 * report.md, summary.json and results.sarif in out. Returns the exit
 * status to give: the collector's, or one derived from the jobs when the
 * collector is missing, and 3 when nothing was analysed. */
int ftc_collect(const ftc_tools *t, const char *out, char **dirs,
                size_t ndirs, int analysed, long findings, int quiet);

/* --- commands ---------------------------------------------------------- */

int ftc_audit_main(int argc, char **argv);
int ftc_build_main(int argc, char **argv);

#endif

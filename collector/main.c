/* main.c - ftcheck-collect: one report from many ftcheck side files.
 *
 * Exit status: 0 no findings that fail (see --fail-on), 1 findings that
 * do, 2 usage error, 3 nothing could be collected, 4 an output could not
 * be written. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "ftc_config.h"
#include "gather.h"
#include "inputs.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_NOTHING = 3,
       EXIT_OUTPUT = 4 };

/* From this many findings, each output file is written on its own thread. */
enum { THREADED_OUTPUTS_FROM = 4096 };

static const char usage[] =
    "usage: ftcheck-collect [options] PATH...\n"
    "\n"
    "PATH: ftcheck SARIF or JSON side files, or directories searched for\n"
    "them (*.sarif, *.json). The project of a side file is the one its run\n"
    "names, else the --project mapping, else the first directory level\n"
    "under PATH.\n"
    "\n"
    "Outputs (any combination; FILE '-' is standard output):\n"
    "  --sarif FILE       SARIF 2.1.0 for GitHub code scanning (split into\n"
    "                     FILE-1.sarif, ... beyond 20 runs)\n"
    "  --json FILE        summary per project, totals, every finding\n"
    "  --markdown FILE    report for a tracking issue\n"
    "  --html FILE        self-contained page with charts and tables\n"
    "  --csv FILE         one row per finding\n"
    "  --gitlab FILE      GitLab Code Quality JSON\n"
    "  --github           GitHub workflow-command annotations on stdout\n"
    "  --text             compiler-style lines on stdout\n"
    "\n"
    "Comparison and gating:\n"
    "  --baseline FILE    an earlier --json summary or SARIF: mark findings\n"
    "                     new, unchanged or absent\n"
    "  --fail-on WHAT     new, any (default) or never: which open findings\n"
    "                     make the exit status 1\n"
    "  --history FILE     record this run in an SQLite database and show the\n"
    "                     trend since earlier runs\n"
    "  --label TEXT       a name for this run in the history\n"
    "  --time TIME        the run's time in the history (default: now, UTC\n"
    "                     ISO 8601), to record earlier runs\n"
    "\n"
    "Other:\n"
    "  --project NAME=DIR side files under DIR belong to NAME\n"
    "  --category NAME    SARIF automationDetails category (ftcheck)\n"
    "  --max-results N    results per SARIF run (25000, GitHub's limit)\n"
    "  --max-runs N       runs per SARIF file (20, GitHub's limit)\n"
    "  --jobs N           parsing threads (default: the number of CPUs)\n"
    "  --quiet            do not list parts of files that were skipped\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 no failing findings, 1 failing findings, 2 usage error,\n"
    "3 nothing could be collected, 4 an output could not be written.\n";

typedef struct opts {
    const char *sarif, *json, *markdown, *html, *csv, *gitlab;
    int github, text, quiet;
    const char *baseline, *history, *label, *when, *fail_on;
    char **maps;
    size_t nmaps;
    char **paths;
    size_t npaths;
    ftc_out_opts out;
    unsigned jobs;
} opts;

static int bad_usage(const char *fmt, const char *arg)
{
    fputs("ftcheck-collect: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(ftcheck-collect --help lists the options)\n", stderr);
    return EXIT_USAGE;
}

static int parse_count(const char *s, size_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 100000000)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof(*o));
    o->out.category = "ftcheck";
    o->out.max_results = FTC_SARIF_MAX_RESULTS;
    o->out.max_runs = FTC_SARIF_MAX_RUNS;
    o->fail_on = "any";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    o->maps = calloc((size_t)argc, sizeof(char *));
    o->paths = calloc((size_t)argc, sizeof(char *));
    if (o->maps == NULL || o->paths == NULL)
        return EXIT_USAGE;
    struct { const char *name; const char **dst; } valued[] = {
        {"--sarif", &o->sarif}, {"--json", &o->json},
        {"--markdown", &o->markdown}, {"--html", &o->html},
        {"--csv", &o->csv}, {"--gitlab", &o->gitlab},
        {"--baseline", &o->baseline}, {"--history", &o->history},
        {"--label", &o->label}, {"--time", &o->when}, {"--fail-on", &o->fail_on},
        {"--category", &o->out.category},
    };
    int only_paths = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->npaths++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_paths = 1;
            continue;
        }
        /* --name=value is --name value. */
        char *val = NULL, *eq = strchr(a, '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s",
                 eq ? (int)(eq - a) : (int)strlen(a), a);
        if (eq)
            val = eq + 1;
        int handled = 0;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            if (strcmp(name, valued[k].name) != 0)
                continue;
            if (val == NULL && i + 1 < argc)
                val = argv[++i];
            if (val == NULL || val[0] == '\0')
                return bad_usage("%s needs a value", name);
            *valued[k].dst = val;
            handled = 1;
        }
        if (handled)
            continue;
        if (strcmp(name, "--github") == 0 && !eq) {
            o->github = 1;
        } else if (strcmp(name, "--text") == 0 && !eq) {
            o->text = 1;
        } else if (strcmp(name, "--quiet") == 0 && !eq) {
            o->quiet = 1;
        } else if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
            fputs(usage, stdout);
            exit(EXIT_CLEAN);
        } else if (strcmp(name, "--project") == 0 ||
                   strcmp(name, "--max-results") == 0 ||
                   strcmp(name, "--max-runs") == 0 ||
                   strcmp(name, "--jobs") == 0) {
            if (val == NULL && i + 1 < argc)
                val = argv[++i];
            if (val == NULL)
                return bad_usage("%s needs a value", name);
            size_t n = 0;
            if (strcmp(name, "--project") == 0) {
                char *e = strchr(val, '=');
                if (e == NULL || e == val || e[1] == '\0')
                    return bad_usage("--project wants NAME=DIR, not '%s'",
                                     val);
                o->maps[o->nmaps++] = val;
            } else if (parse_count(val, &n) != 0) {
                return bad_usage("%s wants a positive number", name);
            } else if (strcmp(name, "--max-results") == 0) {
                o->out.max_results = n;
            } else if (strcmp(name, "--max-runs") == 0) {
                o->out.max_runs = n;
            } else {
                o->jobs = (unsigned)(n > 64 ? 64 : n);
            }
        } else {
            return bad_usage("unknown option '%s'", a);
        }
    }
    if (strcmp(o->fail_on, "new") != 0 && strcmp(o->fail_on, "any") != 0 &&
        strcmp(o->fail_on, "never") != 0)
        return bad_usage("--fail-on takes new, any or never, not '%s'",
                         o->fail_on);
    if (o->npaths == 0)
        return bad_usage("%s", "no PATH given");
    if (o->out.max_results > FTC_SARIF_MAX_RESULTS ||
        o->out.max_runs > FTC_SARIF_MAX_RUNS)
        return bad_usage("%s", "--max-results and --max-runs cannot exceed "
                         "GitHub's limits (25000, 20)");
    return -1;
}

typedef struct out_job {
    const ftc_store *s;
    const ftc_out_opts *sarif;    /* set for the SARIF output */
    const char *path;
    int (*emit)(const ftc_store *, FILE *);
    char err[1024];
    int rc;
} out_job;

static void *run_job(void *arg)
{
    out_job *j = arg;
    if (j->sarif)
        j->rc = ftc_write_sarif_files(j->s, j->sarif, j->path, j->err,
                                      sizeof j->err);
    else
        j->rc = ftc_write_output(j->path, j->emit, j->s, j->err,
                                 sizeof j->err);
    return NULL;
}

/* Open findings that fail the build under --fail-on. */
static size_t failing(const ftc_store *s, const char *fail_on)
{
    if (strcmp(fail_on, "never") == 0)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (!ftc_is_open(f))
            continue;
        /* Without a baseline every finding is new. */
        if (strcmp(fail_on, "any") == 0 || f->state != FTC_BS_UNCHANGED)
            n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    ftc_parena_install();
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[1024];
    ftc_inputs in = {0};
    for (size_t i = 0; i < o.npaths; i++) {
        int r = ftc_inputs_add(&in, o.paths[i], err, sizeof err);
        if (r != 0)
            fprintf(stderr, "ftcheck-collect: %s\n", err);
    }
    ftc_inputs_map(&in, o.maps, o.nmaps);

    ftc_store s;
    if (ftc_store_init(&s) != 0 || ftc_gather(&s, &in, o.jobs, o.quiet)) {
        fprintf(stderr, "ftcheck-collect: out of memory\n");
        return EXIT_NOTHING;
    }
    if (s.files_read == 0) {
        fprintf(stderr, "ftcheck-collect: nothing collected: %zu file(s) "
                "found, none readable as an ftcheck side file\n",
                s.files_skipped);
        ftc_store_release(&s);
        ftc_inputs_free(&in);
        return EXIT_NOTHING;
    }
    int status = EXIT_CLEAN;
    if (o.baseline &&
        ftc_baseline_apply(&s, o.baseline, err, sizeof err) != 0) {
        fprintf(stderr, "ftcheck-collect: baseline %s\n", err);
        ftc_store_release(&s);
        ftc_inputs_free(&in);
        return EXIT_USAGE;
    }
    if (ftc_store_finish(&s) != 0) {
        fprintf(stderr, "ftcheck-collect: out of memory\n");
        return EXIT_NOTHING;
    }
    if (o.history && ftc_history_record(&s, o.history, o.label, o.when, err,
                                        sizeof err) != 0) {
        fprintf(stderr, "ftcheck-collect: history %s\n", err);
        status = EXIT_OUTPUT;
    }

    /* Files on their own threads (the store is read-only now), then the
     * standard-output ones in order. Small reports are written in less
     * time than threads take to start. */
    out_job jobs[] = {
        {&s, &o.out, o.sarif, NULL, "", 0}, {&s, NULL, o.json, ftc_emit_json, "", 0},
        {&s, NULL, o.markdown, ftc_emit_markdown, "", 0},
        {&s, NULL, o.html, ftc_emit_html, "", 0},
        {&s, NULL, o.csv, ftc_emit_csv, "", 0},
        {&s, NULL, o.gitlab, ftc_emit_gitlab, "", 0},
        {&s, NULL, o.github ? "-" : NULL, ftc_emit_github, "", 0},
        {&s, NULL, o.text ? "-" : NULL, ftc_emit_text, "", 0},
    };
    size_t njobs = sizeof jobs / sizeof jobs[0];
    pthread_t threads[sizeof jobs / sizeof jobs[0]];
    int started[sizeof jobs / sizeof jobs[0]] = {0};
    for (size_t i = 0; i < njobs; i++) {
        if (jobs[i].path == NULL || strcmp(jobs[i].path, "-") == 0)
            continue;
        started[i] = o.jobs > 1 && s.nfindings >= THREADED_OUTPUTS_FROM &&
                     pthread_create(&threads[i], NULL, run_job, &jobs[i]) == 0;
        if (!started[i])
            run_job(&jobs[i]);
    }
    for (size_t i = 0; i < njobs; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else if (jobs[i].path && strcmp(jobs[i].path, "-") == 0)
            run_job(&jobs[i]);
        if (jobs[i].path && jobs[i].rc != 0) {
            fprintf(stderr, "ftcheck-collect: %s\n", jobs[i].err);
            status = EXIT_OUTPUT;
        }
    }
    size_t nfail = failing(&s, o.fail_on);
    if (status == EXIT_CLEAN && nfail)
        status = EXIT_FINDINGS;
    if (!o.quiet || status != EXIT_CLEAN)
        fprintf(stderr, "ftcheck-collect: %zu file(s) read, %zu skipped; "
                "%zu project(s); %zu finding(s), %zu failing (--fail-on "
                "%s)\n", s.files_read, s.files_skipped, s.nprojects,
                s.nfindings, nfail, o.fail_on);
    ftc_store_release(&s);
    ftc_inputs_free(&in);
    free(o.maps);
    free(o.paths);
    return status;
}

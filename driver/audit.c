/* audit.c - `ftcheck audit [options] DIR...`: every project's translation
 * units through clang with the plugin, in parallel, then one report. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftc_driver.h"

static const char usage[] =
    "usage: ftcheck audit [options] DIR...\n"
    "\n"
    "Analyse each project directory and write one report.\n"
    "\n"
    "  -p DIR              the build directory holding compile_commands.json\n"
    "                      (default: DIR/compile_commands.json or\n"
    "                      DIR/build/compile_commands.json when there is one,\n"
    "                      else the C/C++ sources found under DIR)\n"
    "  --list FILE         project directories, one per line (# comments)\n"
    "  --out DIR           where side files and the report go\n"
    "                      (default: ftcheck-report); side files in DIR/<project>/\n"
    "  -j N                parallel compiles (default: all cores)\n"
    "  --timeout SECONDS   time limit per file (default: 300; 0: none)\n"
    "  --shard K/N         analyse only share K of N (1 <= K <= N)\n"
    "  --python-include DIR  Python.h's directory (default: python3-config)\n"
    "  --clang PATH        the clang to run (default: the one the plugin is\n"
    "                      built for)\n"
    "  --no-report         side files only; do not run ftcheck-collect\n"
    "  --dry-run           print the compile commands and stop\n"
    "  -q, --quiet         no progress output\n"
    "\n"
    "Exit status: 0 no findings, 1 findings, 2 usage error, 3 nothing could\n"
    "be analysed.\n";

typedef struct audit_opts {
    const char *compdb_dir;
    const char *out;
    const char *clang;
    int shard_k, shard_n;
    int no_report, dry_run;
    ftc_run_opts run;
    ftc_discover_opts discover;
    ftc_strvec dirs;
} audit_opts;

static int read_list(ftc_strvec *dirs, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        ftc_error("--list %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) {
            ftc_error("%s:%u: a NUL byte: not a text file of directories",
                      path, lineno);
            free(line);
            fclose(f);
            return -1;
        }
        char *s = line + strspn(line, " \t");
        size_t n = strcspn(s, "\r\n");
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        s[n] = '\0';
        if (*s == '\0' || *s == '#')
            continue;
        if (!ftc_is_dir(s)) {
            ftc_error("%s:%u: %s: not a directory", path, lineno, s);
            free(line);
            fclose(f);
            return -1;
        }
        ftc_sv_push(dirs, s);
    }
    free(line);
    fclose(f);
    return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(audit_opts *o, int argc, char **argv)
{
    enum { O_LIST = 256, O_OUT, O_TIMEOUT, O_SHARD, O_PYINC, O_CLANG,
           O_NOREPORT, O_DRYRUN };
    static const struct option longs[] = {
        {"list", required_argument, NULL, O_LIST},
        {"out", required_argument, NULL, O_OUT},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"shard", required_argument, NULL, O_SHARD},
        {"python-include", required_argument, NULL, O_PYINC},
        {"clang", required_argument, NULL, O_CLANG},
        {"no-report", no_argument, NULL, O_NOREPORT},
        {"dry-run", no_argument, NULL, O_DRYRUN},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->run.jobs = cores > 0 ? (int)cores : 1;
    o->run.timeout = 300;
    o->out = "ftcheck-report";
    o->shard_k = o->shard_n = 1;
    optind = 1;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "+p:j:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'p':
            o->compdb_dir = optarg;
            break;
        case 'j':
            if (parse_int(optarg, 1, 4096, &v) != 0) {
                ftc_error("-j %s: expected a number of jobs from 1 to 4096",
                          optarg);
                return -1;
            }
            o->run.jobs = (int)v;
            break;
        case 'q':
            o->run.quiet = o->discover.quiet = 1;
            break;
        case O_LIST:
            if (read_list(&o->dirs, optarg) != 0)
                return -1;
            break;
        case O_OUT:
            o->out = optarg;
            break;
        case O_TIMEOUT:
            if (parse_int(optarg, 0, 86400 * 7, &v) != 0) {
                ftc_error("--timeout %s: expected whole seconds (0: none)",
                          optarg);
                return -1;
            }
            o->run.timeout = (double)v;
            break;
        case O_SHARD: {
            int k, n, used = 0;
            if (sscanf(optarg, "%d/%d%n", &k, &n, &used) != 2 ||
                optarg[used] != '\0' || n < 1 || k < 1 || k > n) {
                ftc_error("--shard %s: expected K/N with 1 <= K <= N, "
                          "e.g. --shard 2/8", optarg);
                return -1;
            }
            o->shard_k = k;
            o->shard_n = n;
            break;
        }
        case O_PYINC:
            if (!ftc_is_dir(optarg)) {
                ftc_error("--python-include %s: not a directory", optarg);
                return -1;
            }
            o->discover.python_include = optarg;
            break;
        case O_CLANG:
            o->clang = optarg;
            break;
        case O_NOREPORT:
            o->no_report = 1;
            break;
        case O_DRYRUN:
            o->dry_run = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            exit(0);
        default:
            fputs(usage, stderr);
            return -1;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (!ftc_is_dir(argv[i])) {
            ftc_error("%s: not a directory", argv[i]);
            return -1;
        }
        ftc_sv_push(&o->dirs, argv[i]);
    }
    if (o->dirs.n == 0) {
        ftc_error("no project directory given");
        fputs(usage, stderr);
        return -1;
    }
    if (o->compdb_dir && o->dirs.n > 1) {
        ftc_error("-p %s names one build directory, but %zu projects are "
                  "given", o->compdb_dir, o->dirs.n);
        return -1;
    }
    if (o->compdb_dir && !ftc_is_dir(o->compdb_dir)) {
        ftc_error("-p %s: not a directory", o->compdb_dir);
        return -1;
    }
    return 0;
}

/* The project's name is its directory's, made unique in the order given
 * (the same on every machine that is given the same list). */
static char *project_name(const char *root, ftc_project *prev, size_t nprev)
{
    const char *base = ftc_basename(root);
    if (*base == '\0')
        base = "root";
    char *name = ftc_xstrdup(base);
    for (unsigned k = 2;; k++) {
        size_t i = 0;
        while (i < nprev && strcmp(prev[i].name, name) != 0)
            i++;
        if (i == nprev)
            return name;
        free(name);
        name = ftc_fmt("%s-%u", base, k);
    }
}

static const char *find_compdb(const char *root, char **owned)
{
    static const char *const cands[] = {"", "build", NULL};
    for (const char *const *c = cands; *c; c++) {
        char *dir = **c ? ftc_path_join(root, *c) : ftc_xstrdup(root);
        char *db = ftc_path_join(dir, "compile_commands.json");
        int found = ftc_is_file(db);
        free(db);
        if (found)
            return *owned = dir;
        free(dir);
    }
    return NULL;
}

/* Keep a deterministic 1/N share: by a hash of the project's name and the
 * file's path in it, so every machine picks the same files whatever the
 * order of discovery. */
static void shard(ftc_jobs *jobs, int k, int n)
{
    if (n <= 1)
        return;
    size_t w = 0;
    for (size_t i = 0; i < jobs->n; i++) {
        ftc_job *j = &jobs->v[i];
        uint64_t h = ftc_fnv1a(j->project->name, strlen(j->project->name),
                               FTC_FNV_INIT);
        h = ftc_fnv1a("/", 1, h);
        h = ftc_fnv1a(j->rel, strlen(j->rel), h);
        if (h % (uint64_t)n == (uint64_t)(k - 1)) {
            jobs->v[w++] = *j;
        } else {
            ftc_job_release(j);
        }
    }
    jobs->n = w;
}

static void print_command(const ftc_job *j)
{
    char *buf = NULL;
    size_t len = 0;
    buf = ftc_xstrdup("cd ");
    len = 3;
    ftc_shell_quote(&buf, &len, j->dir);
    buf = ftc_xrealloc(buf, len + 5);
    strcpy(buf + len, " &&");
    len += 3;
    for (size_t i = 0; i < j->argv.n; i++) {
        buf = ftc_xrealloc(buf, len + 2);
        buf[len++] = ' ';
        buf[len] = '\0';
        ftc_shell_quote(&buf, &len, j->argv.v[i]);
    }
    puts(buf);
    free(buf);
}

int ftc_audit_main(int argc, char **argv)
{
    audit_opts o = {0};
    if (parse_args(&o, argc, argv) != 0)
        return 2;
    ftc_tools tools;
    if (ftc_locate_tools(&tools, o.clang) != 0)
        return 2;
    if (!o.dry_run && ftc_mkdirs(o.out) != 0) {
        ftc_error("--out %s: cannot create: %s", o.out, strerror(errno));
        return 2;
    }
    /* Absolute: every compile runs in its own directory. */
    char *cwd = ftc_realpath(".");
    char *out = o.dry_run ? ftc_path_join(cwd ? cwd : "/", o.out)
                          : ftc_realpath(o.out);
    free(cwd);

    size_t np = o.dirs.n;
    ftc_project *projects = calloc(np, sizeof(ftc_project));
    ftc_jobs jobs = {0};
    int rc = 0;
    for (size_t i = 0; i < np; i++) {
        ftc_project *p = &projects[i];
        p->root = ftc_realpath(o.dirs.v[i]);
        if (p->root == NULL) {
            ftc_error("%s: %s", o.dirs.v[i], strerror(errno));
            return 2;
        }
        p->name = project_name(p->root, projects, i);
        p->out = ftc_path_join(out, p->name);
        if (!o.dry_run) {
            if (o.shard_n == 1)
                ftc_remove_side_files(p->out);
            ftc_mkdirs(p->out);
        }
        char *owned = NULL;
        const char *db = o.compdb_dir ? o.compdb_dir
                                      : find_compdb(p->root, &owned);
        int n = db ? ftc_compdb_jobs(&jobs, p, db, &tools)
                   : ftc_discover_jobs(&jobs, p, &o.discover, &tools);
        free(owned);
        if (n < 0)
            return 2;
        if (n == 0 && !o.run.quiet)
            ftc_note("%s: no C or C++ sources to analyse", p->root);
    }
    size_t all = jobs.n;
    shard(&jobs, o.shard_k, o.shard_n);
    if (o.dry_run) {
        for (size_t i = 0; i < jobs.n; i++)
            print_command(&jobs.v[i]);
        return 0;
    }
    if (!o.run.quiet)
        ftc_note("%zu translation unit%s in %zu project%s%s, %d at a time",
                 jobs.n, jobs.n == 1 ? "" : "s", np, np == 1 ? "" : "s",
                 o.shard_n > 1 ? ftc_fmt(" (shard %d/%d of %zu)", o.shard_k,
                                         o.shard_n, all) : "",
                 o.run.jobs);
    ftc_run_jobs(&jobs, &o.run);

    int analysed = 0, failed = 0;
    long findings = 0;
    for (size_t i = 0; i < jobs.n; i++) {
        analysed += jobs.v[i].analysed;
        failed += jobs.v[i].state == FTC_JOB_FAILED;
        findings += jobs.v[i].findings;
    }
    if (!o.run.quiet)
        ftc_note("%zu file%s: %d analysed, %zu skipped (no Python.h), %d "
                 "failed; %ld finding%s", jobs.n, jobs.n == 1 ? "" : "s",
                 analysed, jobs.n - (size_t)analysed - (size_t)failed, failed,
                 findings, findings == 1 ? "" : "s");
    if (analysed == 0)
        ftc_error("nothing could be analysed");
    if (o.no_report) {
        rc = analysed == 0 ? 3 : findings > 0 ? 1 : 0;
    } else {
        ftc_strvec dirs = {0};
        for (size_t i = 0; i < np; i++)
            if (ftc_is_dir(projects[i].out))
                ftc_sv_push(&dirs, projects[i].out);
        rc = ftc_collect(&tools, out, dirs.v, dirs.n, analysed, findings,
                         o.run.quiet);
        ftc_sv_free(&dirs);
    }
    ftc_jobs_free(&jobs);
    return rc;
}

/* build.c - `ftcheck build -- <command>`: run the project's real build with
 * the plugin injected through CC/CXX/CFLAGS/CXXFLAGS and the FTCHECK_*
 * settings, then collect the side files every compile left. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftc_driver.h"

static const char usage[] =
    "usage: ftcheck build [options] -- COMMAND [ARG...]\n"
    "\n"
    "Run a build (pip wheel ., python -m build, meson compile, make, ...)\n"
    "with clang and the plugin injected, then write one report.\n"
    "\n"
    "  --out DIR         where side files and the report go\n"
    "                    (default: ftcheck-report); side files in DIR/<project>/\n"
    "  --project NAME    the project's name (default: this directory's name)\n"
    "  --clang PATH      the clang to use (default: the one the plugin is\n"
    "                    built for; clang++ next to it for C++)\n"
    "  --no-report       side files only; do not run ftcheck-collect\n"
    "  -q, --quiet       fewer messages\n"
    "\n"
    "Sets CC, CXX, CFLAGS/CXXFLAGS (+= -fplugin=...), FTCHECK_OUTPUT_DIR,\n"
    "FTCHECK_PROJECT and FTCHECK_SOURCE_ROOT for the build. Exit status: as\n"
    "for audit, and 4 when the build command failed.\n";

static void append_flag(const char *var, const char *flag)
{
    const char *old = getenv(var);
    char *v = old && *old ? ftc_fmt("%s %s", old, flag) : ftc_xstrdup(flag);
    setenv(var, v, 1);
    free(v);
}

/* Translation units the build analysed, and their findings. */
static void count_side_files(const char *dir, int *analysed, long *findings)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= 6 || strcmp(e->d_name + n - 6, ".sarif") != 0)
            continue;
        char *p = ftc_path_join(dir, e->d_name);
        int f = 0, a = 0;
        if (ftc_side_summary(p, &f, &a) == 0) {
            *analysed += a;
            *findings += f;
        }
        free(p);
    }
    closedir(d);
}

int ftc_build_main(int argc, char **argv)
{
    enum { O_OUT = 256, O_PROJECT, O_CLANG, O_NOREPORT };
    static const struct option longs[] = {
        {"out", required_argument, NULL, O_OUT},
        {"project", required_argument, NULL, O_PROJECT},
        {"clang", required_argument, NULL, O_CLANG},
        {"no-report", no_argument, NULL, O_NOREPORT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *outarg = "ftcheck-report", *project = NULL, *clang = NULL;
    int quiet = 0, no_report = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+qh", longs, NULL)) != -1) {
        switch (c) {
        case O_OUT: outarg = optarg; break;
        case O_PROJECT: project = optarg; break;
        case O_CLANG: clang = optarg; break;
        case O_NOREPORT: no_report = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind >= argc) {
        ftc_error("no build command given (ftcheck build -- make -j8)");
        fputs(usage, stderr);
        return 2;
    }
    if (project && (*project == '\0' || strchr(project, '/'))) {
        ftc_error("--project %s: expected a name without '/'", project);
        return 2;
    }
    ftc_tools tools;
    if (ftc_locate_tools(&tools, clang) != 0)
        return 2;
    char *cwd = ftc_realpath(".");
    if (cwd == NULL || ftc_mkdirs(outarg) != 0) {
        ftc_error("--out %s: cannot create: %s", outarg, strerror(errno));
        return 2;
    }
    char *out = ftc_realpath(outarg);
    if (project == NULL)
        project = ftc_basename(cwd);
    char *side_dir = ftc_path_join(out, project);
    ftc_remove_side_files(side_dir);
    if (ftc_mkdirs(side_dir) != 0) {
        ftc_error("%s: cannot create: %s", side_dir, strerror(errno));
        return 2;
    }

    char *plugin_flag = ftc_fmt("-fplugin=%s", tools.plugin);
    setenv("CC", tools.clang, 1);
    setenv("CXX", tools.clangxx, 1);
    append_flag("CFLAGS", plugin_flag);
    append_flag("CXXFLAGS", plugin_flag);
    setenv("FTCHECK_OUTPUT_DIR", side_dir, 1);
    setenv("FTCHECK_PROJECT", project, 1);
    setenv("FTCHECK_SOURCE_ROOT", cwd, 1);
    if (!quiet)
        ftc_note("building with CC=%s CXX=%s, side files in %s", tools.clang,
                 tools.clangxx, side_dir);
    fflush(NULL);

    pid_t pid = fork();
    if (pid < 0) {
        ftc_error("cannot start the build: %s", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        execvp(argv[optind], argv + optind);
        ftc_error("cannot run %s: %s", argv[optind], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int build_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!build_ok)
        ftc_error("the build command failed (%s %d); collecting what it "
                  "compiled", WIFEXITED(status) ? "status" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status)
                                    : WTERMSIG(status));

    int analysed = 0;
    long findings = 0;
    count_side_files(side_dir, &analysed, &findings);
    if (!quiet)
        ftc_note("%d translation unit%s analysed; %ld finding%s", analysed,
                 analysed == 1 ? "" : "s", findings, findings == 1 ? "" : "s");
    int rc;
    if (analysed == 0)
        ftc_error("nothing was analysed: did the build compile any C or C++ "
                  "with CC/CXX/CFLAGS from the environment?");
    if (no_report)
        rc = analysed == 0 ? 3 : findings > 0 ? 1 : 0;
    else
        rc = ftc_collect(&tools, out, &side_dir, 1, analysed, findings, quiet);
    return build_ok || rc == 3 ? rc : 4;
}

/* collect.c - hand the side files to ftcheck-collect, which writes the
 * report, and take its exit status as ours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftc_driver.h"

static int run(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "ftcheck: error: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int ftc_collect(const ftc_tools *t, const char *out, char **dirs,
                size_t ndirs, int analysed, long findings, int quiet)
{
    if (t->collector == NULL) {
        ftc_note("ftcheck-collect not found next to ftcheck or in the build "
                 "tree: no report; the side files are in %s", out);
        if (analysed == 0)
            return 3;
        return findings > 0 ? 1 : 0;
    }
    ftc_strvec argv = {0};
    ftc_sv_push(&argv, t->collector);
    ftc_sv_push(&argv, "--sarif");
    ftc_sv_pushf(&argv, "%s/results.sarif", out);
    ftc_sv_push(&argv, "--json");
    ftc_sv_pushf(&argv, "%s/summary.json", out);
    ftc_sv_push(&argv, "--markdown");
    ftc_sv_pushf(&argv, "%s/report.md", out);
    ftc_sv_push(&argv, "--html");
    ftc_sv_pushf(&argv, "%s/report.html", out);
    for (size_t i = 0; i < ndirs; i++)
        ftc_sv_push(&argv, dirs[i]);
    int rc = run(argv.v);
    ftc_sv_free(&argv);
    if (rc < 0 || rc > 3) {
        ftc_error("%s failed (status %d); the side files are in %s",
                  t->collector, rc, out);
        return 2;
    }
    if (rc != 2 && rc != 3) {
        printf("Report: %s/report.html\n", out);
        if (!quiet)
            printf("        %s/report.md, %s/summary.json, "
                   "%s/results.sarif\n", out, out, out);
    }
    return analysed == 0 ? 3 : rc;
}

/* runner.c - run the compiles, -j at a time, each in its own process
 * group with a deadline. A job that crashes, times out or leaves no side
 * file gets a "failed" JSON side file instead, and the audit goes on.
 * Children are reaped as soon as they end (SIGCHLD through sigtimedwait),
 * so the driver adds no polling delay to any compile. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ftc_driver.h"

typedef struct slot {
    pid_t pid;
    ftc_job *job;
    double start;
    int timed_out;
} slot;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_sigchld(int sig)
{
    (void)sig;   /* only to make SIGCHLD pending, never delivered */
}

static char *failed_path(const ftc_job *job)
{
    return ftc_fmt("%.*s.json", (int)(strlen(job->side) - 6), job->side);
}

static pid_t spawn(ftc_job *job, const sigset_t *oldmask)
{
    char *logdir = ftc_dirname(job->log);
    ftc_mkdirs(logdir);
    free(logdir);
    unlink(job->side);   /* a stale file must not pass for this run's */
    char *failed = failed_path(job);
    unlink(failed);
    free(failed);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    signal(SIGCHLD, SIG_DFL);
    int log = open(job->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, 0);
    if (log >= 0) {
        dup2(log, 1);
        dup2(log, 2);
    }
    if (chdir(job->dir) != 0) {
        fprintf(stderr, "error: cannot enter directory %s: %s\n", job->dir,
                strerror(errno));
        _exit(126);
    }
    execv(job->argv.v[0], job->argv.v);
    fprintf(stderr, "error: cannot run %s: %s\n", job->argv.v[0],
            strerror(errno));
    _exit(127);
}

/* The first error Clang printed, to say why a file failed. */
static char *first_error(const char *log)
{
    FILE *f = fopen(log, "r");
    if (f == NULL)
        return NULL;
    char line[1024];
    char *found = NULL;
    while (fgets(line, sizeof(line), f)) {
        if (strstr(line, "error: ") || strstr(line, "Error") ||
            strstr(line, "Stack dump")) {
            line[strcspn(line, "\n")] = '\0';
            found = ftc_xstrdup(line);
            break;
        }
    }
    fclose(f);
    return found;
}

static void finish(slot *s, int status, double end, double timeout)
{
    ftc_job *job = s->job;
    job->seconds = end - s->start;
    if (!s->timed_out && ftc_side_summary(job->side, &job->findings,
                                          &job->analysed) == 0) {
        job->state = FTC_JOB_DONE;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            unlink(job->log);
        return;
    }
    job->state = FTC_JOB_FAILED;
    char *err = first_error(job->log);
    if (s->timed_out)
        job->reason = ftc_fmt("timed out after %gs (--timeout)", timeout);
    else if (WIFSIGNALED(status))
        job->reason = ftc_fmt("clang crashed (signal %d, %s)%s%s",
                              WTERMSIG(status), strsignal(WTERMSIG(status)),
                              err ? ": " : "", err ? err : "");
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        job->reason = ftc_fmt("clang exited with status %d before the "
                              "analysis%s%s", WEXITSTATUS(status),
                              err ? ": " : "", err ? err : "");
    else
        job->reason = ftc_fmt("the plugin wrote no side file");
    free(err);
    char *failed = failed_path(job);
    unlink(job->side);
    if (ftc_write_failed(job, failed, job->reason) != 0)
        ftc_error("%s: cannot write: %s", failed, strerror(errno));
    free(failed);
}

void ftc_run_jobs(ftc_jobs *jobs, const ftc_run_opts *o)
{
    sigset_t chld, oldmask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct sigaction sa = {0};
    sa.sa_handler = on_sigchld;
    sigaction(SIGCHLD, &sa, NULL);
    sigprocmask(SIG_BLOCK, &chld, &oldmask);

    int width = o->jobs > 0 ? o->jobs : 1;
    slot *slots = calloc((size_t)width, sizeof(slot));
    size_t next = 0, done = 0;
    long findings = 0;
    int running = 0;
    ftc_progress *prog = ftc_progress_start(jobs->n, o->quiet);

    while (next < jobs->n || running > 0) {
        for (int i = 0; i < width && next < jobs->n; i++) {
            if (slots[i].pid != 0)
                continue;
            ftc_job *job = &jobs->v[next++];
            pid_t pid = spawn(job, &oldmask);
            if (pid < 0) {
                job->state = FTC_JOB_FAILED;
                job->reason = ftc_fmt("cannot start clang: %s",
                                      strerror(errno));
                char *failed = failed_path(job);
                ftc_write_failed(job, failed, job->reason);
                free(failed);
                done++;
                continue;
            }
            setpgid(pid, pid);
            slots[i] = (slot){pid, job, now(), 0};
            running++;
        }
        /* Reap whatever ended. */
        int status;
        pid_t pid;
        while (running > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
            double end = now();
            for (int i = 0; i < width; i++) {
                if (slots[i].pid != pid)
                    continue;
                finish(&slots[i], status, end, o->timeout);
                findings += slots[i].job->findings;
                done++;
                ftc_progress_job(prog, slots[i].job, done, findings);
                slots[i].pid = 0;
                running--;
                break;
            }
        }
        if (running == 0 || (next < jobs->n && running < width))
            continue;
        /* Sleep until a child ends, a deadline passes or the bar is due. */
        double t = now(), wait = 0.25;
        for (int i = 0; i < width; i++) {
            if (slots[i].pid == 0 || o->timeout <= 0 || slots[i].timed_out)
                continue;
            double left = slots[i].start + o->timeout - t;
            if (left <= 0) {
                kill(-slots[i].pid, SIGKILL);
                slots[i].timed_out = 1;
            } else if (left < wait) {
                wait = left;
            }
        }
        struct timespec ts = {(time_t)wait,
                              (long)((wait - (double)(time_t)wait) * 1e9)};
        sigtimedwait(&chld, NULL, &ts);
        ftc_progress_tick(prog, done, findings);
    }
    ftc_progress_end(prog, done, findings);
    free(slots);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
}

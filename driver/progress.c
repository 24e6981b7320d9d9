/* progress.c - on a terminal, one bar redrawn in place (files done of
 * total, findings so far, elapsed and remaining time); in a pipe or CI,
 * one plain line per file, failures with their reason. -q: nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ftc_driver.h"

struct ftc_progress {
    size_t total;
    int quiet, tty;
    double start, last_draw;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clock_text(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

ftc_progress *ftc_progress_start(size_t total, int quiet)
{
    ftc_progress *p = ftc_xmalloc(sizeof(*p));
    p->total = total;
    p->quiet = quiet;
    p->tty = isatty(2);
    p->start = p->last_draw = now();
    return p;
}

static void draw(ftc_progress *p, size_t done, long findings)
{
    double t = now();
    p->last_draw = t;
    const int width = 24;
    int fill = p->total ? (int)((double)done * width / (double)p->total) : 0;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[width] = '\0';
    char el[48], left[48] = "?";
    clock_text(el, sizeof(el), t - p->start);
    if (done > 0)
        clock_text(left, sizeof(left),
                   (t - p->start) / (double)done * (double)(p->total - done));
    fprintf(stderr, "\r[%s] %zu/%zu files  %ld finding%s  %s elapsed  %s left "
            "\033[K", bar, done, p->total, findings, findings == 1 ? "" : "s",
            el, left);
    fflush(stderr);
}

void ftc_progress_tick(ftc_progress *p, size_t done, long findings)
{
    if (!p->quiet && p->tty && now() - p->last_draw >= 0.2)
        draw(p, done, findings);
}

void ftc_progress_job(ftc_progress *p, const ftc_job *job, size_t done,
                      long findings)
{
    if (p->quiet)
        return;
    if (p->tty) {
        if (job->state == FTC_JOB_FAILED)
            fprintf(stderr, "\r\033[Kftcheck: %s/%s: failed: %s\n",
                    job->project->name, job->rel, job->reason);
        draw(p, done, findings);
        return;
    }
    if (job->state == FTC_JOB_FAILED)
        fprintf(stderr, "ftcheck: [%zu/%zu] %s/%s: failed: %s\n", done,
                p->total, job->project->name, job->rel, job->reason);
    else
        fprintf(stderr, "ftcheck: [%zu/%zu] %s/%s: %s, %d finding%s (%.1fs)\n",
                done, p->total, job->project->name, job->rel,
                job->analysed ? "analysed" : "skipped", job->findings,
                job->findings == 1 ? "" : "s", job->seconds);
}

void ftc_progress_end(ftc_progress *p, size_t done, long findings)
{
    if (!p->quiet && p->tty && p->total > 0) {
        draw(p, done, findings);
        fputc('\n', stderr);
    }
    free(p);
}

/* jobs.c - the job list and the plugin arguments every compile gets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftc_driver.h"

ftc_job *ftc_jobs_add(ftc_jobs *jobs)
{
    if (jobs->n == jobs->cap) {
        jobs->cap = jobs->cap ? jobs->cap * 2 : 64;
        jobs->v = ftc_xrealloc(jobs->v, jobs->cap * sizeof(ftc_job));
    }
    ftc_job *j = &jobs->v[jobs->n++];
    memset(j, 0, sizeof(*j));
    return j;
}

void ftc_job_release(ftc_job *j)
{
    free(j->dir);
    free(j->file);
    free(j->rel);
    ftc_sv_free(&j->argv);
    free(j->side);
    free(j->log);
    free(j->reason);
}

void ftc_jobs_free(ftc_jobs *jobs)
{
    for (size_t i = 0; i < jobs->n; i++)
        ftc_job_release(&jobs->v[i]);
    free(jobs->v);
    memset(jobs, 0, sizeof(*jobs));
}

void ftc_job_finish(ftc_job *job, const ftc_tools *t, unsigned nth)
{
    const ftc_project *p = job->project;
    /* The name depends only on the project, the source's place in it and
     * its ordinal, so every shard and every machine names a TU alike. */
    uint64_t h = ftc_fnv1a(p->name, strlen(p->name) + 1, FTC_FNV_INIT);
    h = ftc_fnv1a(job->rel, strlen(job->rel) + 1, h);
    char ord[16];
    snprintf(ord, sizeof(ord), "%u", nth);
    h = ftc_fnv1a(ord, strlen(ord), h);
    const char *base = ftc_basename(job->rel);
    job->side = ftc_fmt("%s/%s-%016llx.sarif", p->out, base,
                        (unsigned long long)h);
    job->log = ftc_fmt("%s/logs/%s-%016llx.log", p->out, base,
                       (unsigned long long)h);
    ftc_strvec *a = &job->argv;
    ftc_sv_push(a, "-fsyntax-only");
    ftc_sv_push(a, "-fno-crash-diagnostics");   /* no reproducers in /tmp */
    ftc_sv_pushf(a, "-fplugin=%s", t->plugin);
    ftc_sv_pushf(a, "-fplugin-arg-ftcheck-project=%s", p->name);
    ftc_sv_pushf(a, "-fplugin-arg-ftcheck-source-root=%s", p->root);
    ftc_sv_pushf(a, "-fplugin-arg-ftcheck-sarif=%s", job->side);
    ftc_sv_push(a, "-fplugin-arg-ftcheck-diagnostics=off");
}

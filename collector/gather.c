/* gather.c - parse side files on several threads, merge them in input
 * order on this one, so the result never depends on thread timing. A
 * window bounds how far parsing runs ahead, and so the memory held. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gather.h"

#define WINDOW 64

typedef struct shared {
    ftc_side *sides;
    size_t n, next, merged;
    unsigned char *done;
    pthread_mutex_t mu;
    pthread_cond_t cond_done, cond_space;
} shared;

static void *worker(void *arg)
{
    shared *sh = arg;
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        while (sh->next < sh->n && sh->next >= sh->merged + WINDOW)
            pthread_cond_wait(&sh->cond_space, &sh->mu);
        if (sh->next >= sh->n) {
            pthread_mutex_unlock(&sh->mu);
            return NULL;
        }
        size_t i = sh->next++;
        pthread_mutex_unlock(&sh->mu);
        ftc_side_load(&sh->sides[i]);
        pthread_mutex_lock(&sh->mu);
        sh->done[i] = 1;
        pthread_cond_broadcast(&sh->cond_done);
        pthread_mutex_unlock(&sh->mu);
    }
}

static void report(const ftc_side *side, ftc_store *s, int quiet)
{
    if (side->error) {
        fprintf(stderr, "ftcheck-collect: %s: skipped: %s\n", side->path,
                side->error);
        s->files_skipped++;
        return;
    }
    s->files_read++;
    if (side->nwarnings)
        s->files_partial++;
    for (size_t i = 0; i < side->nwarnings && !quiet; i++)
        fprintf(stderr, "ftcheck-collect: %s: %s\n", side->path,
                side->warnings[i]);
}

int ftc_gather(ftc_store *s, const ftc_inputs *in, unsigned jobs, int quiet)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.n = in->count;
    sh.sides = calloc(sh.n ? sh.n : 1, sizeof(*sh.sides));
    sh.done = calloc(sh.n ? sh.n : 1, 1);
    if (sh.sides == NULL || sh.done == NULL) {
        free(sh.sides);
        free(sh.done);
        return -1;
    }
    for (size_t i = 0; i < sh.n; i++) {
        sh.sides[i].path = in->items[i].path;
        sh.sides[i].default_project = in->items[i].project;
    }
    pthread_mutex_init(&sh.mu, NULL);
    pthread_cond_init(&sh.cond_done, NULL);
    pthread_cond_init(&sh.cond_space, NULL);
    if (jobs > 64)
        jobs = 64;
    if (jobs > sh.n)
        jobs = (unsigned)sh.n;
    if (jobs < 2)
        jobs = 0;     /* one file: a thread only adds its start-up */
    pthread_t threads[64];
    unsigned started = 0;
    for (unsigned t = 0; t < jobs; t++)
        if (pthread_create(&threads[t], NULL, worker, &sh) == 0)
            started++;
    int rc = 0;
    for (size_t i = 0; i < sh.n; i++) {
        if (started == 0) {
            ftc_side_load(&sh.sides[i]);     /* no thread: do it here */
        } else {
            pthread_mutex_lock(&sh.mu);
            while (!sh.done[i])
                pthread_cond_wait(&sh.cond_done, &sh.mu);
            pthread_mutex_unlock(&sh.mu);
        }
        ftc_side *side = &sh.sides[i];
        report(side, s, quiet);
        if (side->error == NULL && rc == 0 && ftc_store_add(s, side) != 0) {
            fprintf(stderr, "ftcheck-collect: %s: out of memory merging it\n",
                    side->path);
            rc = -1;
        }
        ftc_side_release(side);
        pthread_mutex_lock(&sh.mu);
        sh.merged = i + 1;
        pthread_cond_broadcast(&sh.cond_space);
        pthread_mutex_unlock(&sh.mu);
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&sh.mu);
    pthread_cond_destroy(&sh.cond_done);
    pthread_cond_destroy(&sh.cond_space);
    free(sh.sides);
    free(sh.done);
    return rc;
}

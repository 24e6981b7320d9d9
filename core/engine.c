/* engine.c - run the enabled checks, apply suppressions, write side files. */
#include "ftc_engine.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "ftc_suppress.h"

void ftc_result_init(ftc_result *res, const ftc_config *cfg, ftc_tu *tu)
{
    memset(res, 0, sizeof(*res));
    res->cfg = cfg;
    res->tu = tu;
    if (tu)
        tu->lock_functions = cfg->lock_functions;
    ftc_report_init(&res->report, &tu->arena);
}

void ftc_result_release(ftc_result *res)
{
    ftc_report_release(&res->report);
}

static int loc_cmp(ftc_loc a, ftc_loc b)
{
    if (a.file != b.file)
        return a.file < b.file ? -1 : 1;
    if (a.line != b.line)
        return a.line < b.line ? -1 : 1;
    if (a.col != b.col)
        return a.col < b.col ? -1 : 1;
    return 0;
}

static int finding_cmp(const void *pa, const void *pb)
{
    const ftc_finding *a = pa, *b = pb;
    int c = loc_cmp(a->range.begin, b->range.begin);
    if (c)
        return c;
    c = strcmp(a->rule, b->rule);
    return c ? c : strcmp(a->message, b->message);
}

/* The same finding twice (a check reaching one place by two routes) would
 * be noise in every output; drop exact repeats after sorting. */
static void dedupe(ftc_report *r)
{
    size_t out = 0;
    for (size_t i = 0; i < r->findings.count; i++) {
        ftc_finding *f = &r->findings.items[i];
        if (out > 0 && finding_cmp(&r->findings.items[out - 1], f) == 0) {
            ftc_vec_free(&f->related);
            ftc_vec_free(&f->fixits);
            continue;
        }
        r->findings.items[out++] = *f;
    }
    r->findings.count = out;
}

/* Checks speak in IR token ranges; everything printed or written wants
 * character ranges. */
static void finish_ranges(const ftc_tu *tu, ftc_report *r)
{
    for (size_t i = 0; i < r->findings.count; i++) {
        ftc_finding *f = &r->findings.items[i];
        f->range = ftc_tu_char_range(tu, f->range);
        for (size_t j = 0; j < f->related.count; j++)
            f->related.items[j].range =
                ftc_tu_char_range(tu, f->related.items[j].range);
    }
}

double ftc_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void ftc_analyse(ftc_result *res)
{
    const ftc_config *cfg = res->cfg;
    res->status = FTC_STATUS_ANALYSED;
    if (cfg->debug_crash)
        abort();    /* proves the front end survives a failing analysis */
    if (cfg->dump_ir)
        ftc_dump_tu(res->tu, stderr);
    if (cfg->profile)
        fprintf(stderr, "ftcheck profile: %s: lowering %.2f ms\n", res->tu->main_file,
                res->lower_seconds * 1e3);
    for (size_t i = 0; i < ftc_check_count && i < FTC_MAX_CHECKS; i++) {
        if (!cfg->enabled[i])
            continue;
        double start = ftc_now();
        ftc_checks[i]->run(res->tu, &res->report);
        if (cfg->profile)
            fprintf(stderr, "ftcheck profile: %s: %s %.2f ms\n", res->tu->main_file,
                    ftc_checks[i]->id, (ftc_now() - start) * 1e3);
    }
    ftc_report *r = &res->report;
    finish_ranges(res->tu, r);
    if (r->findings.count > 1) {
        qsort(r->findings.items, r->findings.count, sizeof(ftc_finding),
              finding_cmp);
        dedupe(r);
    }
    if (!cfg->no_suppress)
        ftc_apply_suppressions(res->tu, r);
    if (res->tu->arena.failed)
        ftc_report_notify(r, FTC_LEVEL_ERROR, "out-of-memory",
                          "ftcheck ran out of memory; findings may be missing");
}

void ftc_skip(ftc_result *res, const char *reason)
{
    res->status = FTC_STATUS_SKIPPED;
    res->skip_reason = reason ? reason : "the translation unit does not include Python.h";
}

static int write_one(ftc_result *res, const char *path,
                     int (*writer)(const ftc_result *, FILE *))
{
    char err[512];
    if (ftc_write_file_atomic(path, writer, res, err, sizeof(err)) == 0)
        return 0;
    ftc_report_notify(&res->report, FTC_LEVEL_ERROR, "output-failed", "%s",
                      err);
    return -1;
}

int ftc_write_outputs(ftc_result *res)
{
    const ftc_config *cfg = res->cfg;
    int rc = 0;
    if (cfg->sarif_path)
        rc |= write_one(res, cfg->sarif_path, ftc_write_sarif);
    if (cfg->json_path)
        rc |= write_one(res, cfg->json_path, ftc_write_json);
    if (cfg->output_dir) {
        char *path = ftc_side_file_name(res->report.arena, cfg->output_dir,
                                        res->tu, "sarif");
        if (path == NULL) {
            ftc_report_notify(&res->report, FTC_LEVEL_ERROR, "output-failed",
                              "cannot name a side file in %s", cfg->output_dir);
            rc = -1;
        } else {
            rc |= write_one(res, path, ftc_write_sarif);
        }
    }
    return rc ? -1 : 0;
}

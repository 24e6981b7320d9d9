/* out_json.c - the summary (`ftcheck-collect` JSON, version 1): coverage,
 * counts, modules, verdicts per project, totals, and every finding with its
 * fingerprint, so the file can serve as the next run's --baseline. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "ftc_config.h"

typedef struct rule_counts {
    size_t open, suppressed, absent, n_new;
    size_t level[FTC_NLEVELS], conf[FTC_NCONF];
} rule_counts;

static int rule_pos(const ftc_store *s, const char *id)
{
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].id == id)
            return (int)i;
    return 0;
}

static void count_rules(const ftc_store *s, size_t first, size_t count,
                        rule_counts *rc)
{
    memset(rc, 0, s->nrules * sizeof(*rc));
    for (size_t i = first; i < first + count; i++) {
        const ftc_cfinding *f = &s->findings[i];
        rule_counts *c = &rc[rule_pos(s, f->rule)];
        if (f->state == FTC_BS_ABSENT) {
            c->absent++;
        } else if (f->suppressed) {
            c->suppressed++;
        } else {
            c->open++;
            c->level[f->level]++;
            c->conf[f->confidence]++;
            c->n_new += f->state == FTC_BS_NEW;
        }
    }
}

static void put_levels(FILE *out, const size_t *lv, const size_t *cf)
{
    fprintf(out, "\"byLevel\":{\"error\":%zu,\"warning\":%zu,\"note\":%zu},"
            "\"byConfidence\":{\"certain\":%zu,\"likely\":%zu}",
            lv[FTC_LVL_ERROR], lv[FTC_LVL_WARNING], lv[FTC_LVL_NOTE],
            cf[FTC_CONF_CERTAIN], cf[FTC_CONF_LIKELY]);
}

static void put_by_rule(FILE *out, const ftc_store *s, const rule_counts *rc)
{
    fputs("\"byRule\":{", out);
    for (size_t i = 0; i < s->nrules; i++) {
        if (i)
            putc(',', out);
        ftc_put_json_str(out, s->rules[i].id);
        fprintf(out, ":{\"open\":%zu,\"suppressed\":%zu,", rc[i].open,
                rc[i].suppressed);
        if (s->have_baseline)
            fprintf(out, "\"new\":%zu,\"absent\":%zu,", rc[i].n_new,
                    rc[i].absent);
        put_levels(out, rc[i].level, rc[i].conf);
        putc('}', out);
    }
    putc('}', out);
}

static void put_versions(FILE *out, const char *key, const ftc_count *c,
                         size_t n)
{
    fprintf(out, "\"%s\":{", key);
    for (size_t i = 0; i < n; i++) {
        if (i)
            putc(',', out);
        ftc_put_json_str(out, c[i].name);
        fprintf(out, ":%zu", c[i].n);
    }
    putc('}', out);
}

static void put_project(FILE *out, const ftc_store *s, const ftc_project *p,
                        rule_counts *rc)
{
    fputs("{\"name\":", out);
    ftc_put_json_str(out, p->name);
    fprintf(out, ",\"verdict\":\"%s\",\"verdictReason\":", p->verdict);
    ftc_put_json_str(out, p->verdict_reason);
    fprintf(out, ",\"coverage\":{\"tusAnalysed\":%zu,\"tusSkipped\":%zu,"
            "\"tusFailed\":%zu,\"tusWithErrors\":%zu,\"freeThreadedTus\":%zu,",
            p->tus_analysed, p->tus_skipped, p->tus_failed, p->tus_errors,
            p->nfree_threaded);
    put_versions(out, "pythonVersions", p->pythons, p->npythons);
    putc(',', out);
    put_versions(out, "clangVersions", p->clangs, p->nclangs);
    fprintf(out, "},\"open\":%zu,\"suppressed\":%zu,", p->open,
            p->suppressed);
    if (s->have_baseline)
        fprintf(out, "\"baseline\":{\"new\":%zu,\"unchanged\":%zu,"
                "\"absent\":%zu},", p->n_new, p->n_unchanged, p->n_absent);
    put_levels(out, p->by_level, p->by_conf);
    putc(',', out);
    count_rules(s, p->first, p->count, rc);
    put_by_rule(out, s, rc);
    fprintf(out, ",\"gil\":\"%s\",\"modules\":[", ftc_gil_str(p->gil));
    for (size_t i = 0; i < p->nmodules; i++) {
        const ftc_module *m = &p->modules[i];
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        ftc_put_json_str(out, m->name);
        fputs(",\"file\":", out);
        ftc_put_json_str(out, m->file);
        fprintf(out, ",\"line\":%u,\"gil\":\"%s\"}", m->line,
                ftc_gil_str(m->gil));
    }
    fputs("]}", out);
}

static void put_history(FILE *out, const ftc_store *s)
{
    fprintf(out, ",\"history\":{\"run\":%lld,\"previousRun\":", s->run_id);
    if (s->prev_run_id)
        fprintf(out, "%lld", s->prev_run_id);
    else
        fputs("null", out);
    fprintf(out, ",\"appeared\":%zu,\"fixed\":%zu,\"trend\":[", s->nappeared,
            s->nfixed);
    for (size_t i = 0; i < s->ntrend; i++) {
        const ftc_trend_point *t = &s->trend[i];
        fprintf(out, "%s{\"run\":%lld,\"time\":", i ? "," : "", t->run_id);
        ftc_put_json_str(out, t->when);
        fputs(",\"project\":", out);
        ftc_put_json_str(out, t->project);
        fputs(",\"rule\":", out);
        ftc_put_json_str(out, t->rule);
        fprintf(out, ",\"open\":%zu}", t->open);
    }
    fputs("]}", out);
}

int ftc_emit_json(const ftc_store *s, FILE *out)
{
    rule_counts *rc = calloc(s->nrules ? s->nrules : 1, sizeof(*rc));
    if (rc == NULL)
        return -1;
    fputs("{\"format\":\"ftcheck-collect\",\"version\":1,\"tool\":{\"name\":"
          "\"ftcheck-collect\",\"version\":\"" FTC_VERSION "\"},", out);
    fprintf(out, "\"inputs\":{\"filesRead\":%zu,\"filesSkipped\":%zu,"
            "\"filesPartlyRead\":%zu},\"baseline\":%s,", s->files_read,
            s->files_skipped, s->files_partial,
            s->have_baseline ? "true" : "false");

    size_t t_an = 0, t_sk = 0, t_fa = 0, t_er = 0, t_open = 0, t_sup = 0;
    size_t t_new = 0, t_unch = 0, t_abs = 0, lv[FTC_NLEVELS] = {0},
           cf[FTC_NCONF] = {0};
    size_t ready = 0, blocked = 0, work = 0, none = 0;
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        t_an += p->tus_analysed;
        t_sk += p->tus_skipped;
        t_fa += p->tus_failed;
        t_er += p->tus_errors;
        t_open += p->open;
        t_sup += p->suppressed;
        t_new += p->n_new;
        t_unch += p->n_unchanged;
        t_abs += p->n_absent;
        for (int i = 0; i < FTC_NLEVELS; i++)
            lv[i] += p->by_level[i];
        for (int i = 0; i < FTC_NCONF; i++)
            cf[i] += p->by_conf[i];
        ready += strcmp(p->verdict, "ready") == 0;
        blocked += strcmp(p->verdict, "blocked") == 0;
        work += strcmp(p->verdict, "needs-work") == 0;
        none += strcmp(p->verdict, "not-analysed") == 0;
    }
    fprintf(out, "\"totals\":{\"projects\":%zu,\"tusAnalysed\":%zu,"
            "\"tusSkipped\":%zu,\"tusFailed\":%zu,\"tusWithErrors\":%zu,"
            "\"open\":%zu,\"suppressed\":%zu,", s->nprojects, t_an, t_sk,
            t_fa, t_er, t_open, t_sup);
    if (s->have_baseline)
        fprintf(out, "\"baseline\":{\"new\":%zu,\"unchanged\":%zu,"
                "\"absent\":%zu},", t_new, t_unch, t_abs);
    fprintf(out, "\"verdicts\":{\"ready\":%zu,\"needs-work\":%zu,"
            "\"blocked\":%zu,\"not-analysed\":%zu},", ready, work, blocked,
            none);
    put_levels(out, lv, cf);
    putc(',', out);
    count_rules(s, 0, s->nfindings, rc);
    put_by_rule(out, s, rc);
    fputs("},\"projects\":[", out);
    for (size_t k = 0; k < s->nprojects; k++) {
        if (k)
            putc(',', out);
        put_project(out, s, &s->projects[k], rc);
    }
    fputs("],\"apis\":[", out);
    for (size_t i = 0; i < s->napis; i++) {
        fputs(i ? ",{\"name\":" : "{\"name\":", out);
        ftc_put_json_str(out, s->apis[i].name);
        fprintf(out, ",\"count\":%zu,\"replacement\":", s->apis[i].n);
        ftc_put_json_str(out, s->api_fix[i]);
        putc('}', out);
    }
    putc(']', out);
    if (s->have_history)
        put_history(out, s);
    fputs(",\"findings\":[", out);
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        fputs(i ? ",\n{\"project\":" : "\n{\"project\":", out);
        ftc_put_json_str(out, f->project);
        fputs(",\"fingerprint\":\"", out);
        ftc_put_fp(out, f->fp);
        fputs("\",\"rule\":", out);
        ftc_put_json_str(out, f->rule);
        fprintf(out, ",\"level\":\"%s\",\"confidence\":\"%s\",\"file\":",
                ftc_level_str(f->level), ftc_conf_str(f->confidence));
        ftc_put_json_str(out, f->loc.uri);
        fprintf(out, ",\"line\":%u,\"column\":%u,\"function\":", f->loc.line,
                f->loc.col);
        ftc_put_json_str(out, f->function);
        fputs(",\"message\":", out);
        ftc_put_json_str(out, f->message);
        fputs(",\"lineHash\":", out);
        ftc_put_json_str(out, f->line_hash);
        fprintf(out, ",\"suppressed\":%s,\"state\":",
                f->suppressed ? "true" : "false");
        ftc_put_json_str(out, ftc_bstate_str(f->state));
        fprintf(out, ",\"translationUnits\":%u}", f->tus);
    }
    fputs("]}\n", out);
    free(rc);
    return 0;
}

/* out_markdown.c - a report to paste into a tracking issue. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "report.h"

#define LIST_MAX 50      /* findings listed per section */

static void put_versions(FILE *out, const ftc_count *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", out);
        ftc_put_md(out, c[i].name);
    }
    if (n == 0)
        fputs("-", out);
}

static void put_finding(FILE *out, const ftc_cfinding *f)
{
    fputs("- `", out);
    fputs(f->rule, out);
    fputs("` ", out);
    ftc_put_md(out, f->project);
    fputs(": ", out);
    ftc_put_md(out, f->loc.uri);
    fprintf(out, ":%u", f->loc.line);
    if (f->function) {
        fputs(" in ", out);
        ftc_put_md(out, f->function);
    }
    fputs(": ", out);
    ftc_put_md(out, f->message);
    fputs("\n", out);
}

static void put_list(FILE *out, const char *title, ftc_cfinding *const *fs,
                     size_t n)
{
    fprintf(out, "\n### %s (%zu)\n\n", title, n);
    for (size_t i = 0; i < n && i < LIST_MAX; i++)
        put_finding(out, fs[i]);
    if (n > LIST_MAX)
        fprintf(out, "- ... and %zu more\n", n - LIST_MAX);
    if (n == 0)
        fputs("None.\n", out);
}

static void put_trend(FILE *out, const ftc_store *s)
{
    fprintf(out, "\n## Trend\n\nOpen findings per project and rule over "
            "the last runs recorded in the history (this run is #%lld",
            s->run_id);
    if (s->prev_run_id)
        fprintf(out, "; the previous one, #%lld, was collected %s",
                s->prev_run_id, s->prev_when ? s->prev_when : "?");
    fputs(").\n\n| Project | Rule | Runs (oldest first) |\n|---|---|---|\n",
          out);
    for (size_t i = 0; i < s->ntrend;) {
        size_t j = i;
        fputs("| ", out);
        ftc_put_md(out, s->trend[i].project);
        fputs(" | `", out);
        fputs(s->trend[i].rule, out);
        fputs("` | ", out);
        while (j < s->ntrend && s->trend[j].project == s->trend[i].project &&
               s->trend[j].rule == s->trend[i].rule) {
            fprintf(out, "%s%zu", j > i ? " → " : "", s->trend[j].open);
            j++;
        }
        fputs(" |\n", out);
        i = j;
    }
    if (s->ntrend == 0)
        fputs("| - | - | no open findings in any recorded run |\n", out);
    if (s->prev_run_id) {
        put_list(out, "Appeared since the previous run", s->appeared,
                 s->nappeared);
        put_list(out, "Fixed since the previous run", s->fixed, s->nfixed);
    }
}

int ftc_emit_markdown(const ftc_store *s, FILE *out)
{
    ftc_totals t;
    ftc_totals_of(s, &t);
    size_t *counts = calloc(s->nrules ? s->nrules : 1, sizeof(size_t));
    if (counts == NULL)
        return -1;

    fputs("# ftcheck: free-threading readiness\n\n", out);
    fprintf(out, "%zu project(s): **%zu ready**, %zu need work, %zu blocked, "
            "%zu not analysed. %zu open finding(s), %zu suppressed; %zu "
            "translation unit(s) analysed, %zu skipped (no `Python.h`), %zu "
            "with errors, %zu failed.\n",
            s->nprojects, t.ready, t.work, t.blocked, t.none, t.open,
            t.suppressed, t.analysed, t.skipped, t.errors, t.failed);
    if (s->have_baseline)
        fprintf(out, "\nAgainst the baseline: **%zu new**, %zu unchanged, "
                "%zu absent (fixed).\n", t.n_new, t.unchanged, t.absent);
    if (s->files_skipped)
        fprintf(out, "\n%zu input file(s) could not be read (see the "
                "collector's messages).\n", s->files_skipped);

    fputs("\n## Projects\n\n| Project | Verdict | Why | TUs analysed | "
          "Skipped | With errors | Python | GIL |", out);
    for (size_t r = 0; r < s->nrules; r++)
        fprintf(out, " `%s` |", s->rules[r].id);
    fputs(" Open | Suppressed |", out);
    if (s->have_baseline)
        fputs(" New | Absent |", out);
    fputs("\n|---|---|---|--:|--:|--:|---|---|", out);
    for (size_t r = 0; r < s->nrules; r++)
        fputs("--:|", out);
    fputs("--:|--:|", out);
    if (s->have_baseline)
        fputs("--:|--:|", out);
    fputs("\n", out);
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        fputs("| ", out);
        ftc_put_md(out, p->name);
        fprintf(out, " | %s | %s | %zu | %zu | %zu | ", p->verdict,
                p->verdict_reason, p->tus_analysed, p->tus_skipped,
                p->tus_errors);
        put_versions(out, p->pythons, p->npythons);
        fprintf(out, " | %s |", ftc_gil_str(p->gil));
        ftc_project_rule_counts(s, p, counts);
        for (size_t r = 0; r < s->nrules; r++)
            fprintf(out, " %zu |", counts[r]);
        fprintf(out, " %zu | %zu |", p->open, p->suppressed);
        if (s->have_baseline)
            fprintf(out, " %zu | %zu |", p->n_new, p->n_absent);
        fputs("\n", out);
    }

    fputs("\n## Modules still needing the GIL\n\n", out);
    size_t nmod = 0;
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        for (size_t m = 0; m < p->nmodules; m++) {
            const ftc_module *md = &p->modules[m];
            if (nmod++ == 0)
                fputs("| Project | Module | Declaration | Where |\n"
                      "|---|---|---|---|\n", out);
            fputs("| ", out);
            ftc_put_md(out, p->name);
            fputs(" | `", out);
            ftc_put_md(out, md->name);
            fprintf(out, "` | %s | ", md->gil == FTC_GIL_MISSING
                                          ? "missing (GIL re-enabled)"
                                          : "declares it needs the GIL");
            ftc_put_md(out, md->file);
            fprintf(out, ":%u |\n", md->line);
        }
    }
    if (nmod == 0)
        fputs("None found: every module that ftcheck saw declares "
              "`Py_MOD_GIL_NOT_USED`.\n", out);
    size_t unknown = 0;
    for (size_t k = 0; k < s->nprojects; k++)
        unknown += s->projects[k].gil == FTC_GIL_UNKNOWN;
    if (unknown)
        fprintf(out, "\n%zu project(s) not checked for module declarations "
                "(nothing analysed, or `missing-mod-gil` turned off).\n",
                unknown);

    fputs("\n## Most frequent APIs to replace\n\n", out);
    if (s->napis == 0)
        fputs("None: no open `borrowed-ref` findings.\n", out);
    else
        fputs("| API | Open findings | Replace with |\n|---|--:|---|\n", out);
    for (size_t i = 0; i < s->napis && i < 20; i++) {
        fprintf(out, "| `%s` | %zu | ", s->apis[i].name, s->apis[i].n);
        if (s->api_fix[i])
            fprintf(out, "`%s`", s->api_fix[i]);
        else
            fputs("see the finding's suggestion", out);
        fputs(" |\n", out);
    }

    if (s->have_baseline) {
        size_t n = 0;
        ftc_cfinding **news = malloc((t.n_new ? t.n_new : 1) *
                                     sizeof(*news));
        for (size_t i = 0; news && i < s->nfindings; i++)
            if (ftc_is_open(&s->findings[i]) &&
                s->findings[i].state == FTC_BS_NEW)
                news[n++] = (ftc_cfinding *)&s->findings[i];
        put_list(out, "New findings", news, n);
        free(news);
    }
    if (s->have_history)
        put_trend(out, s);
    fputs("\n<sub>Generated by ftcheck-collect. Suppressed findings are "
          "counted apart and never as open.</sub>\n", out);
    free(counts);
    return 0;
}

/* out_html.c - one self-contained page: no external assets, charts as
 * inline SVG, tables sortable (click a header) and filterable (type in
 * the box above). Works offline and from a CI artefact. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "report.h"

#define CHART_PROJECTS 30     /* bars in the per-project chart */
#define FINDINGS_MAX 20000    /* rows in the findings table */

static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759",
                                      "#76b7b2", "#59a14f", "#edc948",
                                      "#b07aa1", "#ff9da7"};
#define NPAL (sizeof palette / sizeof palette[0])

static const char style[] =
    "<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}"
    "th{background:#f4f4f4;cursor:pointer;user-select:none}"
    "td.n{text-align:right}.ready{color:#2a7d2a}.blocked{color:#b22}"
    ".needs-work{color:#b60}.not-analysed{color:#777}"
    "input.filter{margin:.3em 0;padding:3px;width:20em}"
    ".legend span{display:inline-block;margin-right:1em}"
    ".sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
    "code{background:#f6f6f6;padding:0 3px}</style>\n";

static const char script[] =
    "<script>\n"
    "document.querySelectorAll('table.data').forEach(function(t){\n"
    " var f=document.createElement('input');f.className='filter';\n"
    " f.placeholder='filter rows';t.parentNode.insertBefore(f,t);\n"
    " f.addEventListener('input',function(){var q=f.value.toLowerCase();\n"
    "  t.tBodies[0].querySelectorAll('tr').forEach(function(r){\n"
    "   r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';\n"
    "  });});\n"
    " t.tHead.querySelectorAll('th').forEach(function(h,i){\n"
    "  h.addEventListener('click',function(){\n"
    "   var asc=h.dataset.asc!=='1';h.dataset.asc=asc?'1':'0';\n"
    "   var rows=Array.prototype.slice.call(t.tBodies[0].rows);\n"
    "   rows.sort(function(a,b){var x=a.cells[i].textContent,"
    "y=b.cells[i].textContent;\n"
    "    var nx=parseFloat(x),ny=parseFloat(y);\n"
    "    var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);\n"
    "    return asc?c:-c;});\n"
    "   rows.forEach(function(r){t.tBodies[0].appendChild(r);});\n"
    "  });});\n"
    "});\n"
    "</script>\n";

static void legend(FILE *out, const ftc_store *s)
{
    fputs("<div class=\"legend\">", out);
    for (size_t r = 0; r < s->nrules; r++) {
        fprintf(out, "<span><i class=\"sw\" style=\"background:%s\"></i>",
                palette[r % NPAL]);
        ftc_put_html(out, s->rules[r].id);
        fputs("</span>", out);
    }
    fputs("</div>\n", out);
}

static int cmp_open(const void *a, const void *b)
{
    const ftc_project *x = *(ftc_project *const *)a;
    const ftc_project *y = *(ftc_project *const *)b;
    if (x->open != y->open)
        return x->open > y->open ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Horizontal stacked bars: open findings per project, by rule. */
static int chart_projects(FILE *out, const ftc_store *s, size_t *counts)
{
    const ftc_project **ps = malloc((s->nprojects ? s->nprojects : 1) *
                                    sizeof(*ps));
    if (ps == NULL)
        return -1;
    for (size_t k = 0; k < s->nprojects; k++)
        ps[k] = &s->projects[k];
    qsort(ps, s->nprojects, sizeof(*ps), cmp_open);
    size_t n = s->nprojects < CHART_PROJECTS ? s->nprojects : CHART_PROJECTS;
    size_t max = n && ps[0]->open ? ps[0]->open : 1;
    const int label_w = 180, bar_w = 520, row_h = 20;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%zu\" role=\"img\" aria-label=\"open findings per "
            "project and rule\">\n", label_w + bar_w + 60,
            n * row_h + 10);
    for (size_t i = 0; i < n; i++) {
        const ftc_project *p = ps[i];
        size_t y = i * row_h + 5;
        fprintf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\" "
                "font-size=\"12\">", label_w - 6, y + 14);
        ftc_put_html(out, p->name);
        fputs("</text>", out);
        ftc_project_rule_counts(s, p, counts);
        double x = label_w;
        for (size_t r = 0; r < s->nrules; r++) {
            if (counts[r] == 0)
                continue;
            double w = (double)counts[r] * bar_w / (double)max;
            fprintf(out, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" "
                    "height=\"%d\" fill=\"%s\"><title>", x, y,
                    w < 1 ? 1 : w, row_h - 4, palette[r % NPAL]);
            ftc_put_html(out, p->name);
            fprintf(out, ": %zu ", counts[r]);
            ftc_put_html(out, s->rules[r].id);
            fputs("</title></rect>", out);
            x += w;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%zu\" font-size=\"12\">%zu"
                "</text>\n", x + 4, y + 14, p->open);
    }
    fputs("</svg>\n", out);
    if (s->nprojects > n)
        fprintf(out, "<p>The %zu projects with most open findings of %zu."
                "</p>\n", n, s->nprojects);
    free(ps);
    return 0;
}

/* One stacked bar: projects by verdict. */
static void chart_readiness(FILE *out, const ftc_totals *t)
{
    struct { const char *name, *color; size_t n; } v[] = {
        {"ready", "#59a14f", t->ready}, {"needs-work", "#f28e2b", t->work},
        {"blocked", "#e15759", t->blocked},
        {"not-analysed", "#bab0ac", t->none},
    };
    size_t total = t->ready + t->work + t->blocked + t->none;
    const int w = 700;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"60\" role=\"img\" aria-label=\"readiness\">\n", w + 20);
    double x = 0;
    for (size_t i = 0; i < 4; i++) {
        if (v[i].n == 0 || total == 0)
            continue;
        double bw = (double)v[i].n * w / (double)total;
        fprintf(out, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"30\" "
                "fill=\"%s\"><title>%s: %zu</title></rect>", x, bw,
                v[i].color, v[i].name, v[i].n);
        fprintf(out, "<text x=\"%.1f\" y=\"48\" font-size=\"12\">%s %zu"
                "</text>\n", x + 2, v[i].name, v[i].n);
        x += bw;
    }
    fputs("</svg>\n", out);
}

/* Total open findings per recorded run, as a line. */
static void chart_trend(FILE *out, const ftc_store *s)
{
    long long runs[64];
    size_t totals[64], nr = 0;
    for (size_t i = 0; i < s->ntrend; i++) {
        size_t j = 0;
        while (j < nr && runs[j] != s->trend[i].run_id)
            j++;
        if (j == nr) {
            if (nr == 64)
                continue;
            runs[nr] = s->trend[i].run_id;
            totals[nr++] = 0;
        }
        totals[j] += s->trend[i].open;
    }
    /* Oldest first. */
    for (size_t i = 1; i < nr; i++)
        for (size_t j = i; j > 0 && runs[j - 1] > runs[j]; j--) {
            long long r = runs[j];
            size_t t = totals[j];
            runs[j] = runs[j - 1];
            totals[j] = totals[j - 1];
            runs[j - 1] = r;
            totals[j - 1] = t;
        }
    size_t max = 1;
    for (size_t i = 0; i < nr; i++)
        max = totals[i] > max ? totals[i] : max;
    const int w = 600, h = 120;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" role=\"img\" aria-label=\"open findings per run\">"
            "<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" "
            "points=\"", w + 40, h + 30);
    for (size_t i = 0; i < nr; i++)
        fprintf(out, "%.1f,%.1f ", 30 + (nr > 1 ? (double)i * (w - 80) / (double)(nr - 1) : 0),
                10 + h - (double)totals[i] * h / (double)max);
    fputs("\"/>", out);
    for (size_t i = 0; i < nr; i++)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">#%lld: %zu"
                "</text>", 30 + (nr > 1 ? (double)i * (w - 80) / (double)(nr - 1) : 0),
                h + 25, runs[i], totals[i]);
    fputs("</svg>\n", out);
}

static void td_num(FILE *out, size_t n)
{
    fprintf(out, "<td class=\"n\">%zu</td>", n);
}

static void td(FILE *out, const char *s)
{
    fputs("<td>", out);
    ftc_put_html(out, s ? s : "");
    fputs("</td>", out);
}

static void findings_table(FILE *out, const char *id,
                           ftc_cfinding *const *fs, size_t n, int state)
{
    fprintf(out, "<table class=\"data\" id=\"%s\"><thead><tr><th>Project"
            "</th><th>Rule</th><th>Level</th><th>Confidence</th>%s<th>File"
            "</th><th>Line</th><th>Function</th><th>Message</th><th>TUs</th>"
            "</tr></thead><tbody>\n", id, state ? "<th>State</th>" : "");
    for (size_t i = 0; i < n && i < FINDINGS_MAX; i++) {
        const ftc_cfinding *f = fs[i];
        fputs("<tr>", out);
        td(out, f->project);
        td(out, f->rule);
        td(out, ftc_level_str(f->level));
        td(out, ftc_conf_str(f->confidence));
        if (state)
            td(out, f->suppressed ? "suppressed" : ftc_bstate_str(f->state));
        td(out, f->loc.uri);
        td_num(out, f->loc.line);
        td(out, f->function);
        td(out, f->message);
        td_num(out, f->tus);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    if (n > FINDINGS_MAX)
        fprintf(out, "<p>First %d of %zu; the --json and --csv outputs "
                "have all.</p>\n", FINDINGS_MAX, n);
}

int ftc_emit_html(const ftc_store *s, FILE *out)
{
    ftc_totals t;
    ftc_totals_of(s, &t);
    size_t *counts = calloc(s->nrules ? s->nrules : 1, sizeof(size_t));
    ftc_cfinding **all = malloc((s->nfindings ? s->nfindings : 1) *
                                sizeof(*all));
    if (counts == NULL || all == NULL) {
        free(counts);
        free(all);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\">"
          "<title>ftcheck: free-threading readiness</title>\n", out);
    fputs(style, out);
    fputs("</head><body>\n<h1>ftcheck: free-threading readiness</h1>\n", out);
    fprintf(out, "<p>%zu project(s): <b class=\"ready\">%zu ready</b>, "
            "<span class=\"needs-work\">%zu need work</span>, <span "
            "class=\"blocked\">%zu blocked</span>, <span class=\"not-analysed"
            "\">%zu not analysed</span>. %zu open finding(s), %zu suppressed;"
            " %zu translation unit(s) analysed, %zu skipped (no Python.h), "
            "%zu with errors, %zu failed.</p>\n", s->nprojects, t.ready,
            t.work, t.blocked, t.none, t.open, t.suppressed, t.analysed,
            t.skipped, t.errors, t.failed);
    if (s->have_baseline)
        fprintf(out, "<p>Against the baseline: <b>%zu new</b>, %zu "
                "unchanged, %zu absent (fixed).</p>\n", t.n_new, t.unchanged,
                t.absent);

    fputs("<h2>Readiness</h2>\n", out);
    chart_readiness(out, &t);
    fputs("<h2>Open findings per project and rule</h2>\n", out);
    legend(out, s);
    if (chart_projects(out, s, counts) != 0) {
        free(counts);
        free(all);
        return -1;
    }

    fputs("<h2>Projects</h2>\n<table class=\"data\" id=\"projects\"><thead>"
          "<tr><th>Project</th><th>Verdict</th><th>Why</th><th>TUs analysed"
          "</th><th>Skipped</th><th>With errors</th><th>Failed</th>"
          "<th>Python</th><th>GIL</th>", out);
    for (size_t r = 0; r < s->nrules; r++) {
        fputs("<th>", out);
        ftc_put_html(out, s->rules[r].id);
        fputs("</th>", out);
    }
    fputs("<th>Open</th><th>Suppressed</th>", out);
    if (s->have_baseline)
        fputs("<th>New</th><th>Absent</th>", out);
    fputs("</tr></thead><tbody>\n", out);
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        fputs("<tr>", out);
        td(out, p->name);
        fprintf(out, "<td class=\"%s\">%s</td>", p->verdict, p->verdict);
        td(out, p->verdict_reason);
        td_num(out, p->tus_analysed);
        td_num(out, p->tus_skipped);
        td_num(out, p->tus_errors);
        td_num(out, p->tus_failed);
        fputs("<td>", out);
        for (size_t i = 0; i < p->npythons; i++) {
            fputs(i ? ", " : "", out);
            ftc_put_html(out, p->pythons[i].name);
        }
        fputs("</td>", out);
        td(out, ftc_gil_str(p->gil));
        ftc_project_rule_counts(s, p, counts);
        for (size_t r = 0; r < s->nrules; r++)
            td_num(out, counts[r]);
        td_num(out, p->open);
        td_num(out, p->suppressed);
        if (s->have_baseline) {
            td_num(out, p->n_new);
            td_num(out, p->n_absent);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);

    fputs("<h2>Modules still needing the GIL</h2>\n<table class=\"data\" "
          "id=\"modules\"><thead><tr><th>Project</th><th>Module</th>"
          "<th>Declaration</th><th>Where</th></tr></thead><tbody>\n", out);
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        for (size_t m = 0; m < p->nmodules; m++) {
            fputs("<tr>", out);
            td(out, p->name);
            td(out, p->modules[m].name);
            td(out, ftc_gil_str(p->modules[m].gil));
            fputs("<td>", out);
            ftc_put_html(out, p->modules[m].file);
            fprintf(out, ":%u</td></tr>\n", p->modules[m].line);
        }
    }
    fputs("</tbody></table>\n", out);

    fputs("<h2>Most frequent APIs to replace</h2>\n<table class=\"data\" "
          "id=\"apis\"><thead><tr><th>API</th><th>Open findings</th>"
          "<th>Replace with</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < s->napis; i++) {
        fputs("<tr>", out);
        td(out, s->apis[i].name);
        td_num(out, s->apis[i].n);
        td(out, s->api_fix[i] ? s->api_fix[i] : "see the suggestion");
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);

    if (s->have_history) {
        fprintf(out, "<h2>Trend</h2>\n<p>Open findings per recorded run "
                "(this run is #%lld).</p>\n", s->run_id);
        chart_trend(out, s);
        fputs("<table class=\"data\" id=\"trend\"><thead><tr><th>Project"
              "</th><th>Rule</th><th>Run</th><th>Time</th><th>Open</th></tr>"
              "</thead><tbody>\n", out);
        for (size_t i = 0; i < s->ntrend; i++) {
            fputs("<tr>", out);
            td(out, s->trend[i].project);
            td(out, s->trend[i].rule);
            fprintf(out, "<td class=\"n\">%lld</td>", s->trend[i].run_id);
            td(out, s->trend[i].when);
            td_num(out, s->trend[i].open);
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
        if (s->prev_run_id) {
            fprintf(out, "<h3>Appeared since the previous run (%zu)</h3>\n",
                    s->nappeared);
            findings_table(out, "appeared", s->appeared, s->nappeared, 0);
            fprintf(out, "<h3>Fixed since the previous run (%zu)</h3>\n",
                    s->nfixed);
            findings_table(out, "fixed", s->fixed, s->nfixed, 0);
        }
    }

    size_t n = 0;
    for (size_t i = 0; i < s->nfindings; i++)
        if (s->findings[i].state != FTC_BS_ABSENT ||
            s->have_baseline)
            all[n++] = (ftc_cfinding *)&s->findings[i];
    fprintf(out, "<h2>Findings (%zu)</h2>\n", n);
    findings_table(out, "findings", all, n, 1);
    fputs(script, out);
    fputs("</body></html>\n", out);
    free(counts);
    free(all);
    return 0;
}

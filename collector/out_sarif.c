/* out_sarif.c - merged SARIF 2.1.0 for GitHub code scanning.
 *
 * One run per project and category (automationDetails.id
 * "<category>/<project>/"); a project with more than 25,000 results is cut
 * into parts with categories "<category>/<project>/part-N/", and files hold
 * at most 20 runs, numbered FILE-1.sarif, FILE-2.sarif, ... beyond that.
 * Absent findings (baseline only) are left out: GitHub would open them as
 * alerts; their count is in the run's properties. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "ftc_check.h"
#include "ftc_config.h"

#define SRCROOT "%SRCROOT%"

typedef struct run_part {
    const ftc_project *p;
    size_t first, count;     /* indexes into the project's findings */
    unsigned part, parts;    /* 1-based; parts == 1 when not split */
} run_part;

/* A rule for JSON inputs, which carry no descriptors: from the registry. */
static cJSON *registry_rule(const char *id)
{
    const ftc_check *c = ftc_check_find(id);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    const char *sd = c && c->short_description ? c->short_description : id;
    const char *fd = c && c->full_description ? c->full_description : sd;
    cJSON_AddStringToObject(o, "id", id);
    if (c && c->name)
        cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "shortDescription"),
                            "text", sd);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "fullDescription"),
                            "text", fd);
    cJSON *help = cJSON_AddObjectToObject(o, "help");
    cJSON_AddStringToObject(help, "text", c && c->help_text ? c->help_text
                                                            : fd);
    if (c && c->help_markdown)
        cJSON_AddStringToObject(help, "markdown", c->help_markdown);
    if (c) {
        char uri[512];
        snprintf(uri, sizeof uri, "%s/blob/main/docs/checks/%s.md",
                 FTC_INFORMATION_URI, id);
        cJSON_AddStringToObject(o, "helpUri", uri);
        cJSON *props = cJSON_AddObjectToObject(o, "properties");
        cJSON_AddStringToObject(props, "precision",
                                ftc_precision_name(c->precision));
        cJSON *tags = cJSON_AddArrayToObject(props, "tags");
        for (const char *const *t = c->tags; t && *t; t++)
            cJSON_AddItemToArray(tags, cJSON_CreateString(*t));
    }
    return o;
}

static void put_region(FILE *out, const ftc_cloc *l, const char *snippet)
{
    uint32_t sc = l->col ? l->col : 1, el = l->end_line, ec = l->end_col;
    if (el < l->line || (el == l->line && ec < sc)) {
        el = l->line;
        ec = sc;
    }
    if (el == l->line && ec == sc)
        ec = sc + 1;    /* a result's region must show something */
    fprintf(out, "\"region\":{\"startLine\":%u,\"startColumn\":%u,"
            "\"endLine\":%u,\"endColumn\":%u", l->line, sc, el, ec);
    if (snippet && snippet[0]) {
        fputs(",\"snippet\":{\"text\":", out);
        ftc_put_json_str(out, snippet);
        putc('}', out);
    }
    putc('}', out);
}

static void put_physical(FILE *out, const ftc_cloc *l, const char *snippet)
{
    fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
    ftc_put_json_str(out, l->uri);
    if (strncmp(l->uri, "file:", 5) != 0)
        fputs(",\"uriBaseId\":\"" SRCROOT "\"", out);
    fputs("},", out);
    put_region(out, l, snippet);
    putc('}', out);
}

static int rule_index(const ftc_store *s, const char *id)
{
    size_t lo = 0, hi = s->nrules;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->rules[mid].id, id);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void put_result(FILE *out, const ftc_store *s, const ftc_cfinding *f)
{
    fputs("{\"ruleId\":", out);
    ftc_put_json_str(out, f->rule);
    int ri = rule_index(s, f->rule);
    if (ri >= 0)
        fprintf(out, ",\"ruleIndex\":%d", ri);
    fprintf(out, ",\"level\":\"%s\",\"message\":{\"text\":",
            ftc_level_str(f->level));
    ftc_put_json_str(out, f->message);
    fputs("},\"locations\":[{", out);
    put_physical(out, &f->loc, f->snippet);
    if (f->function) {
        fputs(",\"logicalLocations\":[{\"name\":", out);
        ftc_put_json_str(out, f->function);
        fputs(",\"kind\":\"function\"}]", out);
    }
    fputs("}]", out);
    if (f->nrelated) {
        fputs(",\"relatedLocations\":[", out);
        for (uint32_t i = 0; i < f->nrelated; i++) {
            fprintf(out, "%s{\"id\":%u,", i ? "," : "", i + 1);
            put_physical(out, &f->related[i], NULL);
            fputs(",\"message\":{\"text\":", out);
            /* GitHub rejects a related location without a message. */
            ftc_put_json_str(out, f->related[i].message &&
                                          f->related[i].message[0]
                                      ? f->related[i].message
                                      : "Related location.");
            fputs("}}", out);
        }
        putc(']', out);
    }
    fputs(",\"partialFingerprints\":{", out);
    if (f->line_hash) {
        fputs("\"primaryLocationLineHash\":", out);
        ftc_put_json_str(out, f->line_hash);
        putc(',', out);
    }
    fputs("\"ftcheck/v1\":\"", out);
    ftc_put_fp(out, f->fp);
    fputs("\"}", out);
    if (f->state != FTC_BS_NONE)
        fprintf(out, ",\"baselineState\":\"%s\"", ftc_bstate_str(f->state));
    if (f->suppressed) {
        fputs(",\"suppressions\":[{\"kind\":\"inSource\"", out);
        if (f->justification && f->justification[0]) {
            fputs(",\"justification\":", out);
            ftc_put_json_str(out, f->justification);
        }
        fputs("}]", out);
    }
    fprintf(out, ",\"properties\":{\"confidence\":\"%s\"",
            ftc_conf_str(f->confidence));
    if (f->suggestion) {
        fputs(",\"suggestion\":", out);
        ftc_put_json_str(out, f->suggestion);
    }
    fprintf(out, ",\"translationUnits\":%u}}", f->tus);
}

static void put_run(FILE *out, const ftc_store *s, const ftc_out_opts *o,
                    const run_part *rp, char **rules_json)
{
    const ftc_project *p = rp->p;
    fputs("{\"tool\":{\"driver\":{\"name\":\"ftcheck\",\"fullName\":"
          "\"ftcheck " FTC_VERSION ": free-threading checks for CPython C "
          "extensions\",\"version\":\"" FTC_VERSION "\",\"semanticVersion\":"
          "\"" FTC_VERSION "\",\"informationUri\":\"" FTC_INFORMATION_URI
          "\",\"rules\":[", out);
    for (size_t i = 0; i < s->nrules; i++)
        fprintf(out, "%s%s", i ? "," : "", rules_json[i]);
    fputs("]}},\"invocations\":[{\"executionSuccessful\":true}]", out);
    if (p->source_root && p->source_root[0] == '/') {
        fputs(",\"originalUriBaseIds\":{\"" SRCROOT "\":{\"uri\":", out);
        size_t n = strlen(p->source_root);
        char *uri = malloc(n + 16);
        if (uri) {
            snprintf(uri, n + 16, "file://%s%s", p->source_root,
                     p->source_root[n - 1] == '/' ? "" : "/");
            ftc_put_json_str(out, uri);
            free(uri);
        } else {
            fputs("\"file:///\"", out);
        }
        fputs("}}", out);
    }
    /* The category is everything before the last '/'. */
    fputs(",\"automationDetails\":{\"id\":", out);
    char id[1024];
    if (rp->parts > 1)
        snprintf(id, sizeof id, "%s/%s/part-%u/", o->category, p->name,
                 rp->part);
    else
        snprintf(id, sizeof id, "%s/%s/", o->category, p->name);
    ftc_put_json_str(out, id);
    fputs("},\"columnKind\":\"utf16CodeUnits\",\"results\":[", out);
    int first = 1;
    for (size_t i = p->first + rp->first; i < p->first + rp->first + rp->count;
         i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (f->state == FTC_BS_ABSENT)
            continue;
        if (!first)
            putc(',', out);
        first = 0;
        put_result(out, s, f);
    }
    fputs("],\"properties\":{\"ftcheckCollect\":{\"project\":", out);
    ftc_put_json_str(out, p->name);
    fprintf(out, ",\"part\":%u,\"parts\":%u,\"tusAnalysed\":%zu,"
            "\"tusSkipped\":%zu,\"tusFailed\":%zu,\"tusWithErrors\":%zu,"
            "\"open\":%zu,\"suppressed\":%zu,\"verdict\":\"%s\"",
            rp->part, rp->parts, p->tus_analysed, p->tus_skipped,
            p->tus_failed, p->tus_errors, p->open, p->suppressed, p->verdict);
    if (s->have_baseline)
        fprintf(out, ",\"baseline\":{\"new\":%zu,\"unchanged\":%zu,"
                "\"absent\":%zu}", p->n_new, p->n_unchanged, p->n_absent);
    fputs("}}}", out);
}

static char *numbered(const char *path, size_t n)
{
    size_t len = strlen(path);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot == NULL || (slash && dot < slash))
        dot = path + len;
    char *out = malloc(len + 24);
    if (out)
        snprintf(out, len + 24, "%.*s-%zu%s", (int)(dot - path), path, n, dot);
    return out;
}

/* Parts of a project: its findings without the absent ones, cut at max. */
static size_t plan(const ftc_store *s, const ftc_out_opts *o, run_part *rp)
{
    size_t n = 0;
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        size_t live = p->count - p->n_absent;
        unsigned parts = live ? (unsigned)((live + o->max_results - 1) /
                                           o->max_results) : 1;
        size_t i = 0;
        for (unsigned part = 1; part <= parts; part++) {
            size_t start = i, taken = 0;
            while (i < p->count && (taken < o->max_results || part == parts)) {
                if (s->findings[p->first + i].state != FTC_BS_ABSENT)
                    taken++;
                i++;
            }
            if (rp) {
                rp[n].p = p;
                rp[n].first = start;
                rp[n].count = i - start;
                rp[n].part = part;
                rp[n].parts = parts;
            }
            n++;
        }
    }
    return n;
}

int ftc_write_sarif_files(const ftc_store *s, const ftc_out_opts *o,
                          const char *path, char *err, size_t errlen)
{
    size_t nruns = plan(s, o, NULL);
    run_part *rp = calloc(nruns ? nruns : 1, sizeof(*rp));
    char **rules = calloc(s->nrules ? s->nrules : 1, sizeof(char *));
    int rc = 0;
    if (rp == NULL || rules == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
        goto done;
    }
    plan(s, o, rp);
    for (size_t i = 0; i < s->nrules; i++) {
        cJSON *r = s->rules[i].sarif ? s->rules[i].sarif
                                     : registry_rule(s->rules[i].id);
        rules[i] = r ? cJSON_PrintUnformatted(r) : NULL;
        if (r != s->rules[i].sarif)
            cJSON_Delete(r);
        if (rules[i] == NULL) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
            goto done;
        }
    }
    size_t nfiles = (nruns + o->max_runs - 1) / o->max_runs;
    if (nfiles == 0)
        nfiles = 1;
    for (size_t fi = 0; fi < nfiles && rc == 0; fi++) {
        char *name = nfiles == 1 ? strdup(path) : numbered(path, fi + 1);
        char *tmp = name ? malloc(strlen(name) + 8) : NULL;
        if (tmp == NULL) {
            snprintf(err, errlen, "%s: out of memory", path);
            free(name);
            rc = -1;
            break;
        }
        sprintf(tmp, "%s.tmp", name);
        FILE *out = fopen(tmp, "wb");
        char *buf = out ? malloc(1 << 18) : NULL;
        if (buf)
            setvbuf(out, buf, _IOFBF, 1 << 18);
        if (out == NULL) {
            snprintf(err, errlen, "%s: cannot create", name);
            rc = -1;
        } else {
            fputs("{\"$schema\":\"https://json.schemastore.org/"
                  "sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[", out);
            size_t end = (fi + 1) * o->max_runs;
            for (size_t r = fi * o->max_runs; r < nruns && r < end; r++) {
                if (r != fi * o->max_runs)
                    putc(',', out);
                put_run(out, s, o, &rp[r], rules);
            }
            fputs("]}\n", out);
            if (ferror(out) | fclose(out) || rename(tmp, name) != 0) {
                snprintf(err, errlen, "%s: cannot write", name);
                remove(tmp);
                rc = -1;
            }
        }
        free(buf);
        free(tmp);
        free(name);
    }
done:
    for (size_t i = 0; rules && i < s->nrules; i++)
        free(rules[i]);
    free(rules);
    free(rp);
    return rc;
}

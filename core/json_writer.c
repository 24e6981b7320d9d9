/* json_writer.c - ftcheck's own compact JSON side file (docs/json-format.md),
 * and the plumbing it shares with the SARIF writer (writer_common.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "writer_common.h"

/* ---- shared with sarif_writer.c ----------------------------------------- */

static void add_note(ftc_wctx *w, ftc_level level, const char *id,
                     const char *message)
{
    for (size_t i = 0; i < w->nnotes; i++)
        if (w->notes[i].id && strcmp(w->notes[i].id, id) == 0)
            return;  /* the engine said it already */
    w->notes[w->nnotes].level = level;
    w->notes[w->nnotes].id = id;
    w->notes[w->nnotes].message = message;
    w->nnotes++;
}

int ftc_wctx_init(ftc_wctx *w, const ftc_result *res)
{
    memset(w, 0, sizeof(*w));
    ftc_arena_init(&w->arena);
    w->res = res;
    w->tu = res ? res->tu : NULL;
    const ftc_tu *tu = w->tu;
    const ftc_config *cfg = res ? res->cfg : NULL;

    w->working_dir = ftc_path_absolute(&w->arena,
                                       tu && tu->working_dir ? tu->working_dir
                                                             : ".",
                                       NULL);
    if (cfg && cfg->source_root && cfg->source_root[0])
        w->source_root = ftc_path_resolved(&w->arena, cfg->source_root,
                                           w->working_dir);
    else
        w->source_root = ftc_path_resolved(&w->arena, w->working_dir, NULL);

    w->nfiles = tu ? tu->files.count : 0;
    w->files = ftc_arena_alloc(&w->arena, (w->nfiles ? w->nfiles : 1) *
                                              sizeof(*w->files));
    for (size_t i = 0; w->files && i < w->nfiles; i++)
        w->files[i].artifact = -1;

    size_t nreport = res ? res->report.notifications.count : 0;
    w->notes = ftc_arena_alloc(&w->arena,
                               (nreport + 2) * sizeof(*w->notes));
    if (w->notes) {
        if (nreport)
            memcpy(w->notes, res->report.notifications.items,
                   nreport * sizeof(*w->notes));
        w->nnotes = nreport;
        if (tu && tu->has_errors)
            add_note(w, FTC_LEVEL_WARNING, "analysis-incomplete",
                     "Clang reported errors in this translation unit, so "
                     "the analysis may be incomplete.");
        if (res && res->status == FTC_STATUS_SKIPPED)
            add_note(w, FTC_LEVEL_NOTE, "skipped",
                     ftc_arena_printf(&w->arena, "skipped: %s",
                                      res->skip_reason ? res->skip_reason
                                                       : "no reason given"));
    }
    if (w->working_dir == NULL || w->source_root == NULL ||
        w->files == NULL || w->notes == NULL || w->arena.failed) {
        ftc_wctx_release(w);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void ftc_wctx_release(ftc_wctx *w)
{
    for (size_t i = 0; w->files && i < w->nfiles; i++)
        free(w->files[i].line_starts);
    ftc_arena_release(&w->arena);
    w->files = NULL;
    w->nfiles = 0;
}

const ftc_file *ftc_wctx_ir_file(ftc_wctx *w, int32_t file)
{
    if (file < 0 || (size_t)file >= w->nfiles)
        return NULL;
    return &w->tu->files.items[file];
}

ftc_wfile *ftc_wctx_file(ftc_wctx *w, int32_t file)
{
    const ftc_file *f = ftc_wctx_ir_file(w, file);
    if (f == NULL)
        return NULL;
    ftc_wfile *wf = &w->files[file];
    if (wf->uri == NULL) {
        wf->uri = ftc_artifact_uri(&w->arena, f->path ? f->path : "",
                                   w->source_root, w->working_dir,
                                   &wf->relative);
        if (wf->uri == NULL) {
            w->failed = 1;
            wf->uri = "";
        }
    }
    return wf;
}

int ftc_wctx_line(ftc_wctx *w, int32_t file, uint32_t line,
                  const char **text, size_t *len)
{
    const ftc_file *f = ftc_wctx_ir_file(w, file);
    if (f == NULL || f->content == NULL)
        return 0;
    ftc_wfile *wf = &w->files[file];
    if (!wf->indexed) {
        wf->indexed = 1;
        wf->line_starts = ftc_line_starts(f->content, f->content_len,
                                          &wf->nlines);
    }
    const char *s, *e;
    if (!ftc_line_span(wf->line_starts, wf->nlines, f->content, line, &s, &e))
        return 0;
    *text = s;
    *len = (size_t)(e - s);
    return 1;
}

const char *ftc_wctx_line_hash(ftc_wctx *w, int32_t file, uint32_t line)
{
    const ftc_file *f = ftc_wctx_ir_file(w, file);
    if (f == NULL || f->content == NULL)
        return NULL;
    ftc_wfile *wf = &w->files[file];
    if (!wf->hashed) {  /* each file once, however many findings it has */
        wf->hashed = 1;
        wf->hashes = ftc_line_hashes(&w->arena, f->content, f->content_len,
                                     &wf->nhashes);
    }
    /* The action hashes the first line for a result without a line. */
    if (line == 0)
        line = 1;
    if (wf->hashes == NULL || line > wf->nhashes)
        return NULL;
    return wf->hashes[line - 1];
}

int32_t ftc_wctx_main_file(const ftc_wctx *w)
{
    for (size_t i = 0; i < w->nfiles; i++)
        if (w->tu->files.items[i].is_main)
            return (int32_t)i;
    return -1;
}

int ftc_wctx_successful(const ftc_wctx *w)
{
    if (w->res && w->res->status == FTC_STATUS_FAILED)
        return 0;
    for (size_t i = 0; i < w->nnotes; i++)
        if (w->notes[i].level == FTC_LEVEL_ERROR)
            return 0;
    return 1;
}

size_t ftc_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0x01 && b <= 0x7F)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0;
        if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90;
        if (b == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

const char *ftc_wctx_text(ftc_wctx *w, const char *s, size_t len)
{
    if (s == NULL)
        return NULL;
    /* Worst case every byte becomes the 3-byte U+FFFD. */
    char *out = ftc_arena_alloc(&w->arena, len * 3 + 1);
    if (out == NULL) {
        w->failed = 1;
        return "";
    }
    const unsigned char *u = (const unsigned char *)s;
    char *o = out;
    for (size_t i = 0; i < len;) {
        size_t k = ftc_utf8_len(u + i, len - i);
        if (k) {
            memcpy(o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    return out;
}

const char *ftc_wctx_cstr(ftc_wctx *w, const char *s)
{
    if (s == NULL)
        return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, k;
    while (i < len && (k = ftc_utf8_len(u + i, len - i)) != 0)
        i += k;
    return i == len ? s : ftc_wctx_text(w, s, len);
}

cJSON *ftc_json_add(ftc_wctx *w, cJSON *parent, const char *key, cJSON *item)
{
    if (item == NULL || parent == NULL) {
        cJSON_Delete(item);
        w->failed = 1;
        return NULL;
    }
    cJSON_bool ok = key ? cJSON_AddItemToObject(parent, key, item)
                        : cJSON_AddItemToArray(parent, item);
    if (!ok) {
        cJSON_Delete(item);
        w->failed = 1;
        return NULL;
    }
    return item;
}

cJSON *ftc_json_str(ftc_wctx *w, cJSON *parent, const char *key,
                    const char *s)
{
    if (s == NULL)
        return ftc_json_add(w, parent, key, cJSON_CreateNull());
    return ftc_json_add(w, parent, key,
                        cJSON_CreateString(ftc_wctx_cstr(w, s)));
}

cJSON *ftc_json_num(ftc_wctx *w, cJSON *parent, const char *key, double v)
{
    return ftc_json_add(w, parent, key, cJSON_CreateNumber(v));
}

cJSON *ftc_json_bool(ftc_wctx *w, cJSON *parent, const char *key, int v)
{
    return ftc_json_add(w, parent, key, cJSON_CreateBool(v != 0));
}

cJSON *ftc_json_obj(ftc_wctx *w, cJSON *parent, const char *key)
{
    return ftc_json_add(w, parent, key, cJSON_CreateObject());
}

cJSON *ftc_json_arr(ftc_wctx *w, cJSON *parent, const char *key)
{
    return ftc_json_add(w, parent, key, cJSON_CreateArray());
}

static const char *status_name(ftc_status s)
{
    switch (s) {
    case FTC_STATUS_ANALYSED:
        return "analysed";
    case FTC_STATUS_SKIPPED:
        return "skipped";
    case FTC_STATUS_FAILED:
        return "failed";
    }
    return "failed";
}

cJSON *ftc_tu_facts_json(ftc_wctx *w)
{
    const ftc_result *res = w->res;
    const ftc_tu *tu = w->tu;
    const ftc_config *cfg = res ? res->cfg : NULL;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        w->failed = 1;
        return NULL;
    }
    ftc_json_str(w, o, "status", status_name(res ? res->status
                                                 : FTC_STATUS_FAILED));
    ftc_json_str(w, o, "skipReason",
                 res && res->status == FTC_STATUS_SKIPPED ? res->skip_reason
                                                          : NULL);
    ftc_json_str(w, o, "project", cfg ? cfg->project : NULL);
    ftc_json_str(w, o, "mainFile", tu ? tu->main_file : NULL);
    ftc_json_str(w, o, "outputFile", tu ? tu->output_file : NULL);
    ftc_json_str(w, o, "workingDirectory", w->working_dir);
    ftc_json_str(w, o, "sourceRoot", w->source_root);

    uint32_t hex = tu ? ftc_tu_python_version(tu) : 0;
    if (hex) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%08x", (unsigned)hex);
        ftc_json_str(w, o, "pythonVersionHex", buf);
        snprintf(buf, sizeof(buf), "%u.%u", (unsigned)(hex >> 24),
                 (unsigned)((hex >> 16) & 0xFF));
        ftc_json_str(w, o, "pythonVersion", buf);
    } else {
        ftc_json_str(w, o, "pythonVersionHex", NULL);
        ftc_json_str(w, o, "pythonVersion", NULL);
    }
    ftc_json_bool(w, o, "gilDisabled", tu && ftc_tu_gil_disabled(tu));
    ftc_json_bool(w, o, "includesPython", tu && tu->includes_python);
    ftc_json_str(w, o, "clangVersion", tu ? tu->clang_version : NULL);
    ftc_json_bool(w, o, "cplusplus", tu && tu->is_cplusplus);
    ftc_json_bool(w, o, "hasErrors", tu && tu->has_errors);
    /* Microseconds are plenty, and keep the number short. */
    double secs = res && res->seconds > 0 ? res->seconds : 0;
    ftc_json_num(w, o, "analysisSeconds",
                 (double)(long long)(secs * 1e6 + 0.5) / 1e6);
    cJSON *rules = ftc_json_arr(w, o, "enabledRules");
    for (size_t i = 0; cfg && i < ftc_check_count && i < FTC_MAX_CHECKS; i++)
        if (cfg->enabled[i])
            ftc_json_str(w, rules, NULL, ftc_checks[i]->id);
    /* Every module the checks saw, with its GIL declaration. */
    cJSON *modules = ftc_json_arr(w, o, "modules");
    for (size_t i = 0; res && i < res->report.modules.count; i++) {
        const ftc_module_fact *m = &res->report.modules.items[i];
        cJSON *e = ftc_json_obj(w, modules, NULL);
        ftc_wfile *f = ftc_wctx_file(w, m->loc.file);
        ftc_json_str(w, e, "name", ftc_wctx_cstr(w, m->name));
        ftc_json_str(w, e, "gil", m->gil);
        ftc_json_str(w, e, "file", f ? f->uri : NULL);
        ftc_json_num(w, e, "line", m->loc.line);
    }
    return o;
}

int ftc_json_print(ftc_wctx *w, cJSON *root, FILE *out)
{
    if (w->failed || w->arena.failed || root == NULL) {
        errno = ENOMEM;
        return -1;
    }
    char *text = cJSON_PrintUnformatted(root);
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    int rc = fputs(text, out) == EOF || fputc('\n', out) == EOF ? -1 : 0;
    cJSON_free(text);
    return rc;
}

/* ---- the JSON format ---------------------------------------------------- */

static void add_loc_fields(ftc_wctx *w, cJSON *o, ftc_range r, int ends)
{
    ftc_wfile *wf = ftc_wctx_file(w, r.begin.file);
    const ftc_file *f = ftc_wctx_ir_file(w, r.begin.file);
    ftc_json_str(w, o, "file", wf ? wf->uri : NULL);
    ftc_json_str(w, o, "path", f ? f->path : NULL);
    ftc_json_num(w, o, "line", r.begin.line);
    ftc_json_num(w, o, "column", r.begin.col);
    if (!ends)
        return;
    /* An end in another file, or before the start, says nothing. */
    int same = r.end.file == r.begin.file && r.end.line != 0 &&
               (r.end.line > r.begin.line ||
                (r.end.line == r.begin.line && r.end.col >= r.begin.col));
    ftc_json_num(w, o, "endLine", same ? r.end.line : r.begin.line);
    ftc_json_num(w, o, "endColumn", same ? r.end.col : r.begin.col);
}

static void add_finding(ftc_wctx *w, cJSON *arr, const ftc_finding *f)
{
    cJSON *o = ftc_json_obj(w, arr, NULL);
    ftc_json_str(w, o, "rule", f->rule);
    ftc_json_str(w, o, "level", ftc_level_name(f->level));
    ftc_json_str(w, o, "confidence", ftc_confidence_name(f->confidence));
    ftc_json_str(w, o, "message", f->message ? f->message : "");
    add_loc_fields(w, o, f->range, 1);
    ftc_json_str(w, o, "function", f->function);
    ftc_json_str(w, o, "suggestion", f->suggestion);
    ftc_json_str(w, o, "fingerprint",
                 ftc_wctx_line_hash(w, f->range.begin.file,
                                    f->range.begin.line));
    cJSON *related = ftc_json_arr(w, o, "related");
    for (size_t i = 0; i < f->related.count; i++) {
        const ftc_related *rel = &f->related.items[i];
        cJSON *ro = ftc_json_obj(w, related, NULL);
        add_loc_fields(w, ro, rel->range, 0);
        ftc_json_str(w, ro, "message", rel->message ? rel->message : "");
    }
    cJSON *fixits = ftc_json_arr(w, o, "fixits");
    for (size_t i = 0; i < f->fixits.count; i++) {
        const ftc_fixit *fx = &f->fixits.items[i];
        cJSON *fo = ftc_json_obj(w, fixits, NULL);
        add_loc_fields(w, fo, fx->range, 1);
        ftc_json_str(w, fo, "text", fx->text ? fx->text : "");
    }
    ftc_json_bool(w, o, "suppressed", f->suppressed);
    ftc_json_str(w, o, "justification",
                 f->suppressed ? (f->justification ? f->justification : "")
                               : NULL);
}

int ftc_write_json(const ftc_result *res, FILE *out)
{
    ftc_wctx w;
    if (res == NULL || out == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (ftc_wctx_init(&w, res) != 0)
        return -1;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        w.failed = 1;
    ftc_json_str(&w, root, "format", "ftcheck-json");
    ftc_json_num(&w, root, "version", 1);
    cJSON *tool = ftc_json_obj(&w, root, "tool");
    ftc_json_str(&w, tool, "name", "ftcheck");
    ftc_json_str(&w, tool, "version", FTC_VERSION);
    ftc_json_str(&w, tool, "informationUri", FTC_INFORMATION_URI);
    ftc_json_add(&w, root, "tu", ftc_tu_facts_json(&w));
    ftc_json_bool(&w, root, "executionSuccessful", ftc_wctx_successful(&w));

    cJSON *notes = ftc_json_arr(&w, root, "notifications");
    for (size_t i = 0; i < w.nnotes; i++) {
        cJSON *n = ftc_json_obj(&w, notes, NULL);
        ftc_json_str(&w, n, "level", ftc_level_name(w.notes[i].level));
        ftc_json_str(&w, n, "id", w.notes[i].id ? w.notes[i].id : "unknown");
        ftc_json_str(&w, n, "message",
                     w.notes[i].message ? w.notes[i].message : "");
    }
    cJSON *findings = ftc_json_arr(&w, root, "findings");
    for (size_t i = 0; i < res->report.findings.count; i++)
        add_finding(&w, findings, &res->report.findings.items[i]);

    int rc = ftc_json_print(&w, root, out);
    cJSON_Delete(root);
    ftc_wctx_release(&w);
    return rc;
}

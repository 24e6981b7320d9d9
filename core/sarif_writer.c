/* sarif_writer.c - one SARIF 2.1.0 run per TU, in the subset GitHub code
 * scanning accepts (and `sarif-multitool validate --rule-kind "Gh;Sarif"`
 * passes). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "writer_common.h"

#define SRCROOT "%SRCROOT%"
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SNIPPET_MAX 200      /* characters of the start line we quote */
#define DESCRIPTION_MAX 1024 /* GitHub's limit on rule descriptions */
#define NAME_MAX_CHARS 255   /* and on rule names */
#define TAGS_MAX 20          /* and on tags per rule */

typedef struct sarif {
    ftc_wctx w;
    cJSON *artifacts;
    cJSON **artifact_objs;   /* by TU file index, NULL until referenced */
    unsigned char *is_result_file;
    int nartifacts;
} sarif;

/* ---- text ---------------------------------------------------------------- */

/* The first max characters (code points) of valid UTF-8 s, with "..." when
 * cut. */
static const char *cut_chars(ftc_wctx *w, const char *s, size_t max)
{
    size_t i = 0, chars = 0, len = strlen(s);
    while (i < len && chars < max) {
        size_t k = ftc_utf8_len((const unsigned char *)s + i, len - i);
        i += k ? k : 1;
        chars++;
    }
    if (i >= len)
        return s;
    /* Leave room for the ellipsis within the limit. */
    i = 0;
    chars = 0;
    while (chars + 3 < max) {
        size_t k = ftc_utf8_len((const unsigned char *)s + i, len - i);
        i += k ? k : 1;
        chars++;
    }
    char *out = ftc_arena_printf(&w->arena, "%.*s...", (int)i, s);
    if (out == NULL)
        w->failed = 1;
    return out ? out : "";
}

static void text_obj(ftc_wctx *w, cJSON *parent, const char *key,
                     const char *text)
{
    cJSON *o = ftc_json_obj(w, parent, key);
    ftc_json_str(w, o, "text", text);
}

/* ---- columns ------------------------------------------------------------- */

/* SARIF's default column unit is the UTF-16 code unit; the IR counts bytes.
 * Without the file's text a byte column is the best guess there is. */
static uint32_t utf16_col(ftc_wctx *w, int32_t file, uint32_t line,
                          uint32_t col)
{
    const char *text;
    size_t len;
    if (col <= 1 || !ftc_wctx_line(w, file, line, &text, &len))
        return col ? col : 1;
    size_t bytes = col - 1, i = 0;
    uint64_t units = 0;
    while (i < bytes && i < len) {
        size_t k = ftc_utf8_len((const unsigned char *)text + i, len - i);
        units += k == 4 ? 2 : 1;
        i += k ? k : 1;
    }
    if (bytes > i)  /* past the end of the line: one unit a byte */
        units += bytes - i;
    return units + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(units + 1);
}

/* ---- locations ----------------------------------------------------------- */

/* The file's entry in run.artifacts, made on first reference. */
static ftc_wfile *ensure_artifact(sarif *s, int32_t file)
{
    ftc_wctx *w = &s->w;
    ftc_wfile *wf = ftc_wctx_file(w, file);
    if (wf == NULL || wf->artifact >= 0)
        return wf;
    const ftc_file *f = ftc_wctx_ir_file(w, file);
    cJSON *a = ftc_json_obj(w, s->artifacts, NULL);
    cJSON *loc = ftc_json_obj(w, a, "location");
    ftc_json_str(w, loc, "uri", wf->uri);
    if (wf->relative)
        ftc_json_str(w, loc, "uriBaseId", SRCROOT);
    if (f->content)
        ftc_json_num(w, a, "length", (double)f->content_len);
    ftc_json_str(w, a, "sourceLanguage",
                 w->tu->is_cplusplus ? "cplusplus" : "c");
    if (f->is_main) {
        cJSON *roles = ftc_json_arr(w, a, "roles");
        ftc_json_str(w, roles, NULL, "analysisTarget");
    }
    wf->artifact = s->nartifacts++;
    s->artifact_objs[file] = a;
    return wf;
}

static void artifact_location(sarif *s, cJSON *parent, const char *key,
                              int32_t file)
{
    ftc_wctx *w = &s->w;
    cJSON *o = ftc_json_obj(w, parent, key);
    ftc_wfile *wf = ensure_artifact(s, file);
    if (wf == NULL)
        return;
    ftc_json_str(w, o, "uri", wf->uri);
    if (wf->relative)
        ftc_json_str(w, o, "uriBaseId", SRCROOT);
    ftc_json_num(w, o, "index", wf->artifact);
}

/* Mark a file as holding a result's primary location. */
static void result_file_role(sarif *s, int32_t file)
{
    ftc_wctx *w = &s->w;
    if (ftc_wctx_ir_file(w, file) == NULL || s->is_result_file[file])
        return;
    s->is_result_file[file] = 1;
    cJSON *a = s->artifact_objs[file];
    if (a == NULL)
        return;
    cJSON *roles = cJSON_GetObjectItemCaseSensitive(a, "roles");
    if (roles == NULL)
        roles = ftc_json_arr(w, a, "roles");
    ftc_json_str(w, roles, NULL, "resultFile");
}

/* Consumers read lines and columns as 32-bit signed integers (the .NET
 * SARIF SDK does); leave room for the one-column widening below. */
static uint32_t clamp(uint32_t v)
{
    return v > INT32_MAX - 1 ? INT32_MAX - 1 : v;
}

/* A region from an IR range. widen: give an empty range one column, as a
 * result's region must show something; a fix-it's insertion point stays
 * empty. */
static void region(sarif *s, cJSON *parent, const char *key, ftc_range r,
                   int widen, int snippet)
{
    ftc_wctx *w = &s->w;
    int32_t file = r.begin.file;
    uint32_t sl = r.begin.line ? r.begin.line : 1;
    uint32_t sc = r.begin.col ? r.begin.col : 1;
    uint32_t el = sl, ec = sc;
    if (r.end.file == r.begin.file && r.end.line != 0 && r.end.col != 0 &&
        (r.end.line > sl || (r.end.line == sl && r.end.col >= sc))) {
        el = r.end.line;
        ec = r.end.col;
    }
    sc = clamp(utf16_col(w, file, sl, sc));
    ec = clamp(utf16_col(w, file, el, ec));
    sl = clamp(sl);
    el = clamp(el);
    if (el == sl && ec < sc)
        ec = sc;
    if (widen && el == sl && ec == sc)
        ec = sc + 1;

    cJSON *o = ftc_json_obj(w, parent, key);
    ftc_json_num(w, o, "startLine", sl);
    ftc_json_num(w, o, "startColumn", sc);
    ftc_json_num(w, o, "endLine", el);
    ftc_json_num(w, o, "endColumn", ec);

    const char *text;
    size_t len;
    if (snippet && ftc_wctx_line(w, file, sl, &text, &len)) {
        while (len && (*text == ' ' || *text == '\t')) {
            text++;
            len--;
        }
        while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
            len--;
        if (len) {
            const char *line = ftc_wctx_text(w, text, len);
            text_obj(w, o, "snippet", cut_chars(w, line, SNIPPET_MAX));
        }
    }
}

static void physical_location(sarif *s, cJSON *parent, ftc_range r,
                              int snippet)
{
    cJSON *o = ftc_json_obj(&s->w, parent, "physicalLocation");
    artifact_location(s, o, "artifactLocation", r.begin.file);
    region(s, o, "region", r, 1, snippet);
}

/* A finding without a known file is pinned to the main file's first line:
 * GitHub rejects a result without a location. */
static ftc_range known_range(sarif *s, ftc_range r)
{
    if (ftc_wctx_ir_file(&s->w, r.begin.file) != NULL)
        return r;
    ftc_range m = {{ftc_wctx_main_file(&s->w), 1, 1, 0},
                   {ftc_wctx_main_file(&s->w), 1, 1, 0}};
    return m;
}

/* ---- rules --------------------------------------------------------------- */

static const char *severity(ftc_level level)
{
    switch (level) {
    case FTC_LEVEL_ERROR:
        return "error";
    case FTC_LEVEL_WARNING:
        return "warning";
    case FTC_LEVEL_NOTE:
        return "recommendation";
    }
    return "warning";
}

static void add_rule(sarif *s, cJSON *rules, const ftc_check *c)
{
    ftc_wctx *w = &s->w;
    cJSON *o = ftc_json_obj(w, rules, NULL);
    const char *shortd = c->short_description ? c->short_description : c->id;
    const char *fulld = c->full_description ? c->full_description : shortd;
    const char *help = c->help_text ? c->help_text : fulld;

    ftc_json_str(w, o, "id", c->id);
    if (c->name && c->name[0])
        ftc_json_str(w, o, "name",
                     cut_chars(w, ftc_wctx_cstr(w, c->name), NAME_MAX_CHARS));
    text_obj(w, o, "shortDescription",
             cut_chars(w, ftc_wctx_cstr(w, shortd), DESCRIPTION_MAX));
    text_obj(w, o, "fullDescription",
             cut_chars(w, ftc_wctx_cstr(w, fulld), DESCRIPTION_MAX));
    cJSON *h = ftc_json_obj(w, o, "help");
    ftc_json_str(w, h, "text", help);
    if (c->help_markdown && c->help_markdown[0])
        ftc_json_str(w, h, "markdown", c->help_markdown);
    char *uri = ftc_arena_printf(&w->arena, "%s/blob/main/docs/checks/%s.md",
                                 FTC_INFORMATION_URI, c->id);
    ftc_json_str(w, o, "helpUri", uri ? uri : FTC_INFORMATION_URI);
    cJSON *dc = ftc_json_obj(w, o, "defaultConfiguration");
    ftc_json_str(w, dc, "level", ftc_level_name(c->default_level));

    cJSON *props = ftc_json_obj(w, o, "properties");
    ftc_json_str(w, props, "precision", ftc_precision_name(c->precision));
    ftc_json_str(w, props, "problem.severity", severity(c->default_level));
    cJSON *tags = ftc_json_arr(w, props, "tags");
    int ntags = 0, has_ft = 0;
    for (const char *const *t = c->tags; t && *t; t++)
        has_ft |= strcmp(*t, "free-threading") == 0;
    if (!has_ft) {
        ftc_json_str(w, tags, NULL, "free-threading");
        ntags++;
    }
    for (const char *const *t = c->tags; t && *t && ntags < TAGS_MAX; t++) {
        ftc_json_str(w, tags, NULL, *t);
        ntags++;
    }
}

/* ---- results ------------------------------------------------------------- */

static void add_fixes(sarif *s, cJSON *result, const ftc_finding *f)
{
    ftc_wctx *w = &s->w;
    if (f->fixits.count == 0)
        return;
    cJSON *fix = ftc_json_obj(w, ftc_json_arr(w, result, "fixes"), NULL);
    cJSON *changes = ftc_json_arr(w, fix, "artifactChanges");
    /* One artifactChange per file, in order of first appearance. */
    for (size_t i = 0; i < f->fixits.count; i++) {
        int32_t file = f->fixits.items[i].range.begin.file;
        int seen = ftc_wctx_ir_file(w, file) == NULL;
        for (size_t j = 0; j < i && !seen; j++)
            seen = f->fixits.items[j].range.begin.file == file;
        if (seen)
            continue;
        cJSON *ch = ftc_json_obj(w, changes, NULL);
        artifact_location(s, ch, "artifactLocation", file);
        cJSON *reps = ftc_json_arr(w, ch, "replacements");
        for (size_t j = i; j < f->fixits.count; j++) {
            const ftc_fixit *fx = &f->fixits.items[j];
            if (fx->range.begin.file != file)
                continue;
            cJSON *rep = ftc_json_obj(w, reps, NULL);
            region(s, rep, "deletedRegion", fx->range, 0, 0);
            text_obj(w, rep, "insertedContent", fx->text ? fx->text : "");
        }
    }
}

static void add_result(sarif *s, cJSON *results, const ftc_finding *f)
{
    ftc_wctx *w = &s->w;
    cJSON *o = ftc_json_obj(w, results, NULL);
    int index = ftc_check_index(f->rule);
    const char *message = f->message;
    if (message == NULL || message[0] == '\0')
        message = index >= 0 && ftc_checks[index]->short_description
                      ? ftc_checks[index]->short_description
                      : "ftcheck finding.";

    ftc_json_str(w, o, "ruleId", f->rule ? f->rule : "unknown");
    if (index >= 0)
        ftc_json_num(w, o, "ruleIndex", index);
    ftc_json_str(w, o, "level", ftc_level_name(f->level));
    text_obj(w, o, "message", message);

    ftc_range r = known_range(s, f->range);
    cJSON *locs = ftc_json_arr(w, o, "locations");
    if (ftc_wctx_ir_file(w, r.begin.file) != NULL) {
        cJSON *loc = ftc_json_obj(w, locs, NULL);
        physical_location(s, loc, r, 1);
        result_file_role(s, r.begin.file);
        if (f->function && f->function[0]) {
            cJSON *ll = ftc_json_obj(w, ftc_json_arr(w, loc,
                                                     "logicalLocations"),
                                     NULL);
            ftc_json_str(w, ll, "name", f->function);
            ftc_json_str(w, ll, "kind", "function");
        }
    }

    int nrelated = 0;
    cJSON *related = NULL;
    for (size_t i = 0; i < f->related.count; i++) {
        const ftc_related *rel = &f->related.items[i];
        if (ftc_wctx_ir_file(w, rel->range.begin.file) == NULL)
            continue;
        if (related == NULL)
            related = ftc_json_arr(w, o, "relatedLocations");
        cJSON *ro = ftc_json_obj(w, related, NULL);
        ftc_json_num(w, ro, "id", ++nrelated);
        physical_location(s, ro, rel->range, 0);
        /* GitHub rejects the file for a related location without one. */
        text_obj(w, ro, "message", rel->message && rel->message[0]
                                       ? rel->message
                                       : "Related location.");
    }

    add_fixes(s, o, f);

    const char *hash = ftc_wctx_line_hash(w, r.begin.file, r.begin.line);
    if (hash) {
        cJSON *fp = ftc_json_obj(w, o, "partialFingerprints");
        ftc_json_str(w, fp, "primaryLocationLineHash", hash);
    }

    if (f->suppressed) {
        cJSON *sup = ftc_json_obj(w, ftc_json_arr(w, o, "suppressions"),
                                  NULL);
        ftc_json_str(w, sup, "kind", "inSource");
        if (f->justification && f->justification[0])
            ftc_json_str(w, sup, "justification", f->justification);
    }

    cJSON *props = ftc_json_obj(w, o, "properties");
    ftc_json_str(w, props, "confidence", ftc_confidence_name(f->confidence));
    if (f->suggestion)
        ftc_json_str(w, props, "suggestion", f->suggestion);
}

/* ---- the run ------------------------------------------------------------- */

static void add_invocation(sarif *s, cJSON *run)
{
    ftc_wctx *w = &s->w;
    const ftc_config *cfg = w->res->cfg;
    cJSON *inv = ftc_json_obj(w, ftc_json_arr(w, run, "invocations"), NULL);
    ftc_json_bool(w, inv, "executionSuccessful", ftc_wctx_successful(w));
    cJSON *wd = ftc_json_obj(w, inv, "workingDirectory");
    char *wd_uri = ftc_dir_uri(&w->arena, w->working_dir);
    if (wd_uri == NULL)
        w->failed = 1;
    ftc_json_str(w, wd, "uri", wd_uri ? wd_uri : "file:///");

    if (w->nnotes) {
        cJSON *notes = ftc_json_arr(w, inv, "toolExecutionNotifications");
        for (size_t i = 0; i < w->nnotes; i++) {
            const ftc_notification *n = &w->notes[i];
            cJSON *no = ftc_json_obj(w, notes, NULL);
            ftc_json_str(w, no, "level", ftc_level_name(n->level));
            text_obj(w, no, "message",
                     n->message && n->message[0] ? n->message
                                                 : "ftcheck notification.");
            cJSON *d = ftc_json_obj(w, no, "descriptor");
            ftc_json_str(w, d, "id", n->id && n->id[0] ? n->id : "unknown");
        }
    }

    /* Say which rules did not run, so "no results" is not read as "clean". */
    cJSON *overrides = NULL;
    for (size_t i = 0; cfg && i < ftc_check_count && i < FTC_MAX_CHECKS;
         i++) {
        if (cfg->enabled[i])
            continue;
        if (overrides == NULL)
            overrides = ftc_json_arr(w, inv, "ruleConfigurationOverrides");
        cJSON *ov = ftc_json_obj(w, overrides, NULL);
        cJSON *d = ftc_json_obj(w, ov, "descriptor");
        ftc_json_str(w, d, "id", ftc_checks[i]->id);
        ftc_json_num(w, d, "index", (double)i);
        cJSON *c = ftc_json_obj(w, ov, "configuration");
        ftc_json_bool(w, c, "enabled", 0);
    }
}

static void add_automation_id(sarif *s, cJSON *run)
{
    ftc_wctx *w = &s->w;
    const ftc_config *cfg = w->res->cfg;
    const char *project = cfg && cfg->project && cfg->project[0]
                              ? cfg->project
                              : "default";
    const char *main_file = w->tu && w->tu->main_file ? w->tu->main_file : "";
    const char *base = strrchr(main_file, '/');
    base = base ? base + 1 : main_file;
    if (base[0] == '\0')
        base = "unknown";
    /* GitHub reads "<category>/<run id>": the project is the category. */
    char *id = ftc_arena_printf(&w->arena, "ftcheck/%s/%s", project, base);
    if (id == NULL)
        w->failed = 1;
    cJSON *ad = ftc_json_obj(w, run, "automationDetails");
    ftc_json_str(w, ad, "id", id ? id : "ftcheck/default/unknown");
}

int ftc_write_sarif(const ftc_result *res, FILE *out)
{
    sarif s;
    if (res == NULL || out == NULL) {
        errno = EINVAL;
        return -1;
    }
    memset(&s, 0, sizeof(s));
    if (ftc_wctx_init(&s.w, res) != 0)
        return -1;
    ftc_wctx *w = &s.w;
    size_t nf = w->nfiles ? w->nfiles : 1;
    s.artifact_objs = ftc_arena_alloc(&w->arena, nf * sizeof(cJSON *));
    s.is_result_file = ftc_arena_alloc(&w->arena, nf);
    if (s.artifact_objs == NULL || s.is_result_file == NULL)
        w->failed = 1;

    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        w->failed = 1;
    ftc_json_str(w, root, "$schema", SARIF_SCHEMA);
    ftc_json_str(w, root, "version", "2.1.0");
    cJSON *run = ftc_json_obj(w, ftc_json_arr(w, root, "runs"), NULL);

    cJSON *driver = ftc_json_obj(w, ftc_json_obj(w, run, "tool"), "driver");
    ftc_json_str(w, driver, "name", "ftcheck");
    ftc_json_str(w, driver, "fullName",
                 "ftcheck " FTC_VERSION ": free-threading checks for CPython "
                 "C extensions");
    ftc_json_str(w, driver, "version", FTC_VERSION);
    ftc_json_str(w, driver, "semanticVersion", FTC_VERSION);
    ftc_json_str(w, driver, "informationUri", FTC_INFORMATION_URI);
    cJSON *rules = ftc_json_arr(w, driver, "rules");
    for (size_t i = 0; i < ftc_check_count; i++)
        add_rule(&s, rules, ftc_checks[i]);

    add_invocation(&s, run);

    char *root_uri = ftc_dir_uri(&w->arena, w->source_root);
    if (root_uri == NULL)
        w->failed = 1;
    cJSON *bases = ftc_json_obj(w, run, "originalUriBaseIds");
    cJSON *src = ftc_json_obj(w, bases, SRCROOT);
    ftc_json_str(w, src, "uri", root_uri ? root_uri : "file:///");

    /* The main file first, so it is artifact 0 even without results. */
    s.artifacts = ftc_json_arr(w, run, "artifacts");
    ensure_artifact(&s, ftc_wctx_main_file(w));

    add_automation_id(&s, run);
    ftc_json_str(w, run, "columnKind", "utf16CodeUnits");

    cJSON *results = ftc_json_arr(w, run, "results");
    for (size_t i = 0; i < res->report.findings.count; i++)
        add_result(&s, results, &res->report.findings.items[i]);

    if (s.nartifacts == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(run, "artifacts");

    cJSON *props = ftc_json_obj(w, run, "properties");
    ftc_json_add(w, props, "ftcheck", ftc_tu_facts_json(w));

    int rc = ftc_json_print(w, root, out);
    cJSON_Delete(root);
    ftc_wctx_release(w);
    return rc;
}

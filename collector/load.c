/* load.c - read one SARIF or ftcheck-JSON side file into an ftc_side.
 *
 * Thread-safe (no globals, cJSON's error pointer unused) so files can be
 * parsed in parallel. Anything wrong is described with the file's name and
 * the place in it; a bad result is skipped, a bad file is skipped whole. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"

#define MAX_WARNINGS 20       /* per file; then one summary line */
#define FP_WINDOW 100         /* non-space characters of line text hashed */

static void set_error(ftc_side *side, const char *fmt, ...)
{
    va_list ap;
    char buf[512];
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (side->error == NULL)
        side->error = ftc_arena_strdup(&side->arena, buf);
}

static void warn(ftc_side *side, const char *fmt, ...)
{
    va_list ap;
    char buf[512];
    if (side->nwarnings > MAX_WARNINGS)
        return;
    if (side->warnings == NULL)
        side->warnings = ftc_arena_alloc(&side->arena, (MAX_WARNINGS + 1) *
                                                           sizeof(char *));
    if (side->warnings == NULL)
        return;
    if (side->nwarnings == MAX_WARNINGS) {
        snprintf(buf, sizeof buf, "more problems not shown");
    } else {
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    side->warnings[side->nwarnings++] = ftc_arena_strdup(&side->arena, buf);
}

/* ---- JSON access that never trusts the input ----------------------------- */

static cJSON *item(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key)
{
    cJSON *v = item(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static uint32_t num(const cJSON *o, const char *key)
{
    cJSON *v = item(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return 0;
    return v->valuedouble > 4e9 ? 4000000000u : (uint32_t)v->valuedouble;
}

static int boolean(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(item(o, key));
}

static const char *text_of(const cJSON *o, const char *key)
{
    return str(item(o, key), "text");
}

static int level_of(const char *s)
{
    if (s == NULL)
        return FTC_LVL_WARNING;    /* SARIF's default */
    if (strcmp(s, "error") == 0)
        return FTC_LVL_ERROR;
    if (strcmp(s, "warning") == 0)
        return FTC_LVL_WARNING;
    return FTC_LVL_NOTE;
}

static int conf_of(const char *s)
{
    return s && strcmp(s, "certain") == 0 ? FTC_CONF_CERTAIN : FTC_CONF_LIKELY;
}

/* ---- fingerprints -------------------------------------------------------- */

static uint64_t text_hash(uint64_t h, const char *s)
{
    unsigned char buf[FP_WINDOW];
    size_t n = 0, len = strlen(s);
    /* A snippet cut by the writer ends in "..."; the cut is not content. */
    if (len >= 3 && strcmp(s + len - 3, "...") == 0)
        len -= 3;
    for (size_t i = 0; i < len && n < FP_WINDOW; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' &&
            c != '\v')
            buf[n++] = c;
    }
    return ftc_hash_bytes(h, buf, n);
}

uint64_t ftc_fingerprint(const ftc_cfinding *f, unsigned occurrence)
{
    uint64_t h = ftc_hash_str(0, "ftcheck/v1");
    h = ftc_hash_str(h, f->rule);
    h = ftc_hash_str(h, f->loc.uri);
    h = ftc_hash_str(h, f->function);
    if (f->snippet)
        h = text_hash(h, f->snippet);
    else
        h = ftc_hash_str(h, f->message);
    return ftc_hash_bytes(h, &(uint32_t){occurrence}, sizeof(uint32_t));
}

/* Number identical identities within a TU: 0, 1, 2, ... */
static void fingerprint_tu(ftc_side *side, ftc_side_tu *tu,
                           const unsigned char *given)
{
    size_t cap = 16;
    while (cap < tu->nfindings * 2)
        cap *= 2;
    uint64_t *keys = calloc(cap, sizeof(*keys));
    unsigned *counts = calloc(cap, sizeof(*counts));
    if (keys == NULL || counts == NULL) {
        set_error(side, "out of memory");
        free(keys);
        free(counts);
        return;
    }
    for (size_t i = 0; i < tu->nfindings; i++) {
        ftc_cfinding *f = &tu->findings[i];
        if (given && given[i])
            continue;
        uint64_t base = ftc_fingerprint(f, 0);
        uint64_t key = base | 1;   /* 0 marks a free slot */
        size_t j = key & (cap - 1);
        while (keys[j] && keys[j] != key)
            j = (j + 1) & (cap - 1);
        keys[j] = key;
        f->fp = counts[j] ? ftc_fingerprint(f, counts[j]) : base;
        counts[j]++;
    }
    free(keys);
    free(counts);
}

static int parse_hex64(const char *s, uint64_t *out)
{
    if (s == NULL || strlen(s) != 16)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return 0;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return 1;
}

/* ---- SARIF --------------------------------------------------------------- */

static void sarif_region(ftc_cloc *l, const cJSON *phys)
{
    const cJSON *reg = item(phys, "region");
    l->uri = str(item(phys, "artifactLocation"), "uri");
    l->line = num(reg, "startLine");
    l->col = num(reg, "startColumn");
    l->end_line = num(reg, "endLine");
    l->end_col = num(reg, "endColumn");
    if (l->end_line == 0)
        l->end_line = l->line;
    if (l->end_col == 0)
        l->end_col = l->col;
}

static int sarif_result(ftc_side *side, size_t run, size_t idx,
                        const cJSON *r, ftc_cfinding *f, int *given)
{
    f->rule = str(r, "ruleId");
    f->message = text_of(r, "message");
    if (f->rule == NULL || f->rule[0] == '\0') {
        warn(side, "runs[%zu].results[%zu]: no ruleId; result skipped", run,
             idx);
        return 0;
    }
    if (f->message == NULL) {
        warn(side, "runs[%zu].results[%zu]: no message.text; result skipped",
             run, idx);
        return 0;
    }
    f->level = (uint8_t)level_of(str(r, "level"));
    const cJSON *loc0 = cJSON_GetArrayItem(item(r, "locations"), 0);
    const cJSON *phys = item(loc0, "physicalLocation");
    if (phys == NULL) {
        warn(side, "runs[%zu].results[%zu]: no physical location; result "
             "skipped", run, idx);
        return 0;
    }
    sarif_region(&f->loc, phys);
    if (f->loc.uri == NULL || f->loc.line == 0) {
        warn(side, "runs[%zu].results[%zu]: location has no uri or "
             "startLine; result skipped", run, idx);
        return 0;
    }
    f->snippet = text_of(item(phys, "region"), "snippet");
    const cJSON *ll = cJSON_GetArrayItem(item(loc0, "logicalLocations"), 0);
    f->function = str(ll, "name");
    const cJSON *fps = item(r, "partialFingerprints");
    f->line_hash = str(fps, "primaryLocationLineHash");
    *given = parse_hex64(str(fps, "ftcheck/v1"), &f->fp);

    const cJSON *sup = item(r, "suppressions");
    if (cJSON_IsArray(sup) && cJSON_GetArraySize(sup) > 0) {
        const cJSON *s0 = cJSON_GetArrayItem(sup, 0);
        const char *status = str(s0, "status");
        /* Only an accepted (or unstated) suppression silences a result. */
        if (status == NULL || strcmp(status, "accepted") == 0) {
            f->suppressed = 1;
            f->justification = str(s0, "justification");
        }
    }
    const cJSON *props = item(r, "properties");
    f->confidence = (uint8_t)conf_of(str(props, "confidence"));
    f->suggestion = str(props, "suggestion");

    const cJSON *rel = item(r, "relatedLocations");
    int n = cJSON_IsArray(rel) ? cJSON_GetArraySize(rel) : 0;
    if (n > 0) {
        f->related = ftc_arena_alloc(&side->arena, (size_t)n * sizeof(ftc_cloc));
        if (f->related == NULL)
            return -1;
        const cJSON *e;
        cJSON_ArrayForEach(e, rel) {
            ftc_cloc *l = &f->related[f->nrelated];
            const cJSON *p = item(e, "physicalLocation");
            if (p == NULL)
                continue;
            sarif_region(l, p);
            if (l->uri == NULL || l->line == 0)
                continue;
            l->message = text_of(e, "message");
            f->nrelated++;
        }
    }
    return 1;
}

static void tu_facts(ftc_side *side, ftc_side_tu *tu, const cJSON *facts)
{
    tu->project = str(facts, "project");
    tu->status = str(facts, "status");
    tu->skip_reason = str(facts, "skipReason");
    tu->main_file = str(facts, "mainFile");
    tu->output_file = str(facts, "outputFile");
    tu->working_dir = str(facts, "workingDirectory");
    tu->source_root = str(facts, "sourceRoot");
    tu->python_version = str(facts, "pythonVersion");
    tu->clang_version = str(facts, "clangVersion");
    tu->gil_disabled = boolean(facts, "gilDisabled");
    tu->has_errors = boolean(facts, "hasErrors");
    const cJSON *mods = item(facts, "modules");
    int nm = cJSON_IsArray(mods) ? cJSON_GetArraySize(mods) : 0;
    if (nm > 0) {
        tu->modules = ftc_arena_alloc(&side->arena, (size_t)nm * sizeof(*tu->modules));
        const cJSON *e;
        cJSON_ArrayForEach(e, mods) {
            const char *name = str(e, "name"), *gil = str(e, "gil");
            const cJSON *line = item(e, "line");
            if (tu->modules == NULL || name == NULL || gil == NULL)
                continue;   /* a malformed entry is skipped, not fatal */
            ftc_side_module *m = &tu->modules[tu->nmodules++];
            m->name = name;
            m->gil = gil;
            m->file = str(e, "file");
            m->line = cJSON_IsNumber(line) && line->valuedouble > 0
                          ? (uint32_t)line->valuedouble : 0;
        }
    }
    const cJSON *rules = item(facts, "enabledRules");
    int n = cJSON_IsArray(rules) ? cJSON_GetArraySize(rules) : 0;
    if (n > 0) {
        tu->rules = ftc_arena_alloc(&side->arena, (size_t)n * sizeof(char *));
        const cJSON *e;
        cJSON_ArrayForEach(e, rules) {
            if (tu->rules && cJSON_IsString(e))
                tu->rules[tu->nrules++] = e->valuestring;
        }
    }
}

static int valid_status(const char *s)
{
    return s && (strcmp(s, "analysed") == 0 || strcmp(s, "skipped") == 0 ||
                 strcmp(s, "failed") == 0);
}

static void load_sarif(ftc_side *side, const cJSON *root)
{
    const char *version = str(root, "version");
    const cJSON *runs = item(root, "runs");
    if (version == NULL || !cJSON_IsArray(runs)) {
        set_error(side, "not SARIF (no \"version\" and \"runs\")");
        return;
    }
    if (strcmp(version, "2.1.0") != 0) {
        set_error(side, "SARIF version %s; only 2.1.0 is read", version);
        return;
    }
    int nruns = cJSON_GetArraySize(runs);
    side->tus = ftc_arena_alloc(&side->arena,
                                (size_t)(nruns ? nruns : 1) *
                                    sizeof(ftc_side_tu));
    if (side->tus == NULL) {
        set_error(side, "out of memory");
        return;
    }
    size_t ri = 0, foreign = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, runs) {
        size_t this_run = ri++;
        const cJSON *driver = item(item(run, "tool"), "driver");
        const char *tool = str(driver, "name");
        const cJSON *props = item(run, "properties");
        const cJSON *facts = item(props, "ftcheck");
        if (tool == NULL || strcmp(tool, "ftcheck") != 0) {
            foreign++;
            continue;
        }
        ftc_side_tu *tu = &side->tus[side->ntus];
        memset(tu, 0, sizeof(*tu));
        if (facts == NULL && side->lenient) {
            tu->project = str(item(props, "ftcheckCollect"), "project");
        } else if (facts == NULL) {
            if (item(props, "ftcheckCollect")) {
                set_error(side, "a report merged by ftcheck-collect, not a "
                          "side file (give it as --baseline)");
                return;
            }
            warn(side, "runs[%zu]: no properties.ftcheck (TU facts); run "
                 "skipped", this_run);
            continue;
        } else {
            tu_facts(side, tu, facts);
            if (!valid_status(tu->status)) {
                warn(side, "runs[%zu]: properties.ftcheck.status is %s; run "
                     "skipped", this_run,
                     tu->status ? tu->status : "missing");
                continue;
            }
        }
        tu->driver_rules = item(driver, "rules");
        const cJSON *results = item(run, "results");
        if (results != NULL && !cJSON_IsArray(results)) {
            warn(side, "runs[%zu].results is not an array; run skipped",
                 this_run);
            continue;
        }
        int n = cJSON_GetArraySize(results);
        unsigned char *given = NULL;
        if (n > 0) {
            tu->findings = ftc_arena_alloc(&side->arena,
                                           (size_t)n * sizeof(ftc_cfinding));
            given = calloc((size_t)n, 1);
            if (tu->findings == NULL || given == NULL) {
                free(given);
                set_error(side, "out of memory");
                return;
            }
        }
        size_t idx = 0;
        const cJSON *r;
        cJSON_ArrayForEach(r, results) {
            ftc_cfinding *f = &tu->findings[tu->nfindings];
            int g = 0;
            int ok = sarif_result(side, this_run, idx++, r, f, &g);
            if (ok < 0) {
                free(given);
                set_error(side, "out of memory");
                return;
            }
            if (ok) {
                given[tu->nfindings] = (unsigned char)g;
                tu->nfindings++;
            } else {
                memset(f, 0, sizeof(*f));
            }
        }
        fingerprint_tu(side, tu, given);
        free(given);
        side->ntus++;
    }
    if (side->ntus == 0 && side->error == NULL) {
        if (foreign && foreign == (size_t)nruns)
            set_error(side, "SARIF from another tool (no ftcheck run)");
        else if (side->nwarnings)
            set_error(side, "%s", side->warnings[0]);
        else if (nruns == 0)
            set_error(side, "SARIF with no runs");
        else
            set_error(side, "no usable ftcheck run");
    }
}

/* ---- ftcheck JSON -------------------------------------------------------- */

/* The start line's text, read from the source when it is at hand, so that
 * a JSON side file fingerprints like its SARIF twin (which quotes it). */
static const char *source_line(ftc_side *side, const char *root,
                               const char *file, uint32_t line)
{
    if (root == NULL || file == NULL || line == 0 ||
        strncmp(file, "file:", 5) == 0 || strchr(file, '%'))
        return NULL;
    char *path = ftc_arena_printf(&side->arena, "%s/%s", root, file);
    FILE *fp = path ? fopen(path, "rb") : NULL;
    if (fp == NULL)
        return NULL;
    char buf[4096];
    uint32_t n = 1;
    const char *out = NULL;
    while (fgets(buf, sizeof buf, fp)) {
        size_t len = strlen(buf);
        if (n == line) {
            while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
                buf[--len] = '\0';
            size_t s = strspn(buf, " \t");
            out = ftc_arena_strdup(&side->arena, buf + s);
            break;
        }
        if (len && buf[len - 1] == '\n')
            n++;
    }
    fclose(fp);
    return out;
}

static void load_json(ftc_side *side, const cJSON *root)
{
    const cJSON *v = item(root, "version");
    if (!cJSON_IsNumber(v) || v->valuedouble != 1) {
        set_error(side, "ftcheck-json version %g; only version 1 is read",
                  cJSON_IsNumber(v) ? v->valuedouble : -1.0);
        return;
    }
    const cJSON *facts = item(root, "tu");
    const cJSON *findings = item(root, "findings");
    if (!cJSON_IsObject(facts) || !cJSON_IsArray(findings)) {
        set_error(side, "ftcheck-json without \"tu\" object and \"findings\" "
                  "array");
        return;
    }
    side->tus = ftc_arena_alloc(&side->arena, sizeof(ftc_side_tu));
    if (side->tus == NULL) {
        set_error(side, "out of memory");
        return;
    }
    ftc_side_tu *tu = side->tus;
    tu_facts(side, tu, facts);
    if (!valid_status(tu->status)) {
        set_error(side, "tu.status is %s", tu->status ? tu->status
                                                      : "missing");
        return;
    }
    int n = cJSON_GetArraySize(findings);
    if (n > 0) {
        tu->findings = ftc_arena_alloc(&side->arena,
                                       (size_t)n * sizeof(ftc_cfinding));
        if (tu->findings == NULL) {
            set_error(side, "out of memory");
            return;
        }
    }
    size_t idx = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, findings) {
        size_t i = idx++;
        ftc_cfinding *f = &tu->findings[tu->nfindings];
        f->rule = str(e, "rule");
        f->message = str(e, "message");
        f->loc.uri = str(e, "file");
        f->loc.line = num(e, "line");
        if (f->rule == NULL || f->message == NULL || f->loc.uri == NULL ||
            f->loc.line == 0) {
            warn(side, "findings[%zu]: no rule, message, file or line; "
                 "finding skipped", i);
            memset(f, 0, sizeof(*f));
            continue;
        }
        f->loc.col = num(e, "column");
        f->loc.end_line = num(e, "endLine");
        f->loc.end_col = num(e, "endColumn");
        f->level = (uint8_t)level_of(str(e, "level"));
        f->confidence = (uint8_t)conf_of(str(e, "confidence"));
        f->function = str(e, "function");
        f->suggestion = str(e, "suggestion");
        f->line_hash = str(e, "fingerprint");
        f->suppressed = (uint8_t)boolean(e, "suppressed");
        f->justification = str(e, "justification");
        f->snippet = source_line(side, tu->source_root, f->loc.uri,
                                 f->loc.line);
        const cJSON *rel = item(e, "related");
        int nr = cJSON_IsArray(rel) ? cJSON_GetArraySize(rel) : 0;
        if (nr > 0)
            f->related = ftc_arena_alloc(&side->arena,
                                         (size_t)nr * sizeof(ftc_cloc));
        const cJSON *r;
        cJSON_ArrayForEach(r, rel) {
            if (f->related == NULL)
                break;
            ftc_cloc *l = &f->related[f->nrelated];
            l->uri = str(r, "file");
            l->line = l->end_line = num(r, "line");
            l->col = l->end_col = num(r, "column");
            l->message = str(r, "message");
            if (l->uri && l->line)
                f->nrelated++;
        }
        tu->nfindings++;
    }
    fingerprint_tu(side, tu, NULL);
    side->ntus = 1;
}

/* ---- the file ------------------------------------------------------------ */

static char *read_all(ftc_side *side, size_t *len)
{
    FILE *fp = fopen(side->path, "rb");
    if (fp == NULL) {
        set_error(side, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        set_error(side, "not a regular file");
        fclose(fp);
        return NULL;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (n < cap) {
            if (ferror(fp)) {
                set_error(side, "read error: %s", strerror(errno));
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (nb == NULL)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    fclose(fp);
    if (buf == NULL && side->error == NULL)
        set_error(side, "out of memory reading it");
    *len = n;
    return buf;
}

void ftc_side_load(ftc_side *side)
{
    ftc_arena_init(&side->arena);
    size_t len = 0;
    char *buf = read_all(side, &len);
    if (buf == NULL)
        return;
    size_t ws = 0;
    while (ws < len && strchr(" \t\r\n", buf[ws]))
        ws++;
    if (ws == len) {
        set_error(side, len ? "only white space" : "empty file");
        free(buf);
        return;
    }
    if (len >= 2 && ((unsigned char)buf[0] == 0xff ||
                     (unsigned char)buf[0] == 0xfe)) {
        set_error(side, "UTF-16 text (byte order mark); side files are "
                  "UTF-8");
        free(buf);
        return;
    }
    if (memchr(buf, '\0', len)) {
        set_error(side, "binary data (a NUL byte at offset %zu)",
                  (size_t)((char *)memchr(buf, '\0', len) - buf));
        free(buf);
        return;
    }
    const char *end = NULL;
    ftc_parena_enter(&side->parena);
    side->root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    ftc_parena_leave();
    if (side->root == NULL) {
        size_t off = end && end >= buf ? (size_t)(end - buf) : 0;
        size_t line = 1;
        for (size_t i = 0; i < off && i < len; i++)
            line += buf[i] == '\n';
        /* A file that stops before its closing bracket was cut short;
         * cJSON points at the string or value left open, not the end. */
        size_t last = len;
        while (last > 0 && strchr(" \t\r\n", buf[last - 1]))
            last--;
        size_t depth = 0;
        for (size_t i = 0; i < off && i < len && depth < 1000; i++)
            depth += buf[i] == '[' || buf[i] == '{';
        if (depth >= 1000)
            set_error(side, "JSON nested deeper than 1000 levels");
        else if (last == 0 || (buf[last - 1] != '}' && buf[last - 1] != ']'))
            set_error(side, "truncated JSON (ends after %zu bytes)", len);
        else
            set_error(side, "invalid JSON at line %zu (byte %zu)", line,
                      off + 1);
        free(buf);
        return;
    }
    free(buf);
    if (!cJSON_IsObject(side->root)) {
        set_error(side, "JSON but not an object");
        return;
    }
    const char *format = str(side->root, "format");
    if (format && strcmp(format, "ftcheck-json") == 0) {
        load_json(side, side->root);
    } else if (item(side->root, "runs")) {
        side->is_sarif = 1;
        load_sarif(side, side->root);
    } else if (format && strcmp(format, "ftcheck-collect") == 0) {
        set_error(side, "a summary written by ftcheck-collect, not a side "
                  "file (give it as --baseline)");
    } else {
        set_error(side, "neither SARIF nor ftcheck-json (a foreign file)");
    }
}

void ftc_side_release(ftc_side *side)
{
    side->root = NULL;      /* its memory is the parse arena's */
    ftc_parena_release(&side->parena);
    ftc_arena_release(&side->arena);
}

/* test_sarif.c - the SARIF and JSON writers on a hand-built TU.
 *
 * Writes <argv[1]>/test_sarif/{full,skipped,failed,odd}.{sarif,json},
 * re-reads them with cJSON and checks the fields GitHub and the collector
 * rely on. The .sarif files are also what the multitool test validates. */
#define _XOPEN_SOURCE 700

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "ftc_engine.h"
#include "ftc_suppress.h"
#include "ftc_test.h"

static char outdir[PATH_MAX];

/* ---- helpers ------------------------------------------------------------- */

/* Walk a path like "runs.0.results.1.ruleId" (numbers index arrays). */
static const cJSON *get(const cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, ".")) {
        if (cJSON_IsArray(j))
            j = cJSON_GetArrayItem(j, atoi(tok));
        else
            j = cJSON_GetObjectItemCaseSensitive(j, tok);
    }
    return j;
}

static const char *str(const cJSON *j, const char *path)
{
    const cJSON *v = get(j, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *j, const char *path)
{
    const cJSON *v = get(j, path);
    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static int is_null(const cJSON *j, const char *path)
{
    return cJSON_IsNull(get(j, path));
}

static int size(const cJSON *j, const char *path)
{
    const cJSON *v = get(j, path);
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
}

static int has_string(const cJSON *arr, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return 1;
    return 0;
}

/* Valid UTF-8 throughout, as JSON requires. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2
                   : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4
                   : 0;
        if (len == 0 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

/* Write with the atomic writer, read back and parse. */
static cJSON *write_and_parse(const ftc_result *res, const char *name,
                              int (*writer)(const ftc_result *, FILE *))
{
    char path[PATH_MAX + 64], err[512];
    snprintf(path, sizeof(path), "%s/%s", outdir, name);
    int rc = ftc_write_file_atomic(path, writer, res, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "  %s\n", err);
    FTC_CHECK_INT(rc, 0);
    FILE *f = fopen(path, "rb");
    FTC_CHECK(f != NULL);
    if (f == NULL)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    FTC_CHECK(n > 0 && buf[n - 1] == '\n');
    FTC_CHECK(valid_utf8((const unsigned char *)buf, n));
    cJSON *j = cJSON_Parse(buf);
    FTC_CHECK(j != NULL);
    return j;
}

static ftc_range rng(int32_t file, uint32_t l1, uint32_t c1, uint32_t l2,
                     uint32_t c2)
{
    ftc_range r = {{file, l1, c1, 0}, {file, l2, c2, 0}};
    return r;
}

static void set_macro(ftc_tu *tu, const char *name, const char *value)
{
    ftc_macro_def *d = FTC_VEC_PUSH(&tu->macro_defs);
    if (d) {
        d->name = name;
        d->defined = 1;
        d->value = value;
        d->loc.file = -1;
    }
}

/* ---- the TU -------------------------------------------------------------- */

static const char mod_c[] =
    "#include <Python.h>\n"                                          /* 1 */
    "#include \"helper.h\"\n"                                        /* 2 */
    "static PyObject *cache; // ftcheck: ignore[static-global] set once\n"
    "static PyObject *\n"                                            /* 4 */
    "get(PyObject *l)\n"                                             /* 5 */
    "{\n"                                                            /* 6 */
    "    /* \xc3\xa9\xf0\x9f\x98\x80 */ PyObject *x = PyList_GetItem(l, 0);\n"
    "    return x;\n"                                                /* 8 */
    "}\n";                                                           /* 9 */

static const char helper_h[] = "static int counter;\n";

static ftc_config cfg;
static char root[PATH_MAX + 16];

static ftc_tu *make_tu(void)
{
    ftc_tu *tu = ftc_tu_new();
    if (tu == NULL)
        return NULL;
    tu->working_dir = root;
    tu->output_file = "build/mod.o";
    tu->clang_version = "19.1.7";
    tu->includes_python = 1;
    tu->has_errors = 1;
    int32_t m = ftc_tu_add_file(tu, "src/mod.c", FTC_FILE_PROJECT, 1, -1);
    int32_t py = ftc_tu_add_file(tu, "/usr/include/python3.13/Python.h",
                                 FTC_FILE_PYTHON_ENTRY, 0, m);
    int32_t h = ftc_tu_add_file(tu, "src/helper.h", FTC_FILE_PROJECT, 0, m);
    (void)py;
    tu->main_file = tu->files.items[m].path;
    tu->files.items[m].content = mod_c;
    tu->files.items[m].content_len = sizeof(mod_c) - 1;
    tu->files.items[h].content = helper_h;
    tu->files.items[h].content_len = sizeof(helper_h) - 1;
    set_macro(tu, "PY_VERSION_HEX", "0x030D00F0");
    set_macro(tu, "Py_GIL_DISABLED", "1");
    return tu;
}

/* Byte column of the first occurrence of needle on line `line` of text. */
static uint32_t col_of(const char *text, unsigned line, const char *needle)
{
    const char *p = text;
    for (unsigned l = 1; l < line; l++)
        p = strchr(p, '\n') + 1;
    return (uint32_t)(strstr(p, needle) - p) + 1;
}

static void fill_report(ftc_report *r)
{
    uint32_t c = col_of(mod_c, 7, "PyList_GetItem");  /* byte 32 */
    ftc_finding *f = ftc_report_add(
        r, "borrowed-ref", FTC_LEVEL_WARNING, FTC_LIKELY,
        rng(0, 7, c, 7, c + 14),
        "'PyList_GetItem' returns a borrowed reference to an item of a list "
        "another thread may change");
    if (f) {
        f->function = "get";
        ftc_finding_relate(r, f, rng(0, 5, 15, 5, 16), "the list is %s",
                           "this parameter");
        ftc_finding_relate(r, f, rng(1, 1, 1, 1, 1), "%s", "");
        ftc_finding_fixit(r, f, rng(0, 7, c, 7, c + 14), "PyList_GetItemRef");
        ftc_finding_fixit(r, f, rng(0, 8, 5, 8, 5), "Py_XDECREF(x); ");
        ftc_finding_suggest(r, f, "use %s and release the reference",
                            "PyList_GetItemRef");
    }
    f = ftc_report_add(r, "static-global", FTC_LEVEL_WARNING, FTC_CERTAIN,
                       rng(0, 3, 1, 3, 24), "mutable global '%s'", "cache");
    /* An empty range in a header, and a rule the registry lacks. */
    f = ftc_report_add(r, "static-global", FTC_LEVEL_ERROR, FTC_CERTAIN,
                       rng(2, 1, 12, 1, 12), "mutable global 'counter'");
    f = ftc_report_add(r, "no-such-rule", FTC_LEVEL_NOTE, FTC_CERTAIN,
                       rng(-1, 0, 0, 0, 0), "a finding without a place");
    ftc_report_notify(r, FTC_LEVEL_WARNING, "unreadable-file",
                      "could not read %s.", "src/gone.h");
}

/* ---- checks -------------------------------------------------------------- */

static void check_rules(const cJSON *s)
{
    const cJSON *rules = get(s, "runs.0.tool.driver.rules");
    FTC_CHECK_INT(cJSON_GetArraySize(rules), (int)ftc_check_count);
    for (size_t i = 0; i < ftc_check_count; i++) {
        const cJSON *rule = cJSON_GetArrayItem(rules, (int)i);
        const ftc_check *c = ftc_checks[i];
        FTC_CHECK_STR(str(rule, "id"), c->id);
        FTC_CHECK(str(rule, "shortDescription.text") != NULL);
        FTC_CHECK(str(rule, "fullDescription.text") != NULL);
        FTC_CHECK(str(rule, "help.text") != NULL);
        FTC_CHECK_STR(str(rule, "defaultConfiguration.level"),
                      ftc_level_name(c->default_level));
        FTC_CHECK_STR(str(rule, "properties.precision"),
                      ftc_precision_name(c->precision));
        const char *sev = str(rule, "properties.problem.severity");
        FTC_CHECK(sev == NULL);  /* the key has a dot: read it whole */
        const cJSON *props = get(rule, "properties");
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props,
                                                           "problem.severity");
        FTC_CHECK(cJSON_IsString(ps));
        FTC_CHECK(cJSON_GetObjectItemCaseSensitive(props,
                                                   "security-severity") ==
                  NULL);
        FTC_CHECK(has_string(get(rule, "properties.tags"), "free-threading"));
        char uri[256];
        snprintf(uri, sizeof(uri), "%s/blob/main/docs/checks/%s.md",
                 FTC_INFORMATION_URI, c->id);
        FTC_CHECK_STR(str(rule, "helpUri"), uri);
    }
}

static void check_full_sarif(const cJSON *s, ftc_tu *tu)
{
    char want[PATH_MAX + 32];
    FTC_CHECK_STR(str(s, "$schema"),
                  "https://json.schemastore.org/sarif-2.1.0.json");
    FTC_CHECK_STR(str(s, "version"), "2.1.0");
    FTC_CHECK_INT(size(s, "runs"), 1);
    FTC_CHECK_STR(str(s, "runs.0.tool.driver.name"), "ftcheck");
    FTC_CHECK_STR(str(s, "runs.0.tool.driver.version"), FTC_VERSION);
    FTC_CHECK_STR(str(s, "runs.0.tool.driver.semanticVersion"), FTC_VERSION);
    FTC_CHECK_STR(str(s, "runs.0.tool.driver.informationUri"),
                  FTC_INFORMATION_URI);
    check_rules(s);
    FTC_CHECK_STR(str(s, "runs.0.columnKind"), "utf16CodeUnits");
    FTC_CHECK_STR(str(s, "runs.0.automationDetails.id"),
                  "ftcheck/demo/mod.c");
    const cJSON *bases = get(s, "runs.0.originalUriBaseIds");
    snprintf(want, sizeof(want), "file://%s/", root);
    FTC_CHECK_STR(str(cJSON_GetObjectItemCaseSensitive(bases, "%SRCROOT%"),
                      "uri"), want);
    FTC_CHECK_STR(str(s, "runs.0.invocations.0.workingDirectory.uri"), want);

    /* Artifacts: the main file first; the header; Python.h only if named. */
    FTC_CHECK_STR(str(s, "runs.0.artifacts.0.location.uri"), "src/mod.c");
    FTC_CHECK_STR(str(s, "runs.0.artifacts.0.location.uriBaseId"),
                  "%SRCROOT%");
    FTC_CHECK(has_string(get(s, "runs.0.artifacts.0.roles"),
                         "analysisTarget"));
    FTC_CHECK(has_string(get(s, "runs.0.artifacts.0.roles"), "resultFile"));
    FTC_CHECK_INT(num(s, "runs.0.artifacts.0.length"), sizeof(mod_c) - 1);

    /* Every finding is a result, suppressed ones included. */
    FTC_CHECK_INT(size(s, "runs.0.results"), 4);
    const cJSON *r = get(s, "runs.0.results.0");
    FTC_CHECK_STR(str(r, "ruleId"), "borrowed-ref");
    /* ruleIndex points into rules[], and only at a registered rule. */
    if (ftc_check_index("borrowed-ref") >= 0)
        FTC_CHECK_INT(num(r, "ruleIndex"), ftc_check_index("borrowed-ref"));
    else
        FTC_CHECK(get(r, "ruleIndex") == NULL);
    FTC_CHECK_STR(str(r, "level"), "warning");
    FTC_CHECK(strncmp(str(r, "message.text") ? str(r, "message.text") : "",
                      "'PyList_GetItem' returns", 24) == 0);
    const cJSON *pl = get(r, "locations.0.physicalLocation");
    FTC_CHECK_STR(str(pl, "artifactLocation.uri"), "src/mod.c");
    FTC_CHECK_STR(str(pl, "artifactLocation.uriBaseId"), "%SRCROOT%");
    FTC_CHECK_INT(num(pl, "artifactLocation.index"), 0);
    /* Byte column 32 follows "é" (2 bytes, 1 unit) and an emoji (4 bytes,
     * 2 units): UTF-16 column 29. */
    FTC_CHECK_INT(col_of(mod_c, 7, "PyList_GetItem"), 32);
    FTC_CHECK_INT(num(pl, "region.startLine"), 7);
    FTC_CHECK_INT(num(pl, "region.startColumn"), 29);
    FTC_CHECK_INT(num(pl, "region.endLine"), 7);
    FTC_CHECK_INT(num(pl, "region.endColumn"), 43);
    FTC_CHECK_STR(str(pl, "region.snippet.text"),
                  "/* \xc3\xa9\xf0\x9f\x98\x80 */ PyObject *x = "
                  "PyList_GetItem(l, 0);");
    FTC_CHECK_STR(str(r, "locations.0.logicalLocations.0.name"), "get");
    FTC_CHECK_STR(str(r, "locations.0.logicalLocations.0.kind"), "function");

    ftc_arena a;
    unsigned n;
    ftc_arena_init(&a);
    char **hashes = ftc_line_hashes(&a, mod_c, sizeof(mod_c) - 1, &n);
    FTC_CHECK(hashes != NULL && n == 10);
    if (hashes)
        FTC_CHECK_STR(str(r, "partialFingerprints.primaryLocationLineHash"),
                      hashes[6]);

    FTC_CHECK_INT(size(r, "relatedLocations"), 2);
    FTC_CHECK_INT(num(r, "relatedLocations.0.id"), 1);
    FTC_CHECK_STR(str(r, "relatedLocations.0.message.text"),
                  "the list is this parameter");
    FTC_CHECK_INT(num(r, "relatedLocations.0.physicalLocation.region."
                         "startLine"), 5);
    /* Related location in Python.h: absolute URI, a message regardless. */
    FTC_CHECK_STR(str(r, "relatedLocations.1.physicalLocation."
                         "artifactLocation.uri"),
                  "file:///usr/include/python3.13/Python.h");
    FTC_CHECK(get(r, "relatedLocations.1.physicalLocation.artifactLocation."
                     "uriBaseId") == NULL);
    FTC_CHECK(str(r, "relatedLocations.1.message.text") != NULL &&
              str(r, "relatedLocations.1.message.text")[0] != '\0');
    FTC_CHECK_INT(num(r, "relatedLocations.1.physicalLocation.region."
                         "endColumn"), 2);

    const cJSON *rep = get(r, "fixes.0.artifactChanges.0.replacements");
    FTC_CHECK_INT(size(r, "fixes.0.artifactChanges"), 1);
    FTC_CHECK_INT(cJSON_GetArraySize(rep), 2);
    FTC_CHECK_STR(str(rep, "0.insertedContent.text"), "PyList_GetItemRef");
    FTC_CHECK_INT(num(rep, "0.deletedRegion.startColumn"), 29);
    FTC_CHECK_INT(num(rep, "0.deletedRegion.endColumn"), 43);
    /* An insertion stays an empty region. */
    FTC_CHECK_INT(num(rep, "1.deletedRegion.startColumn"), 5);
    FTC_CHECK_INT(num(rep, "1.deletedRegion.endColumn"), 5);
    FTC_CHECK_STR(str(r, "properties.confidence"), "likely");
    FTC_CHECK_STR(str(r, "properties.suggestion"),
                  "use PyList_GetItemRef and release the reference");
    FTC_CHECK(get(r, "suppressions") == NULL);

    r = get(s, "runs.0.results.1");
    FTC_CHECK_STR(str(r, "ruleId"), "static-global");
    FTC_CHECK_STR(str(r, "suppressions.0.kind"), "inSource");
    FTC_CHECK_STR(str(r, "suppressions.0.justification"), "set once");
    FTC_CHECK_STR(str(r, "properties.confidence"), "certain");
    if (hashes)
        FTC_CHECK_STR(str(r, "partialFingerprints.primaryLocationLineHash"),
                      hashes[2]);

    /* The empty range is widened to one column. */
    r = get(s, "runs.0.results.2");
    FTC_CHECK_STR(str(r, "level"), "error");
    pl = get(r, "locations.0.physicalLocation");
    FTC_CHECK_STR(str(pl, "artifactLocation.uri"), "src/helper.h");
    FTC_CHECK_INT(num(pl, "region.startColumn"), 12);
    FTC_CHECK_INT(num(pl, "region.endColumn"), 13);
    FTC_CHECK(has_string(get(s, "runs.0.artifacts.2.roles"), "resultFile") ||
              has_string(get(s, "runs.0.artifacts.1.roles"), "resultFile"));
    int idx = (int)num(pl, "artifactLocation.index");
    char path[64];
    snprintf(path, sizeof(path), "runs.0.artifacts.%d.location.uri", idx);
    FTC_CHECK_STR(str(s, path), "src/helper.h");

    /* No file: pinned to the main file's first line; no rule index. */
    r = get(s, "runs.0.results.3");
    FTC_CHECK_STR(str(r, "ruleId"), "no-such-rule");
    FTC_CHECK(get(r, "ruleIndex") == NULL);
    FTC_CHECK_INT(num(r, "locations.0.physicalLocation.region.startLine"), 1);

    /* Notifications: the report's, then analysis-incomplete. */
    const cJSON *inv = get(s, "runs.0.invocations.0");
    FTC_CHECK(cJSON_IsTrue(get(inv, "executionSuccessful")));
    FTC_CHECK_INT(size(inv, "toolExecutionNotifications"), 2);
    FTC_CHECK_STR(str(inv, "toolExecutionNotifications.0.descriptor.id"),
                  "unreadable-file");
    FTC_CHECK_STR(str(inv, "toolExecutionNotifications.1.descriptor.id"),
                  "analysis-incomplete");
    FTC_CHECK_STR(str(inv, "toolExecutionNotifications.1.level"), "warning");
    /* missing-mod-gil is disabled in cfg. */
    if (ftc_check_index("missing-mod-gil") >= 0) {
        FTC_CHECK_STR(str(inv, "ruleConfigurationOverrides.0.descriptor.id"),
                      "missing-mod-gil");
        FTC_CHECK(cJSON_IsFalse(get(inv, "ruleConfigurationOverrides.0."
                                         "configuration.enabled")));
    }

    const cJSON *facts = get(s, "runs.0.properties.ftcheck");
    FTC_CHECK_STR(str(facts, "status"), "analysed");
    FTC_CHECK(is_null(facts, "skipReason"));
    FTC_CHECK_STR(str(facts, "project"), "demo");
    FTC_CHECK_STR(str(facts, "mainFile"), "src/mod.c");
    FTC_CHECK_STR(str(facts, "outputFile"), "build/mod.o");
    uint32_t hex = ftc_tu_python_version(tu);
    if (hex) {
        char buf[32];
        snprintf(buf, sizeof(buf), "0x%08x", (unsigned)hex);
        FTC_CHECK_STR(str(facts, "pythonVersionHex"), buf);
        snprintf(buf, sizeof(buf), "%u.%u", (unsigned)(hex >> 24),
                 (unsigned)(hex >> 16 & 0xFF));
        FTC_CHECK_STR(str(facts, "pythonVersion"), buf);
        if (hex == 0x030D00F0)
            FTC_CHECK_STR(str(facts, "pythonVersionHex"), "0x030d00f0");
    } else {
        FTC_CHECK(is_null(facts, "pythonVersionHex"));
        FTC_CHECK(is_null(facts, "pythonVersion"));
    }
    FTC_CHECK(cJSON_IsBool(get(facts, "gilDisabled")));
    FTC_CHECK_INT(cJSON_IsTrue(get(facts, "gilDisabled")),
                  ftc_tu_gil_disabled(tu) != 0);
    FTC_CHECK_STR(str(facts, "clangVersion"), "19.1.7");
    FTC_CHECK(cJSON_IsFalse(get(facts, "cplusplus")));
    FTC_CHECK(cJSON_IsTrue(get(facts, "hasErrors")));
    FTC_CHECK_INT(num(facts, "analysisSeconds") * 1000, 250);
    ftc_arena_release(&a);
}

static void check_full_json(const cJSON *j, const cJSON *s)
{
    FTC_CHECK_STR(str(j, "format"), "ftcheck-json");
    FTC_CHECK_INT(num(j, "version"), 1);
    FTC_CHECK_STR(str(j, "tool.name"), "ftcheck");
    FTC_CHECK_STR(str(j, "tool.version"), FTC_VERSION);
    /* The same facts as the SARIF run's properties. */
    char *a = cJSON_PrintUnformatted(get(j, "tu"));
    char *b = cJSON_PrintUnformatted(get(s, "runs.0.properties.ftcheck"));
    FTC_CHECK(a && b && strcmp(a, b) == 0);
    cJSON_free(a);
    cJSON_free(b);
    FTC_CHECK_INT(size(j, "notifications"), 2);
    FTC_CHECK_STR(str(j, "notifications.1.id"), "analysis-incomplete");

    FTC_CHECK_INT(size(j, "findings"), 4);
    const cJSON *f = get(j, "findings.0");
    FTC_CHECK_STR(str(f, "rule"), "borrowed-ref");
    FTC_CHECK_STR(str(f, "level"), "warning");
    FTC_CHECK_STR(str(f, "confidence"), "likely");
    FTC_CHECK_STR(str(f, "file"), "src/mod.c");
    FTC_CHECK_STR(str(f, "path"), "src/mod.c");
    FTC_CHECK_INT(num(f, "line"), 7);
    FTC_CHECK_INT(num(f, "column"), 32);   /* bytes, as the IR has them */
    FTC_CHECK_INT(num(f, "endLine"), 7);
    FTC_CHECK_INT(num(f, "endColumn"), 46);
    FTC_CHECK_STR(str(f, "function"), "get");
    FTC_CHECK_STR(str(f, "fingerprint"),
                  str(s, "runs.0.results.0.partialFingerprints."
                         "primaryLocationLineHash"));
    FTC_CHECK_INT(size(f, "related"), 2);
    FTC_CHECK_STR(str(f, "related.0.message"), "the list is this parameter");
    FTC_CHECK_INT(num(f, "related.0.line"), 5);
    FTC_CHECK_STR(str(f, "related.1.file"),
                  "file:///usr/include/python3.13/Python.h");
    FTC_CHECK_INT(size(f, "fixits"), 2);
    FTC_CHECK_STR(str(f, "fixits.1.text"), "Py_XDECREF(x); ");
    FTC_CHECK_INT(num(f, "fixits.1.column"), 5);
    FTC_CHECK_INT(num(f, "fixits.1.endColumn"), 5);
    FTC_CHECK(cJSON_IsFalse(get(f, "suppressed")));
    FTC_CHECK(is_null(f, "justification"));

    f = get(j, "findings.1");
    FTC_CHECK(cJSON_IsTrue(get(f, "suppressed")));
    FTC_CHECK_STR(str(f, "justification"), "set once");
    FTC_CHECK(is_null(f, "function"));
    FTC_CHECK(is_null(f, "suggestion"));

    f = get(j, "findings.3");
    FTC_CHECK(is_null(f, "file"));
    FTC_CHECK(is_null(f, "fingerprint"));
}

static void test_full(void)
{
    ftc_tu *tu = make_tu();
    FTC_CHECK(tu != NULL);
    if (tu == NULL)
        return;
    ftc_result res;
    memset(&res, 0, sizeof(res));
    res.cfg = &cfg;
    res.tu = tu;
    res.status = FTC_STATUS_ANALYSED;
    res.seconds = 0.25;
    ftc_report_init(&res.report, &tu->arena);
    fill_report(&res.report);
    ftc_apply_suppressions(tu, &res.report);

    cJSON *s = write_and_parse(&res, "full.sarif", ftc_write_sarif);
    cJSON *j = write_and_parse(&res, "full.json", ftc_write_json);
    if (s)
        check_full_sarif(s, tu);
    if (s && j)
        check_full_json(j, s);
    cJSON_Delete(s);
    cJSON_Delete(j);

    /* The same TU skipped: no results, a note saying why. */
    ftc_result skipped = res;
    ftc_report_init(&skipped.report, &tu->arena);
    skipped.status = FTC_STATUS_SKIPPED;
    skipped.skip_reason = "the translation unit does not include Python.h";
    tu->has_errors = 0;
    s = write_and_parse(&skipped, "skipped.sarif", ftc_write_sarif);
    j = write_and_parse(&skipped, "skipped.json", ftc_write_json);
    if (s) {
        FTC_CHECK_INT(size(s, "runs.0.results"), 0);
        const cJSON *inv = get(s, "runs.0.invocations.0");
        FTC_CHECK(cJSON_IsTrue(get(inv, "executionSuccessful")));
        FTC_CHECK_STR(str(inv, "toolExecutionNotifications.0.level"),
                      "note");
        FTC_CHECK_STR(str(inv, "toolExecutionNotifications.0.message.text"),
                      "skipped: the translation unit does not include "
                      "Python.h");
        FTC_CHECK_STR(str(s, "runs.0.properties.ftcheck.status"), "skipped");
        FTC_CHECK_STR(str(s, "runs.0.properties.ftcheck.skipReason"),
                      skipped.skip_reason);
        FTC_CHECK_STR(str(s, "runs.0.artifacts.0.location.uri"),
                      "src/mod.c");
    }
    if (j) {
        FTC_CHECK_INT(size(j, "findings"), 0);
        FTC_CHECK_STR(str(j, "tu.status"), "skipped");
        FTC_CHECK_STR(str(j, "notifications.0.id"), "skipped");
    }
    cJSON_Delete(s);
    cJSON_Delete(j);
    ftc_report_release(&skipped.report);

    /* Failed: the invocation did not succeed. */
    ftc_result failed = res;
    ftc_report_init(&failed.report, &tu->arena);
    failed.status = FTC_STATUS_FAILED;
    ftc_report_notify(&failed.report, FTC_LEVEL_ERROR, "internal-error",
                      "ftcheck failed inside check %s.", "borrowed-ref");
    s = write_and_parse(&failed, "failed.sarif", ftc_write_sarif);
    if (s) {
        FTC_CHECK(cJSON_IsFalse(get(s, "runs.0.invocations.0."
                                       "executionSuccessful")));
        FTC_CHECK_STR(str(s, "runs.0.properties.ftcheck.status"), "failed");
    }
    cJSON_Delete(s);
    /* An error notification alone also fails the invocation. */
    failed.status = FTC_STATUS_ANALYSED;
    s = write_and_parse(&failed, "failed2.sarif", ftc_write_sarif);
    if (s)
        FTC_CHECK(cJSON_IsFalse(get(s, "runs.0.invocations.0."
                                       "executionSuccessful")));
    cJSON_Delete(s);
    ftc_report_release(&failed.report);

    ftc_report_release(&res.report);
    ftc_tu_free(tu);
}

/* Odd input: nothing known, bad UTF-8, lines past the end. */
static void test_odd(void)
{
    ftc_tu *tu = ftc_tu_new();
    FTC_CHECK(tu != NULL);
    if (tu == NULL)
        return;
    ftc_config none;
    memset(&none, 0, sizeof(none));
    ftc_result res;
    memset(&res, 0, sizeof(res));
    res.cfg = &none;
    res.tu = tu;
    ftc_report_init(&res.report, &tu->arena);

    /* No files at all. */
    cJSON *s = write_and_parse(&res, "empty.sarif", ftc_write_sarif);
    cJSON *j = write_and_parse(&res, "empty.json", ftc_write_json);
    if (s) {
        FTC_CHECK_INT(size(s, "runs.0.results"), 0);
        FTC_CHECK_STR(str(s, "runs.0.automationDetails.id"),
                      "ftcheck/default/unknown");
        FTC_CHECK(is_null(s, "runs.0.properties.ftcheck.project"));
    }
    cJSON_Delete(s);
    cJSON_Delete(j);

    static const char bad[] = "int \xff\xfe x;\r\n\0\0;\r\xe2\x82";
    int32_t m = ftc_tu_add_file(tu, "/nonexistent-dir/\xff bad name.c",
                                FTC_FILE_PROJECT, 1, -1);
    tu->main_file = tu->files.items[m].path;
    tu->files.items[m].content = bad;
    tu->files.items[m].content_len = sizeof(bad) - 1;
    int32_t nc = ftc_tu_add_file(tu, "nocontent.h", FTC_FILE_PROJECT, 0, m);
    ftc_finding *f = ftc_report_add(&res.report, "borrowed-ref",
                                    FTC_LEVEL_WARNING, FTC_CERTAIN,
                                    rng(m, 1, 5, 1, 7), "bad \xc3 byte");
    if (f) {
        f->function = "f\xff";
        ftc_finding_relate(&res.report, f, rng(m, 99, 1, 99, 3), "past %s",
                           "the end");
        ftc_finding_fixit(&res.report, f, rng(m, 3, 200, 2, 1), "\xff");
    }
    ftc_report_add(&res.report, "static-global", FTC_LEVEL_NOTE,
                   FTC_CERTAIN, rng(m, 1000, 3, 1000, 1), "past the end");
    ftc_report_add(&res.report, "static-global", FTC_LEVEL_NOTE,
                   FTC_CERTAIN, rng(nc, 4, 9, 2, 1), "%s", "");
    ftc_report_add(&res.report, "static-global", FTC_LEVEL_NOTE,
                   FTC_CERTAIN, rng(m, 2, 1, 2, 3), "line 2");
    ftc_report_add(&res.report, "static-global", FTC_LEVEL_NOTE,
                   FTC_CERTAIN, rng(m, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                    UINT32_MAX), "huge");
    ftc_apply_suppressions(tu, &res.report);

    s = write_and_parse(&res, "odd.sarif", ftc_write_sarif);
    j = write_and_parse(&res, "odd.json", ftc_write_json);
    if (s) {
        const cJSON *r = get(s, "runs.0.results");
        FTC_CHECK_INT(cJSON_GetArraySize(r), 5);
        FTC_CHECK_STR(str(r, "0.message.text"), "bad \xef\xbf\xbd byte");
        /* "\xff\xfe" before column 5: each one unit. */
        FTC_CHECK_INT(num(r, "0.locations.0.physicalLocation.region."
                             "startColumn"), 5);
        FTC_CHECK(str(r, "0.partialFingerprints.primaryLocationLineHash"));
        FTC_CHECK(str(r, "1.partialFingerprints.primaryLocationLineHash") ==
                  NULL);
        /* An end before the start becomes a one-column range. */
        FTC_CHECK_INT(num(r, "2.locations.0.physicalLocation.region."
                             "endLine"), 4);
        FTC_CHECK_INT(num(r, "2.locations.0.physicalLocation.region."
                             "endColumn"), 10);
        FTC_CHECK(str(r, "2.message.text") && str(r, "2.message.text")[0]);
        FTC_CHECK_STR(str(r, "3.locations.0.physicalLocation.region."
                             "snippet.text"), "\xef\xbf\xbd\xef\xbf\xbd;");
        FTC_CHECK_STR(str(s, "runs.0.artifacts.0.location.uri"),
                      "file:///nonexistent-dir/%FF%20bad%20name.c");
        /* Lines and columns stay within a signed 32-bit integer. */
        FTC_CHECK_INT(num(r, "4.locations.0.physicalLocation.region."
                             "startLine"), 2147483646);
        FTC_CHECK_INT(num(r, "4.locations.0.physicalLocation.region."
                             "endColumn"), 2147483647);
    }
    if (j) {
        FTC_CHECK_STR(str(j, "findings.0.function"), "f\xef\xbf\xbd");
        FTC_CHECK_STR(str(j, "findings.0.path"),
                      "/nonexistent-dir/\xef\xbf\xbd bad name.c");
        FTC_CHECK_INT(num(j, "findings.1.line"), 1000);
    }
    cJSON_Delete(s);
    cJSON_Delete(j);

    /* No cfg, NULL arguments. */
    res.cfg = NULL;
    s = write_and_parse(&res, "nocfg.sarif", ftc_write_sarif);
    cJSON_Delete(s);
    FTC_CHECK_INT(ftc_write_sarif(NULL, stdout), -1);
    FTC_CHECK_INT(ftc_write_json(&res, NULL), -1);

    ftc_report_release(&res.report);
    ftc_tu_free(tu);
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp";
    snprintf(outdir, sizeof(outdir), "%s/test_sarif", base);
    /* The source root: a directory that exists, so realpath applies. */
    snprintf(root, sizeof(root), "%s/root", outdir);
    mkdir(base, 0777);
    mkdir(outdir, 0777);
    mkdir(root, 0777);
    char *real = realpath(root, NULL);
    if (real) {
        snprintf(root, sizeof(root), "%s", real);
        free(real);
    }

    memset(&cfg, 0, sizeof(cfg));
    cfg.project = "demo";
    cfg.source_root = root;
    for (size_t i = 0; i < ftc_check_count && i < FTC_MAX_CHECKS; i++)
        cfg.enabled[i] = strcmp(ftc_checks[i]->id, "missing-mod-gil") != 0;

    test_full();
    test_odd();
    FTC_TEST_EXIT();
}

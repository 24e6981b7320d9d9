/* config.c - plugin arguments and FTCHECK_* environment variables. */
#include "ftc_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftc_check.h"

static const char ARGS_HELP[] =
    "ftcheck: free-threading checks for CPython extensions\n"
    "\n"
    "Arguments (-fplugin-arg-ftcheck-NAME[=VALUE]):\n"
    "  checks=LIST          comma list of checks; 'all'; '-ID' turns one off\n"
    "  sarif=FILE           write this TU's SARIF 2.1.0 to FILE\n"
    "  json=FILE            write this TU's ftcheck JSON to FILE\n"
    "  output-dir=DIR       one SARIF side file per TU in DIR (unique names)\n"
    "  project=NAME         project name recorded in side files\n"
    "  source-root=DIR      make SARIF paths relative to DIR (%SRCROOT%)\n"
    "  diagnostics=MODE     warning (default), remark (keeps -Werror green), off\n"
    "  lock-functions=LIST  the project's own lock functions, ACQUIRE:RELEASE,...\n"
    "  no-suppress          report findings that comments suppress\n"
    "  profile              print the time lowering and each check took\n"
    "  dump-ir              print the IR the checks see (for developing checks)\n"
    "  help                 print this text\n"
    "\n"
    "Environment (arguments override it):\n"
    "  FTCHECK_CHECKS FTCHECK_OUTPUT_DIR FTCHECK_PROJECT FTCHECK_SOURCE_ROOT\n"
    "  FTCHECK_DIAGNOSTICS FTCHECK_LOCK_FUNCTIONS\n"
    "\n"
    "Checks:\n";

static const char *const ARG_NAMES =
    "checks, sarif, json, output-dir, project, source-root, diagnostics, lock-functions, "
    "no-suppress, profile, dump-ir, help";

static char help_text[4096];

const char *ftc_config_help(void)
{
    if (help_text[0])
        return help_text;
    size_t n = (size_t)snprintf(help_text, sizeof(help_text), "%s", ARGS_HELP);
    for (size_t i = 0; i < ftc_check_count && n < sizeof(help_text); i++)
        n += (size_t)snprintf(help_text + n, sizeof(help_text) - n,
                              "  %-20s %s\n", ftc_checks[i]->id,
                              ftc_checks[i]->short_description);
    return help_text;
}

static void list_checks(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ftc_check_count && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              ftc_checks[i]->id);
}

void ftc_config_init(ftc_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < ftc_check_count && i < FTC_MAX_CHECKS; i++)
        cfg->enabled[i] = 1;
    cfg->diagnostics = FTC_DIAG_WARNING;
}

/* checks=LIST. A list that starts with a check's name selects only the
 * named checks; one that starts with 'all' or '-ID' edits the defaults. */
static int parse_checks(ftc_config *cfg, const char *list, const char *origin)
{
    unsigned char enabled[FTC_MAX_CHECKS];
    memcpy(enabled, cfg->enabled, sizeof(enabled));
    int first = 1;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        char name[128];
        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        if (n > 0) {
            int off = name[0] == '-';
            const char *id = name + off;
            if (strcmp(id, "all") == 0) {
                memset(enabled, !off, sizeof(enabled));
            } else {
                int idx = ftc_check_index(id);
                if (idx < 0) {
                    char valid[512];
                    list_checks(valid, sizeof(valid));
                    snprintf(cfg->error, sizeof(cfg->error),
                             "%s: unknown check '%s'; valid checks: all, %s",
                             origin, id, valid);
                    return -1;
                }
                if (first && !off)
                    memset(enabled, 0, sizeof(enabled));
                enabled[idx] = !off;
            }
            first = 0;
        }
        p += n;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
    }
    memcpy(cfg->enabled, enabled, sizeof(enabled));
    return 0;
}

static int parse_diagnostics(ftc_config *cfg, const char *v, const char *origin)
{
    if (strcmp(v, "warning") == 0)
        cfg->diagnostics = FTC_DIAG_WARNING;
    else if (strcmp(v, "remark") == 0)
        cfg->diagnostics = FTC_DIAG_REMARK;
    else if (strcmp(v, "off") == 0)
        cfg->diagnostics = FTC_DIAG_OFF;
    else {
        snprintf(cfg->error, sizeof(cfg->error),
                 "%s: unknown value '%s'; valid values: warning, remark, off",
                 origin, v);
        return -1;
    }
    return 0;
}

/* "acquire:release[,acquire:release...]", every name an identifier. */
static int parse_lock_functions(ftc_config *cfg, const char *v, const char *origin)
{
    int pairs = 0;
    for (const char *p = v; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        int ok = colon && colon > p && colon < p + n - 1 &&
                 memchr(colon + 1, ':', (size_t)(p + n - colon - 1)) == NULL;
        for (const char *c = p; ok && c < p + n; c++)
            ok = *c == ':' || *c == '_' || (*c >= 'a' && *c <= 'z') ||
                 (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
        if (!ok) {
            snprintf(cfg->error, sizeof(cfg->error),
                     "%s: '%.*s' is not ACQUIRE:RELEASE (two function names); "
                     "example: lock-functions=my_lock:my_unlock,db_enter:db_leave",
                     origin, (int)n, p);
            return -1;
        }
        pairs++;
        p = end ? end + 1 : p + n;
    }
    if (pairs == 0) {
        snprintf(cfg->error, sizeof(cfg->error),
                 "%s: empty; give ACQUIRE:RELEASE pairs, comma-separated", origin);
        return -1;
    }
    cfg->lock_functions = v;
    return 0;
}

static int need_value(ftc_config *cfg, const char *name, const char *v)
{
    if (v && *v)
        return 0;
    snprintf(cfg->error, sizeof(cfg->error),
             "-fplugin-arg-ftcheck-%s needs a value: -fplugin-arg-ftcheck-%s=...",
             name, name);
    return -1;
}

int ftc_config_arg(ftc_config *cfg, const char *arg)
{
    char name[64];
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    if (n >= sizeof(name))
        n = sizeof(name) - 1;
    memcpy(name, arg, n);
    name[n] = '\0';
    const char *v = eq ? eq + 1 : NULL;

    const char *const *path_slot = NULL;
    if (strcmp(name, "checks") == 0) {
        if (need_value(cfg, name, v))
            return -1;
        return parse_checks(cfg, v, "-fplugin-arg-ftcheck-checks");
    }
    if (strcmp(name, "diagnostics") == 0) {
        if (need_value(cfg, name, v))
            return -1;
        return parse_diagnostics(cfg, v, "-fplugin-arg-ftcheck-diagnostics");
    }
    if (strcmp(name, "lock-functions") == 0) {
        if (need_value(cfg, name, v))
            return -1;
        return parse_lock_functions(cfg, v, "-fplugin-arg-ftcheck-lock-functions");
    }
    if (strcmp(name, "no-suppress") == 0 && !v) {
        cfg->no_suppress = 1;
        return 0;
    }
    if (strcmp(name, "help") == 0 && !v) {
        cfg->help = 1;
        return 0;
    }
    if (strcmp(name, "debug-crash") == 0 && !v) {  /* undocumented test hook */
        cfg->debug_crash = 1;
        return 0;
    }
    if (strcmp(name, "dump-ir") == 0 && !v) {      /* for developing checks */
        cfg->dump_ir = 1;
        return 0;
    }
    if (strcmp(name, "profile") == 0 && !v) {
        cfg->profile = 1;
        return 0;
    }
    if (strcmp(name, "sarif") == 0)
        path_slot = &cfg->sarif_path;
    else if (strcmp(name, "json") == 0)
        path_slot = &cfg->json_path;
    else if (strcmp(name, "output-dir") == 0)
        path_slot = &cfg->output_dir;
    else if (strcmp(name, "project") == 0)
        path_slot = &cfg->project;
    else if (strcmp(name, "source-root") == 0)
        path_slot = &cfg->source_root;
    if (path_slot) {
        if (need_value(cfg, name, v))
            return -1;
        *(const char **)path_slot = v;
        return 0;
    }
    snprintf(cfg->error, sizeof(cfg->error),
             "unknown argument -fplugin-arg-ftcheck-%s; valid arguments: %s "
             "(-fplugin-arg-ftcheck-help explains them)",
             arg, ARG_NAMES);
    return -1;
}

int ftc_config_env(ftc_config *cfg)
{
    const char *v;
    if ((v = getenv("FTCHECK_CHECKS")) && *v &&
        parse_checks(cfg, v, "FTCHECK_CHECKS") < 0)
        return -1;
    if ((v = getenv("FTCHECK_DIAGNOSTICS")) && *v &&
        parse_diagnostics(cfg, v, "FTCHECK_DIAGNOSTICS") < 0)
        return -1;
    if ((v = getenv("FTCHECK_LOCK_FUNCTIONS")) && *v &&
        parse_lock_functions(cfg, v, "FTCHECK_LOCK_FUNCTIONS") < 0)
        return -1;
    if ((v = getenv("FTCHECK_OUTPUT_DIR")) && *v)
        cfg->output_dir = v;
    if ((v = getenv("FTCHECK_PROJECT")) && *v)
        cfg->project = v;
    if ((v = getenv("FTCHECK_SOURCE_ROOT")) && *v)
        cfg->source_root = v;
    return 0;
}

unsigned ftc_config_needs(const ftc_config *cfg)
{
    unsigned needs = 0;
    for (size_t i = 0; i < ftc_check_count && i < FTC_MAX_CHECKS; i++)
        if (cfg->enabled[i])
            needs |= ftc_checks[i]->needs;
    return needs;
}

void ftc_config_watched_macros(const ftc_config *cfg,
                               void (*f)(const char *name, void *ctx),
                               void *ctx)
{
    /* Every check and every side file reads the Python version and the
     * build flavour (see ftc_tu_python_version). */
    static const char *const base[] = {
        "PY_VERSION_HEX", "PY_MAJOR_VERSION", "PY_MINOR_VERSION",
        "PY_MICRO_VERSION", "PY_RELEASE_LEVEL", "PY_RELEASE_SERIAL",
        "Py_GIL_DISABLED"};
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
        f(base[i], ctx);
    for (size_t i = 0; i < ftc_check_count && i < FTC_MAX_CHECKS; i++) {
        const char *const *m = ftc_checks[i]->watched_macros;
        if (!cfg->enabled[i] || m == NULL)
            continue;
        for (; *m; m++)
            f(*m, ctx);
    }
}

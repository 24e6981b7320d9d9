/* out_flat.c - one line (or object) per finding: CSV, GitHub workflow
 * commands, GitLab Code Quality, compiler-style text. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

/* A SARIF uri as a path: percent-decoded; file:// URIs lose the scheme. */
static void put_path(FILE *out, const char *uri, void (*put)(FILE *, int))
{
    const char *p = uri;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    for (; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%' && p[1] && p[2]) {
            char hex[3] = {p[1], p[2], 0};
            char *end;
            long v = strtol(hex, &end, 16);
            if (*end == '\0' && v > 0) {
                c = (int)v;
                p += 2;
            }
        }
        put(out, c);
    }
}

static void raw(FILE *out, int c)
{
    putc_unlocked(c, out);
}

/* ---- CSV ------------------------------------------------------------------ */

int ftc_emit_csv(const ftc_store *s, FILE *out)
{
    fputs("project,rule,level,confidence,state,suppressed,file,line,column,"
          "function,message,fingerprint,line_hash,translation_units\r\n", out);
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        const char *st = f->state ? ftc_bstate_str(f->state) : "";
        ftc_put_csv(out, f->project);
        putc(',', out);
        ftc_put_csv(out, f->rule);
        fprintf(out, ",%s,%s,%s,%s,", ftc_level_str(f->level),
                ftc_conf_str(f->confidence), st, f->suppressed ? "yes" : "no");
        ftc_put_csv(out, f->loc.uri);
        fprintf(out, ",%u,%u,", f->loc.line, f->loc.col);
        ftc_put_csv(out, f->function);
        putc(',', out);
        ftc_put_csv(out, f->message);
        putc(',', out);
        ftc_put_fp(out, f->fp);
        putc(',', out);
        ftc_put_csv(out, f->line_hash);
        fprintf(out, ",%u\r\n", f->tus);
    }
    return 0;
}

/* ---- GitHub workflow commands -------------------------------------------- */

static void gh_data(FILE *out, int c)
{
    if (c == '%')
        fputs("%25", out);
    else if (c == '\r')
        fputs("%0D", out);
    else if (c == '\n')
        fputs("%0A", out);
    else
        putc_unlocked(c, out);
}

static void gh_prop(FILE *out, int c)
{
    if (c == ':')
        fputs("%3A", out);
    else if (c == ',')
        fputs("%2C", out);
    else
        gh_data(out, c);
}

static void gh_str(FILE *out, const char *s, void (*put)(FILE *, int))
{
    for (const char *p = s; *p; p++)
        put(out, (unsigned char)*p);
}

/* Open findings; with a baseline only the new ones, which are what a pull
 * request added. */
int ftc_emit_github(const ftc_store *s, FILE *out)
{
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (!ftc_is_open(f) || (s->have_baseline && f->state != FTC_BS_NEW))
            continue;
        const char *cmd = f->level == FTC_LVL_ERROR ? "error"
                        : f->level == FTC_LVL_WARNING ? "warning" : "notice";
        fprintf(out, "::%s file=", cmd);
        put_path(out, f->loc.uri, gh_prop);
        fprintf(out, ",line=%u,col=%u", f->loc.line, f->loc.col ? f->loc.col
                                                                : 1);
        if (f->loc.end_line >= f->loc.line)
            fprintf(out, ",endLine=%u", f->loc.end_line);
        fputs(",title=", out);
        gh_str(out, "ftcheck ", gh_prop);
        gh_str(out, f->rule, gh_prop);
        fputs("::", out);
        gh_str(out, f->message, gh_data);
        if (f->suggestion) {
            gh_str(out, "\n", gh_data);
            gh_str(out, f->suggestion, gh_data);
        }
        putc('\n', out);
    }
    return 0;
}

/* ---- GitLab Code Quality ------------------------------------------------- */

static void json_path_char(FILE *out, int c)
{
    char s[2] = {(char)c, 0};
    if (c == '"' || c == '\\' || c < 0x20) {
        fprintf(out, "\\u%04x", c);
        return;
    }
    fputs(s, out);
}

int ftc_emit_gitlab(const ftc_store *s, FILE *out)
{
    putc('[', out);
    int first = 1;
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (!ftc_is_open(f))
            continue;
        const char *sev = f->level == FTC_LVL_ERROR ? "critical"
                        : f->level == FTC_LVL_WARNING ? "major" : "minor";
        fputs(first ? "\n{\"description\":" : ",\n{\"description\":", out);
        first = 0;
        ftc_put_json_str(out, f->message);
        fputs(",\"check_name\":", out);
        ftc_put_json_str(out, f->rule);
        /* Unique over the whole report: fingerprints repeat per project. */
        fputs(",\"fingerprint\":\"", out);
        ftc_put_fp(out, ftc_hash_str(f->fp, f->project));
        fprintf(out, "\",\"severity\":\"%s\",\"location\":{\"path\":\"", sev);
        put_path(out, f->loc.uri, json_path_char);
        fprintf(out, "\",\"lines\":{\"begin\":%u,\"end\":%u}}}", f->loc.line,
                f->loc.end_line >= f->loc.line ? f->loc.end_line
                                               : f->loc.line);
    }
    fputs("\n]\n", out);
    return 0;
}

/* ---- compiler-style text -------------------------------------------------- */

int ftc_emit_text(const ftc_store *s, FILE *out)
{
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (!ftc_is_open(f))
            continue;
        put_path(out, f->loc.uri, raw);
        fprintf(out, ":%u:%u: %s: %s [ftcheck:%s]", f->loc.line,
                f->loc.col ? f->loc.col : 1, ftc_level_str(f->level),
                f->message, f->rule);
        if (f->state == FTC_BS_NEW)
            fputs(" (new)", out);
        putc('\n', out);
        for (uint32_t r = 0; r < f->nrelated; r++) {
            const ftc_cloc *l = &f->related[r];
            put_path(out, l->uri, raw);
            fprintf(out, ":%u:%u: note: %s\n", l->line, l->col ? l->col : 1,
                    l->message ? l->message : "related location");
        }
        if (f->suggestion) {
            put_path(out, f->loc.uri, raw);
            fprintf(out, ":%u:%u: note: %s\n", f->loc.line,
                    f->loc.col ? f->loc.col : 1, f->suggestion);
        }
    }
    return 0;
}

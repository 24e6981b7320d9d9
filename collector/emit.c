/* emit.c - escaping for each output format, and atomic output files.
 *
 * The writers stream text instead of building cJSON trees: a million
 * results as a tree would cost gigabytes and most of the run time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || (n == 3 && c > 0xef))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (c == 0xe0 && s[1] < 0xa0)
        return 0;
    if (c == 0xed && s[1] > 0x9f)   /* surrogates */
        return 0;
    if (c == 0xf0 && s[1] < 0x90)
        return 0;
    if (c == 0xf4 && s[1] > 0x8f)
        return 0;
    return n;
}

/* Characters that need no escape, copied in runs: most text is plain. */
static int plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void ftc_put_json_str(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    putc_unlocked('"', out);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        while (plain(*p))
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        unsigned char c = *p;
        if (c == '\0')
            break;
        if (c == '"' || c == '\\') {
            putc_unlocked('\\', out);
            putc_unlocked(c, out);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default: fprintf(out, "\\u%04x", c); break;
            }
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fputs("\xef\xbf\xbd", out);  /* U+FFFD */
                p++;
            } else {
                fwrite(p, 1, n, out);
                p += n;
            }
        }
    }
    putc_unlocked('"', out);
}

void ftc_put_html(FILE *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: putc_unlocked(*p, out);
        }
    }
}

void ftc_put_csv(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    /* A leading = + - @ would run as a formula in a spreadsheet. */
    int quote = strpbrk(s, ",\"\r\n") != NULL || strchr("=+-@", s[0]);
    if (!quote) {
        fputs(s, out);
        return;
    }
    putc_unlocked('"', out);
    if (s[0] && strchr("=+-@", s[0]))
        putc_unlocked('\'', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc_unlocked('"', out);
        putc_unlocked(*p, out);
    }
    putc_unlocked('"', out);
}

void ftc_put_md(FILE *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '|' || *p == '\\' || *p == '`' || *p == '*' || *p == '_' ||
            *p == '<' || *p == '[' || *p == ']')
            putc_unlocked('\\', out);
        putc_unlocked(*p == '\n' || *p == '\r' ? ' ' : *p, out);
    }
}

void ftc_put_fp(FILE *out, uint64_t fp)
{
    fprintf(out, "%016llx", (unsigned long long)fp);
}

int ftc_write_output(const char *path, int (*emit)(const ftc_store *, FILE *),
                     const ftc_store *s, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0) {
        int rc = emit(s, stdout);
        if (fflush(stdout) != 0 || rc != 0) {
            snprintf(err, errlen, "cannot write to standard output");
            return -1;
        }
        return 0;
    }
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *out = fopen(tmp, "wb");
    if (out == NULL) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    /* Outputs are written on several threads: a buffer each. */
    char *buf = malloc(1 << 18);
    if (buf)
        setvbuf(out, buf, _IOFBF, 1 << 18);
    int rc = emit(s, out);
    if (ferror(out))
        rc = -1;
    if (fclose(out) != 0)
        rc = -1;
    free(buf);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path,
                 errno ? strerror(errno) : "error");
        remove(tmp);
    }
    free(tmp);
    return rc;
}

/* suppress.c - in-source suppression comments, see ftc_suppress.h.
 *
 * Only comment text counts: a directive in a string literal or in code is
 * not one. A comment on the line above a finding counts only when the
 * comment is all that line holds, so a trailing comment on one statement
 * never silences the statement below it. */
#include "ftc_suppress.h"
#include "lines.h"

#include <stdlib.h>
#include <string.h>

typedef struct span {
    const char *s;
    const char *e;
} span;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

static int is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static const char *skip_spaces(const char *p, const char *e)
{
    while (p < e && is_space(*p))
        p++;
    return p;
}

/* Does [p, e) start with word (ASCII case-insensitive), not followed by
 * another word character? Returns the end of the word or NULL. */
static const char *match_word(const char *p, const char *e, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(e - p) < n)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return NULL;
    }
    if (p + n < e && is_word(p[n]))
        return NULL;
    return p + n;
}

static span trim(const char *s, const char *e)
{
    while (s < e && is_space(*s))
        s++;
    while (e > s && is_space(e[-1]))
        e--;
    return (span){s, e};
}

static int span_is(span sp, const char *rule)
{
    size_t n = strlen(rule);
    return (size_t)(sp.e - sp.s) == n && memcmp(sp.s, rule, n) == 0;
}

static int justify(ftc_arena *a, span j, const char **justification)
{
    *justification = a ? ftc_arena_strndup(a, j.s, (size_t)(j.e - j.s)) : NULL;
    if (*justification == NULL)
        *justification = "";
    return 1;
}

/* Look for a directive in one comment's text [p, e). */
static int comment_suppresses(ftc_arena *a, const char *p, const char *e,
                              const char *rule, const char **justification)
{
    for (const char *q = p; q < e; q++) {
        /* A directive word starts a word of the comment. */
        if (q > p && is_word(q[-1]))
            continue;
        const char *r;
        if ((r = match_word(q, e, "ftcheck")) != NULL) {
            r = skip_spaces(r, e);
            if (r >= e || *r != ':')
                continue;
            r = match_word(skip_spaces(r + 1, e), e, "ignore");
            if (r == NULL)
                continue;
            const char *after = skip_spaces(r, e);
            int hit = 1;  /* no list: every rule */
            if (after < e && *after == '[') {
                const char *close = memchr(after, ']', (size_t)(e - after));
                if (close == NULL)
                    continue;  /* malformed: suppress nothing */
                hit = 0;
                for (const char *s = after + 1; s < close;) {
                    const char *c = memchr(s, ',', (size_t)(close - s));
                    if (c == NULL)
                        c = close;
                    if (span_is(trim(s, c), rule))
                        hit = 1;
                    s = c + 1;
                }
                r = close + 1;
            }
            if (!hit)
                continue;
            return justify(a, trim(r, e), justification);
        }
        if ((r = match_word(q, e, "noqa")) != NULL) {
            r = skip_spaces(r, e);
            if (r >= e || *r != ':')
                continue;
            /* flake8 style: one or more codes, comma-separated. */
            int hit = 0;
            r = skip_spaces(r + 1, e);
            for (;;) {
                const char *w = r;
                while (r < e && is_word(*r))
                    r++;
                if (r == w)
                    break;
                if (span_is((span){w, r}, "borrowed-ref") &&
                    strcmp(rule, "borrowed-ref") == 0)
                    hit = 1;
                const char *n = skip_spaces(r, e);
                if (n >= e || *n != ',')
                    break;
                r = skip_spaces(n + 1, e);
            }
            if (!hit)
                continue;
            return justify(a, trim(r, e), justification);
        }
    }
    return 0;
}

/* Walk the comments of one line [s, e). A line that begins inside a block
 * comment opened higher up does not count: only comments that start on
 * the line are read. */
static int line_suppresses(ftc_arena *a, const char *s, const char *e,
                           const char *rule, int comment_only,
                           const char **justification)
{
    const char *p = s;
    char quote = 0;
    while (p < e) {
        char c = *p;
        if (quote) {
            if (c == '\\' && p + 1 < e)
                p += 2;
            else {
                if (c == quote)
                    quote = 0;
                p++;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            p++;
            continue;
        }
        if (c == '/' && p + 1 < e && (p[1] == '/' || p[1] == '*')) {
            int block = p[1] == '*';
            if (comment_only && skip_spaces(s, p) != p)
                return 0;
            const char *body = p + 2, *end = e, *next = e;
            if (block) {
                for (const char *q = body; q + 1 < e; q++) {
                    if (q[0] == '*' && q[1] == '/') {
                        end = q;
                        next = q + 2;
                        break;
                    }
                }
            }
            if (comment_suppresses(a, body, end, rule, justification))
                return 1;
            p = next;
            continue;
        }
        p++;
    }
    return 0;
}

int ftc_line_suppresses(ftc_arena *a, const char *content, size_t len,
                        unsigned line, const char *rule,
                        const char **justification)
{
    const char *s, *e, *dummy;
    unsigned n;
    if (rule == NULL || content == NULL)
        return 0;
    size_t *starts = ftc_line_starts(content, len, &n);
    int hit = ftc_line_span(starts, n, content, line, &s, &e) &&
              line_suppresses(a, s, e, rule, 0,
                              justification ? justification : &dummy);
    free(starts);
    return hit;
}

/* Line starts of one file, built once for all its findings. */
typedef struct line_index {
    int built;
    size_t *starts;
    unsigned n;
} line_index;

void ftc_apply_suppressions(const ftc_tu *tu, ftc_report *r)
{
    if (tu == NULL || r == NULL || r->findings.count == 0)
        return;
    size_t nfiles = tu->files.count;
    line_index *ix = calloc(nfiles ? nfiles : 1, sizeof(*ix));
    if (ix == NULL)
        return;
    for (size_t i = 0; i < r->findings.count; i++) {
        ftc_finding *f = &r->findings.items[i];
        int32_t file = f->range.begin.file;
        if (f->rule == NULL || file < 0 || (size_t)file >= nfiles)
            continue;
        const ftc_file *fl = &tu->files.items[file];
        if (fl->content == NULL)
            continue;
        if (!ix[file].built) {
            ix[file].built = 1;
            ix[file].starts = ftc_line_starts(fl->content, fl->content_len,
                                              &ix[file].n);
        }
        unsigned line = f->range.begin.line;
        const char *s, *e, *just = NULL;
        int hit = 0;
        if (ftc_line_span(ix[file].starts, ix[file].n, fl->content, line, &s,
                          &e))
            hit = line_suppresses(r->arena, s, e, f->rule, 0, &just);
        if (!hit && line > 1 &&
            ftc_line_span(ix[file].starts, ix[file].n, fl->content, line - 1,
                          &s, &e))
            hit = line_suppresses(r->arena, s, e, f->rule, 1, &just);
        if (hit) {
            f->suppressed = 1;
            f->justification = just ? just : "";
        }
    }
    for (size_t i = 0; i < nfiles; i++)
        free(ix[i].starts);
    free(ix);
}

/* linehash.c - GitHub's primaryLocationLineHash, computed offline.
 *
 * A bit-for-bit port of hash() in github/codeql-action src/fingerprints.ts,
 * so that SARIF uploaded through the REST API carries the same fingerprints
 * the upload-sarif action would compute, and alerts are not duplicated.
 *
 * The action reads the file as UTF-8 text and hashes JavaScript string
 * characters, i.e. UTF-16 code units; we decode the same way, including
 * Node's (WHATWG) replacement of each ill-formed subsequence by U+FFFD. */
#include "ftc_engine.h"
#include "lines.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 100
#define MOD 37u
#define EOF_CHAR 65535u

/* How often each hash value has been output: an open-addressing set. */
typedef struct hash_count {
    uint64_t key;
    unsigned count;
    int used;
} hash_count;

typedef struct hasher {
    uint32_t window[BLOCK_SIZE];
    int64_t line_numbers[BLOCK_SIZE];  /* line starting in the slot, or -1 */
    uint64_t hash;
    uint64_t first_mod;
    unsigned index;
    int64_t line_number;
    int line_start;
    int prev_cr;
    /* Output, in line order (outputs always come in line order). */
    uint64_t *values;
    unsigned *counts;
    size_t nvalues, cap;
    hash_count *table;
    size_t table_cap, table_used;
    int failed;
} hasher;

static unsigned *count_slot(hasher *h, uint64_t key)
{
    if ((h->table_used + 1) * 2 > h->table_cap) {
        size_t ncap = h->table_cap ? h->table_cap * 2 : 64;
        hash_count *nt = calloc(ncap, sizeof(*nt));
        if (nt == NULL)
            return NULL;
        for (size_t i = 0; i < h->table_cap; i++) {
            if (!h->table[i].used)
                continue;
            size_t j = (size_t)(h->table[i].key * 0x9e3779b97f4a7c15u) &
                       (ncap - 1);
            while (nt[j].used)
                j = (j + 1) & (ncap - 1);
            nt[j] = h->table[i];
        }
        free(h->table);
        h->table = nt;
        h->table_cap = ncap;
    }
    size_t j = (size_t)(key * 0x9e3779b97f4a7c15u) & (h->table_cap - 1);
    while (h->table[j].used && h->table[j].key != key)
        j = (j + 1) & (h->table_cap - 1);
    if (!h->table[j].used) {
        h->table[j].used = 1;
        h->table[j].key = key;
        h->table_used++;
    }
    return &h->table[j].count;
}

static void output_hash(hasher *h)
{
    if (h->failed)
        return;
    if (h->nvalues == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 256;
        uint64_t *v = realloc(h->values, ncap * sizeof(*v));
        if (v == NULL) {
            h->failed = 1;
            return;
        }
        h->values = v;
        unsigned *c = realloc(h->counts, ncap * sizeof(*c));
        if (c == NULL) {
            h->failed = 1;
            return;
        }
        h->counts = c;
        h->cap = ncap;
    }
    unsigned *count = count_slot(h, h->hash);
    if (count == NULL) {
        h->failed = 1;
        return;
    }
    ++*count;
    h->values[h->nvalues] = h->hash;
    h->counts[h->nvalues] = *count;
    h->nvalues++;
    h->line_numbers[h->index] = -1;
}

/* Unsigned arithmetic wraps exactly like the signed Long of the original. */
static void update_hash(hasher *h, uint32_t current)
{
    uint32_t begin = h->window[h->index];
    h->window[h->index] = current;
    h->hash = MOD * h->hash + current - h->first_mod * begin;
    h->index = (h->index + 1) % BLOCK_SIZE;
}

static void process_char(hasher *h, uint32_t current)
{
    if (current == ' ' || current == '\t' || (h->prev_cr && current == '\n')) {
        h->prev_cr = 0;
        return;
    }
    if (current == '\r') {
        current = '\n';
        h->prev_cr = 1;
    } else {
        h->prev_cr = 0;
    }
    if (h->line_numbers[h->index] != -1)
        output_hash(h);
    if (h->line_start) {
        h->line_start = 0;
        h->line_number++;
        h->line_numbers[h->index] = h->line_number;
    }
    if (current == '\n')
        h->line_start = 1;
    update_hash(h, current);
}

/* Feed one code point as UTF-16 code units. */
static void process_code_point(hasher *h, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        process_char(h, 0xD800 + (cp >> 10));
        process_char(h, 0xDC00 + (cp & 0x3FF));
    } else {
        process_char(h, cp);
    }
}

/* The WHATWG UTF-8 decoder (Encoding Standard, 4.1), which Node follows:
 * every maximal ill-formed subsequence becomes one U+FFFD. */
static void process_utf8(hasher *h, const unsigned char *s, size_t len)
{
    uint32_t cp = 0;
    unsigned needed = 0, seen = 0;
    unsigned char lower = 0x80, upper = 0xBF;
    size_t i = 0;

    while (i < len) {
        unsigned char b = s[i];
        if (needed == 0) {
            i++;
            if (b <= 0x7F) {
                process_char(h, b);
            } else if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
                cp = b & 0x1Fu;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (b == 0xE0)
                    lower = 0xA0;
                if (b == 0xED)
                    upper = 0x9F;
                needed = 2;
                cp = b & 0xFu;
            } else if (b >= 0xF0 && b <= 0xF4) {
                if (b == 0xF0)
                    lower = 0x90;
                if (b == 0xF4)
                    upper = 0x8F;
                needed = 3;
                cp = b & 0x7u;
            } else {
                process_char(h, 0xFFFD);
            }
            continue;
        }
        if (b < lower || b > upper) {
            /* Not consumed: it starts the next sequence. */
            cp = 0;
            needed = seen = 0;
            lower = 0x80;
            upper = 0xBF;
            process_char(h, 0xFFFD);
            continue;
        }
        i++;
        lower = 0x80;
        upper = 0xBF;
        cp = (cp << 6) | (b & 0x3Fu);
        if (++seen == needed) {
            process_code_point(h, cp);
            cp = 0;
            needed = seen = 0;
        }
    }
    if (needed != 0)
        process_char(h, 0xFFFD);
}

char **ftc_line_hashes(ftc_arena *a, const char *content, size_t len,
                       unsigned *nlines)
{
    hasher *h = calloc(1, sizeof(*h));
    char **result = NULL;

    if (nlines)
        *nlines = 0;
    if (h == NULL)
        return NULL;
    if (content == NULL)
        len = 0;
    h->first_mod = 1;
    for (int i = 0; i < BLOCK_SIZE; i++) {
        h->first_mod *= MOD;
        h->line_numbers[i] = -1;
    }
    h->line_start = 1;

    process_utf8(h, (const unsigned char *)content, len);
    process_char(h, EOF_CHAR);
    for (int i = 0; i < BLOCK_SIZE; i++) {
        if (h->line_numbers[h->index] != -1)
            output_hash(h);
        update_hash(h, 0);
    }

    /* Every line is output exactly once, so nvalues is the line count. */
    if (!h->failed && h->nvalues == (size_t)h->line_number &&
        h->nvalues <= (size_t)UINT32_MAX) {
        result = ftc_arena_alloc(a, h->nvalues * sizeof(*result));
        for (size_t i = 0; result && i < h->nvalues; i++) {
            char buf[48];
            snprintf(buf, sizeof(buf), "%llx:%u",
                     (unsigned long long)h->values[i], h->counts[i]);
            result[i] = ftc_arena_strdup(a, buf);
            if (result[i] == NULL)
                result = NULL;
        }
        if (result && nlines)
            *nlines = (unsigned)h->nvalues;
    }
    free(h->values);
    free(h->counts);
    free(h->table);
    free(h);
    return result;
}

/* ---- line starts (lines.h) ----------------------------------------------- */

static int ends_line(const char *c, size_t len, size_t i)
{
    return c[i] == '\n' || (c[i] == '\r' && !(i + 1 < len && c[i + 1] == '\n'));
}

size_t *ftc_line_starts(const char *content, size_t len, unsigned *nlines)
{
    if (content == NULL)
        len = 0;
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += ends_line(content, len, i);
    *nlines = 0;
    if (count >= UINT32_MAX)
        return NULL;
    size_t *starts = malloc((count + 1) * sizeof(*starts));
    if (starts == NULL)
        return NULL;
    size_t n = 0;
    starts[n++] = 0;
    for (size_t i = 0; i < len; i++)
        if (ends_line(content, len, i))
            starts[n++] = i + 1;
    starts[n] = len + 1;
    *nlines = (unsigned)count;
    return starts;
}

int ftc_line_span(const size_t *starts, unsigned nlines, const char *content,
                  unsigned line, const char **s, const char **e)
{
    if (starts == NULL || content == NULL || line == 0 || line > nlines)
        return 0;
    const char *p = content + starts[line - 1];
    const char *q = content + starts[line] - 1;  /* the terminator, or EOF */
    if (line < nlines && q > p && q[-1] == '\r' && *q == '\n')
        q--;
    *s = p;
    *e = q;
    return 1;
}

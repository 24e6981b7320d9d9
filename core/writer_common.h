/* writer_common.h - what the SARIF and JSON writers share (internal).
 *
 * Both formats name files the same way, fingerprint the same lines and
 * carry the same facts about the TU, so a collector can read either and a
 * reader can move between them. The path helpers live in paths.c, the rest
 * in json_writer.c (the JSON format defines the facts SARIF embeds). */
#ifndef FTC_WRITER_COMMON_H
#define FTC_WRITER_COMMON_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "ftc_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- paths (paths.c) -------------------------------------------------- */

/* path made absolute against working_dir (or the current directory) with
 * "." and ".." folded and repeated slashes collapsed; no symlinks touched. */
char *ftc_path_absolute(ftc_arena *a, const char *path,
                        const char *working_dir);
/* ftc_path_absolute(), then realpath() when the file exists: the form
 * GitHub wants ("symlinks must be resolved"). */
char *ftc_path_resolved(ftc_arena *a, const char *path,
                        const char *working_dir);
/* Percent-encode a path for a URI (RFC 3986 pchar plus '/'). A relative
 * reference also encodes ':' so its first segment cannot read as a scheme. */
char *ftc_uri_encode_path(ftc_arena *a, const char *path, int relative);
/* "file:///abs/dir/" for a directory (always ends in '/'). */
char *ftc_dir_uri(ftc_arena *a, const char *abs_dir);

/* ---- one write (json_writer.c) ------------------------------------------ */

/* What a writer knows about one file of the TU, computed on first use. */
typedef struct ftc_wfile {
    const char *uri;        /* artifact URI, see ftc_artifact_uri() */
    int relative;           /* uri is relative to %SRCROOT% */
    int artifact;           /* index in run.artifacts, -1 until referenced */
    int hashed;             /* hashes below are computed (may be NULL) */
    char **hashes;          /* primaryLocationLineHash per line */
    unsigned nhashes;
    int indexed;            /* line_starts below are computed */
    size_t *line_starts;    /* byte offset of each line, Clang's numbering */
    unsigned nlines;
} ftc_wfile;

typedef struct ftc_wctx {
    const ftc_result *res;
    const ftc_tu *tu;
    ftc_arena arena;        /* scratch for this write only */
    const char *working_dir;  /* absolute */
    const char *source_root;  /* absolute, resolved */
    ftc_wfile *files;       /* one per tu->files.items */
    size_t nfiles;
    ftc_notification *notes;  /* report's notifications + synthesised ones */
    size_t nnotes;
    int failed;             /* out of memory somewhere: the write fails */
} ftc_wctx;

int ftc_wctx_init(ftc_wctx *w, const ftc_result *res);
void ftc_wctx_release(ftc_wctx *w);

/* The file, or NULL when the index is out of range. */
ftc_wfile *ftc_wctx_file(ftc_wctx *w, int32_t file);
/* The file's content, or NULL when unknown. */
const ftc_file *ftc_wctx_ir_file(ftc_wctx *w, int32_t file);
/* Line `line` (1-based) of a file with content, without its terminator;
 * 0 when there is no such line. */
int ftc_wctx_line(ftc_wctx *w, int32_t file, uint32_t line,
                  const char **text, size_t *len);
/* primaryLocationLineHash of the line, NULL when the content is unknown. */
const char *ftc_wctx_line_hash(ftc_wctx *w, int32_t file, uint32_t line);
/* The main file's index, -1 if there is none. */
int32_t ftc_wctx_main_file(const ftc_wctx *w);
/* Whether the run went well: not FAILED and no error notification. */
int ftc_wctx_successful(const ftc_wctx *w);

/* ---- JSON building ------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 when it
 * is ill-formed or a NUL. */
size_t ftc_utf8_len(const unsigned char *s, size_t n);
/* The len bytes at s (no NUL needed) as a valid UTF-8 string: ill-formed
 * bytes and NULs become U+FFFD. NULL stays NULL. */
const char *ftc_wctx_text(ftc_wctx *w, const char *s, size_t len);
/* The same for a C string; s itself when it is already valid. */
const char *ftc_wctx_cstr(ftc_wctx *w, const char *s);
/* Attach item to an object (key) or an array (key NULL); a NULL item or a
 * failed attach sets w->failed. Returns item, or NULL. */
cJSON *ftc_json_add(ftc_wctx *w, cJSON *parent, const char *key, cJSON *item);
/* Convenience adders: NULL strings become JSON null. */
cJSON *ftc_json_str(ftc_wctx *w, cJSON *parent, const char *key,
                    const char *s);
cJSON *ftc_json_num(ftc_wctx *w, cJSON *parent, const char *key, double v);
cJSON *ftc_json_bool(ftc_wctx *w, cJSON *parent, const char *key, int v);
cJSON *ftc_json_obj(ftc_wctx *w, cJSON *parent, const char *key);
cJSON *ftc_json_arr(ftc_wctx *w, cJSON *parent, const char *key);

/* The facts object both formats carry ("tu" in JSON, run.properties.ftcheck
 * in SARIF). */
cJSON *ftc_tu_facts_json(ftc_wctx *w);

/* Print root compactly with a final newline; -1 with errno on failure. */
int ftc_json_print(ftc_wctx *w, cJSON *root, FILE *out);

#ifdef __cplusplus
}
#endif
#endif

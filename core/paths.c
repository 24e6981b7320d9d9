/* paths.c - where things go: absolute paths, artifact URIs, side-file names
 * and the atomic write that puts a side file there. */
#define _XOPEN_SOURCE 700  /* realpath, O_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writer_common.h"

/* The current directory in the arena, "/" if it cannot be had (a deleted
 * directory must not stop the compile). */
static char *current_dir(ftc_arena *a)
{
    size_t size = 256;
    for (;;) {
        char *buf = malloc(size);
        if (buf == NULL)
            return NULL;
        if (getcwd(buf, size) != NULL) {
            char *d = ftc_arena_strdup(a, buf);
            free(buf);
            return d;
        }
        int errnum = errno;
        free(buf);
        if (errnum != ERANGE || size > (1u << 20))
            return ftc_arena_strdup(a, "/");
        size *= 2;
    }
}

char *ftc_path_absolute(ftc_arena *a, const char *path,
                        const char *working_dir)
{
    const char *base = "";
    if (path == NULL)
        path = "";
    if (path[0] != '/') {
        if (working_dir && working_dir[0] == '/')
            base = working_dir;
        else {
            /* A relative working_dir is itself relative to the cwd. */
            char *cwd = current_dir(a);
            if (cwd == NULL)
                return NULL;
            base = working_dir && working_dir[0]
                       ? ftc_arena_printf(a, "%s/%s", cwd, working_dir)
                       : cwd;
            if (base == NULL)
                return NULL;
        }
    }

    size_t blen = strlen(base), plen = strlen(path);
    char *out = ftc_arena_alloc(a, blen + plen + 3);
    if (out == NULL)
        return NULL;
    /* Fold the components of base, then of path, into out. */
    size_t n = 0;
    const char *parts[2] = {base, path};
    for (int k = 0; k < 2; k++) {
        const char *s = parts[k];
        while (*s) {
            while (*s == '/')
                s++;
            const char *e = s;
            while (*e && *e != '/')
                e++;
            size_t len = (size_t)(e - s);
            if (len == 0 || (len == 1 && s[0] == '.')) {
                /* nothing */
            } else if (len == 2 && s[0] == '.' && s[1] == '.') {
                while (n > 0 && out[n - 1] != '/')
                    n--;
                if (n > 0)
                    n--;  /* the slash; "/.." stays "/" */
            } else {
                out[n++] = '/';
                memcpy(out + n, s, len);
                n += len;
            }
            s = e;
        }
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return out;
}

char *ftc_path_resolved(ftc_arena *a, const char *path,
                        const char *working_dir)
{
    char *abs = ftc_path_absolute(a, path, working_dir);
    if (abs == NULL)
        return NULL;
    char *real = realpath(abs, NULL);
    if (real == NULL)
        return abs;  /* not there (yet): the lexical form will do */
    char *r = ftc_arena_strdup(a, real);
    free(real);
    return r ? r : abs;
}

static int uri_keeps(unsigned char c, int relative)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return 1;
    if (c == ':')
        return !relative;
    return c != '\0' && strchr("-._~/!$&'()*+,;=@", c) != NULL;
}

char *ftc_uri_encode_path(ftc_arena *a, const char *path, int relative)
{
    static const char hex[] = "0123456789ABCDEF";
    if (path == NULL)
        return NULL;
    size_t len = strlen(path);
    char *out = ftc_arena_alloc(a, len * 3 + 1);
    if (out == NULL)
        return NULL;
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (uri_keeps(*p, relative)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

char *ftc_dir_uri(ftc_arena *a, const char *abs_dir)
{
    char *enc = ftc_uri_encode_path(a, abs_dir ? abs_dir : "/", 0);
    if (enc == NULL)
        return NULL;
    size_t len = strlen(enc);
    return ftc_arena_printf(a, "file://%s%s", enc,
                            len && enc[len - 1] == '/' ? "" : "/");
}

char *ftc_artifact_uri(ftc_arena *a, const char *path, const char *source_root,
                       const char *working_dir, int *relative)
{
    if (relative)
        *relative = 0;
    char *abs = ftc_path_resolved(a, path, working_dir);
    if (abs == NULL)
        return NULL;
    if (source_root && source_root[0]) {
        char *root = ftc_path_resolved(a, source_root, working_dir);
        if (root == NULL)
            return NULL;
        size_t rlen = strlen(root);
        if (rlen == 1)  /* the root is "/": everything is under it */
            rlen = 0;
        if (strncmp(abs, root, rlen) == 0 && abs[rlen] == '/' &&
            abs[rlen + 1] != '\0') {
            if (relative)
                *relative = 1;
            return ftc_uri_encode_path(a, abs + rlen + 1, 1);
        }
    }
    char *enc = ftc_uri_encode_path(a, abs, 0);
    return enc ? ftc_arena_printf(a, "file://%s", enc) : NULL;
}

/* ---- side-file names ---------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3u;
    }
    return h;
}

char *ftc_side_file_name(ftc_arena *a, const char *dir, const ftc_tu *tu,
                         const char *ext)
{
    const char *main_file = tu && tu->main_file ? tu->main_file : "";
    const char *wd = tu ? tu->working_dir : NULL;
    char *main_abs = ftc_path_absolute(a, main_file, wd);
    char *obj_abs = tu && tu->output_file && tu->output_file[0]
                        ? ftc_path_absolute(a, tu->output_file, wd)
                        : "";
    if (main_abs == NULL || obj_abs == NULL)
        return NULL;
    uint64_t h = fnv1a(0xcbf29ce484222325u, main_abs);
    h = fnv1a(h, "\n");
    h = fnv1a(h, obj_abs);

    const char *base = strrchr(main_file, '/');
    base = base ? base + 1 : main_file;
    if (base[0] == '\0')
        base = "tu";
    const char *sep = "";
    if (dir && dir[0] && dir[strlen(dir) - 1] != '/')
        sep = "/";
    return ftc_arena_printf(a, "%s%s%s-%016llx%s%s", dir ? dir : "", sep,
                            base, (unsigned long long)h,
                            ext && ext[0] ? "." : "", ext ? ext : "");
}

/* ---- atomic writes ------------------------------------------------------ */

static void set_error(char *err, size_t errlen, const char *what,
                      const char *path, int errnum)
{
    if (err == NULL || errlen == 0)
        return;
    snprintf(err, errlen, "cannot %s '%s': %s", what, path,
             errnum ? strerror(errnum) : "the writer failed");
}

/* mkdir -p of the directory part of path. Concurrent compiles race to
 * create the same directory, so EEXIST is success. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
    char *dir = strdup(path);
    if (dir == NULL) {
        set_error(err, errlen, "create the directory of", path, errno);
        return -1;
    }
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(dir);
        return 0;
    }
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            set_error(err, errlen, "create directory", dir, errno);
            free(dir);
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(dir);
    return 0;
}

int ftc_write_file_atomic(const char *path,
                          int (*writer)(const ftc_result *res, FILE *out),
                          const ftc_result *res, char *err, size_t errlen)
{
    static atomic_uint counter;
    if (err && errlen)
        err[0] = '\0';
    if (path == NULL || path[0] == '\0' || writer == NULL) {
        set_error(err, errlen, "write", path ? path : "", EINVAL);
        return -1;
    }
    if (make_parent_dirs(path, err, errlen) != 0)
        return -1;

    size_t tlen = strlen(path) + 64;
    char *tmp = malloc(tlen);
    if (tmp == NULL) {
        set_error(err, errlen, "write", path, ENOMEM);
        return -1;
    }
    snprintf(tmp, tlen, "%s.tmp.%ld.%u", path, (long)getpid(),
             atomic_fetch_add(&counter, 1u));

    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        set_error(err, errlen, "create a temporary file for", path, errno);
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        set_error(err, errlen, "write", path, errno);
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }

    const char *what = NULL;
    errno = 0;
    if (writer(res, f) != 0)
        what = "write";
    else if (fflush(f) != 0 || ferror(f))
        what = "write";
    /* No fsync: a side file is a build product like an object file, and
     * the rename already keeps readers from a partial one. Syncing cost
     * a millisecond or more per compile. */
    int errnum = errno;
    if (fclose(f) != 0 && what == NULL) {
        what = "close";
        errnum = errno;
    }
    if (what == NULL && rename(tmp, path) != 0) {
        set_error(err, errlen, "rename into place", path, errno);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (what != NULL) {
        set_error(err, errlen, what, path, errnum);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* util.c - string vectors, paths, capturing a command's output. */
#define _GNU_SOURCE
#include "ftc_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void *ftc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("ftcheck: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

void *ftc_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        fputs("ftcheck: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *ftc_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ftc_xmalloc(n), s, n);
}

static char *vfmt(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = ftc_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *ftc_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vfmt(fmt, ap);
    va_end(ap);
    return s;
}

static void sv_take(ftc_strvec *sv, char *s)
{
    if (sv->n + 2 > sv->cap) {
        sv->cap = sv->cap ? sv->cap * 2 : 16;
        sv->v = ftc_xrealloc(sv->v, sv->cap * sizeof(char *));
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void ftc_sv_push(ftc_strvec *sv, const char *s)
{
    sv_take(sv, ftc_xstrdup(s));
}

void ftc_sv_pushf(ftc_strvec *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sv_take(sv, vfmt(fmt, ap));
    va_end(ap);
}

void ftc_sv_free(ftc_strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

int ftc_sv_contains(const ftc_strvec *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ftc_sv_sort(ftc_strvec *sv)
{
    if (sv->n > 1)
        qsort(sv->v, sv->n, sizeof(char *), cmp_str);
}

void ftc_sv_split(ftc_strvec *sv, const char *text)
{
    const char *p = text;
    while (*p) {
        p += strspn(p, " \t\r\n");
        size_t n = strcspn(p, " \t\r\n");
        if (n == 0)
            break;
        char *w = ftc_xmalloc(n + 1);
        memcpy(w, p, n);
        w[n] = '\0';
        sv_take(sv, w);
        p += n;
    }
}

char *ftc_path_join(const char *a, const char *b)
{
    if (b[0] == '/' || a[0] == '\0')
        return ftc_xstrdup(b);
    size_t la = strlen(a);
    return ftc_fmt("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *ftc_realpath(const char *path)
{
    char *r = realpath(path, NULL);
    if (r == NULL && errno == ENOMEM) {
        fputs("ftcheck: out of memory\n", stderr);
        exit(2);
    }
    return r;
}

char *ftc_relative(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strncmp(path, dir, n) == 0 && path[n] == '/')
        return ftc_xstrdup(path + n + 1);
    return ftc_xstrdup(path);
}

const char *ftc_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

char *ftc_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (s == NULL)
        return ftc_xstrdup(".");
    if (s == path)
        return ftc_xstrdup("/");
    char *d = ftc_xmalloc((size_t)(s - path) + 1);
    memcpy(d, path, (size_t)(s - path));
    d[s - path] = '\0';
    return d;
}

int ftc_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ftc_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int ftc_is_executable(const char *path)
{
    return ftc_is_file(path) && access(path, X_OK) == 0;
}

void ftc_glob(ftc_strvec *out, const char *dir, const char *pattern)
{
    char *p = ftc_path_join(dir, pattern);
    glob_t g;
    memset(&g, 0, sizeof g);
    if (glob(p, 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++)
            ftc_sv_push(out, g.gl_pathv[i]);
    globfree(&g);
    free(p);
}

int ftc_mkdirs(const char *path)
{
    char *p = ftc_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    return rc == 0 && ftc_is_dir(path) ? 0 : -1;
}

char *ftc_self_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return ftc_dirname(buf);
}

uint64_t ftc_fnv1a(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

char *ftc_capture(char *const argv[])
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 2);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 256;
    char *out = ftc_xmalloc(cap);
    for (;;) {
        if (len + 1 == cap)
            out = ftc_xrealloc(out, cap *= 2);
        ssize_t n = read(fds[0], out + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fds[0]);
    out[len] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(out);
        return NULL;
    }
    while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    return out;
}

void ftc_shell_quote(char **buf, size_t *len, const char *s)
{
    int plain = *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_./=+,:@%") == strlen(s);
    size_t need = *len + strlen(s) * 4 + 3;
    *buf = ftc_xrealloc(*buf, need + 1);
    char *o = *buf + *len;
    if (plain) {
        o = stpcpy(o, s);
    } else {
        *o++ = '\'';
        for (const char *p = s; *p; p++) {
            if (*p == '\'')
                o = stpcpy(o, "'\\''");
            else
                *o++ = *p;
        }
        *o++ = '\'';
    }
    *o = '\0';
    *len = (size_t)(o - *buf);
}

void ftc_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ftcheck: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void ftc_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ftcheck: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void ftc_remove_side_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if ((n > 6 && strcmp(e->d_name + n - 6, ".sarif") == 0) ||
            (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)) {
            char *p = ftc_path_join(dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
}

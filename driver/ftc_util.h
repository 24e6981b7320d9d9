/* ftc_util.h - small helpers of the driver: string vectors, paths, and
 * running a command to capture its output. Allocation failure exits: the
 * driver is a command-line tool, not a library. */
#ifndef FTC_UTIL_H
#define FTC_UTIL_H

#include <stddef.h>
#include <stdint.h>

typedef struct ftc_strvec {
    char **v;      /* NULL-terminated, so it can be passed to execv */
    size_t n, cap;
} ftc_strvec;

void ftc_sv_push(ftc_strvec *sv, const char *s);
void ftc_sv_pushf(ftc_strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ftc_sv_free(ftc_strvec *sv);
int ftc_sv_contains(const ftc_strvec *sv, const char *s);
void ftc_sv_sort(ftc_strvec *sv);
/* Split on blanks (for python3-config output, which is not quoted). */
void ftc_sv_split(ftc_strvec *sv, const char *text);

void *ftc_xmalloc(size_t n);
void *ftc_xrealloc(void *p, size_t n);
char *ftc_xstrdup(const char *s);
char *ftc_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

char *ftc_path_join(const char *a, const char *b);
/* Absolute, symlinks resolved; NULL (errno set) when it does not exist. */
char *ftc_realpath(const char *path);
/* path relative to dir when under it, else a copy of path. */
char *ftc_relative(const char *path, const char *dir);
const char *ftc_basename(const char *path);
char *ftc_dirname(const char *path);
int ftc_is_dir(const char *path);
int ftc_is_file(const char *path);
int ftc_is_executable(const char *path);
int ftc_mkdirs(const char *path);
/* Append the paths matching dir/pattern (glob(3), sorted). */
void ftc_glob(ftc_strvec *out, const char *dir, const char *pattern);
/* The directory of the running executable. */
char *ftc_self_dir(void);

uint64_t ftc_fnv1a(const void *data, size_t len, uint64_t h);
#define FTC_FNV_INIT 0xcbf29ce484222325ULL

/* Run argv (PATH searched), stdin from /dev/null, stderr discarded; return
 * its stdout with trailing newlines removed, or NULL when it could not run
 * or exited non-zero. */
char *ftc_capture(char *const argv[]);
/* Remove the .sarif and .json side files of an earlier run from dir, so
 * they cannot mix with this one's. */
void ftc_remove_side_files(const char *dir);

/* Append s to buf quoted for a POSIX shell, when it needs it. */
void ftc_shell_quote(char **buf, size_t *len, const char *s);

/* One line of progress or a message on stderr: "ftcheck: ..." */
void ftc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ftc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/* pyconfig.c - Python's include flags: what `python3-config --includes`
 * says, remembered between runs.
 *
 * Asking costs 20 ms or more (a shell script that runs sed four times), a
 * fifth of a small project's audit. The answer depends only on which
 * script PATH finds and on that script, so it is cached under their
 * identity and used while the directory it names still has Python.h.
 * A version manager's shim (pyenv, asdf, mise keep them in a `shims`
 * directory) answers from state elsewhere (.python-version files, its
 * environment): shims are asked every time. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ftc_driver.h"

static char *find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL)
        return NULL;
    for (const char *p = path;; ) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *dir = n ? ftc_fmt("%.*s", (int)n, p) : ftc_xstrdup(".");
        char *cand = ftc_path_join(dir, name);
        free(dir);
        if (ftc_is_file(cand) && ftc_is_executable(cand))
            return cand;
        free(cand);
        if (end == NULL)
            return NULL;
        p = end + 1;
    }
}

static int is_shim(const char *path)
{
    char *dir = ftc_dirname(path);
    int shim = strcmp(ftc_basename(dir), "shims") == 0;
    free(dir);
    return shim;
}

/* Everything the script's answer can depend on: where it was found (its
 * $0 locates the prefix), the file itself, and the variables that move
 * sysconfig. */
static char *identity(const char *found)
{
    char *real = ftc_realpath(found);
    struct stat st;
    if (real == NULL || stat(real, &st) != 0) {
        free(real);
        return NULL;
    }
    const char *home = getenv("PYTHONHOME");
    const char *data = getenv("_PYTHON_SYSCONFIGDATA_NAME");
    char *id = ftc_fmt("%s|%s|%llu:%llu:%lld:%lld.%09ld|%s|%s", found, real,
                       (unsigned long long)st.st_dev,
                       (unsigned long long)st.st_ino, (long long)st.st_size,
                       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                       home ? home : "", data ? data : "");
    free(real);
    return id;
}

static char *cache_dir(void)
{
    const char *d = getenv("FTCHECK_CACHE_DIR");
    if (d && *d)
        return ftc_xstrdup(d);
    d = getenv("XDG_CACHE_HOME");
    if (d && *d == '/')
        return ftc_path_join(d, "ftcheck");
    d = getenv("HOME");
    return d && *d ? ftc_fmt("%s/.cache/ftcheck", d) : NULL;
}

/* The answer still holds while its first directory has Python.h. */
static int still_valid(const char *answer)
{
    if (strncmp(answer, "-I", 2) != 0)
        return 0;
    size_t n = strcspn(answer + 2, " \t\n");
    char *h = ftc_fmt("%.*s/Python.h", (int)n, answer + 2);
    int ok = ftc_is_file(h);
    free(h);
    return ok;
}

static char *read_cached(const char *file, const char *id)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return NULL;
    char *line = NULL, *answer = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    if (n >= 0 && strcmp(line, id) == 0 &&
        (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (still_valid(line))
            answer = ftc_xstrdup(line);
    }
    free(line);
    fclose(f);
    return answer;
}

/* Best effort: a cache that cannot be written is only slower. */
static void write_cached(const char *dir, const char *file, const char *id,
                         const char *answer)
{
    if (ftc_mkdirs(dir) != 0)
        return;
    char *tmp = ftc_fmt("%s.%ld.tmp", file, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        free(tmp);
        return;
    }
    int ok = fprintf(f, "%s\n%s\n", id, answer) > 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, file) != 0)
        remove(tmp);
    free(tmp);
}

char *ftc_python_includes(void)
{
    char *found = find_in_path("python3-config");
    if (found == NULL)
        return NULL;
    char *argv[] = {found, "--includes", NULL};
    char *id = is_shim(found) ? NULL : identity(found);
    char *dir = id ? cache_dir() : NULL;
    char *file = NULL, *answer = NULL;
    if (dir) {
        file = ftc_fmt("%s/python-includes-%016llx", dir,
                       (unsigned long long)ftc_fnv1a(id, strlen(id),
                                                     FTC_FNV_INIT));
        answer = read_cached(file, id);
    }
    if (answer == NULL) {
        answer = ftc_capture(argv);
        if (answer && file && !strchr(answer, '\n') && still_valid(answer))
            write_cached(dir, file, id, answer);
    }
    free(found);
    free(id);
    free(dir);
    free(file);
    return answer;
}

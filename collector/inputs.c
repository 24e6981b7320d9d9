/* inputs.c - find side files under the paths given, and name the project
 * each belongs to when its run does not say. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inputs.h"

static int push(ftc_inputs *in, char *path, const char *project)
{
    if (in->count == in->cap) {
        size_t ncap = in->cap ? in->cap * 2 : 256;
        ftc_input *ni = realloc(in->items, ncap * sizeof(*ni));
        if (ni == NULL)
            return -1;
        in->items = ni;
        in->cap = ncap;
    }
    in->items[in->count].path = path;
    in->items[in->count].project = project ? strdup(project) : NULL;
    in->count++;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Side files, not the temporary names they are written under. */
static int wanted(const char *name)
{
    return name[0] != '.' && (ends_with(name, ".sarif") ||
                              ends_with(name, ".json"));
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* project: the first directory level under the input directory, or the
 * input directory's own name for files directly in it. */
static int walk(ftc_inputs *in, const char *dir, const char *project,
                int depth, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "%s: cannot read directory: %s", dir,
                 strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof(*nn));
            if (nn == NULL)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    /* Sorted: the output must not depend on the file system's order. */
    qsort(names, n, sizeof(*names), cmp_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (path == NULL) {
            rc = -1;
            break;
        }
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat st;
        /* Symbolic links to directories are not followed: no cycles. */
        if (lstat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (depth < 64)
                walk(in, path, depth == 0 ? names[i] : project, depth + 1,
                     err, errlen);
            free(path);
        } else if (wanted(names[i]) && (S_ISREG(st.st_mode) ||
                                        S_ISLNK(st.st_mode))) {
            if (push(in, path, project) != 0) {
                free(path);
                rc = -1;
                break;
            }
        } else {
            free(path);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static const char *base_name(const char *path, char *buf, size_t len)
{
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    const char *slash = strrchr(p, '/');
    snprintf(buf, len, "%s", slash && slash[1] ? slash + 1 : p);
    free(abs);
    return buf;
}

int ftc_inputs_add(ftc_inputs *in, const char *path, char *err,
                   size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char name[PATH_MAX];
    if (S_ISDIR(st.st_mode)) {
        size_t before = in->count;
        char *dir = strdup(path);
        if (dir == NULL)
            return -1;
        size_t l = strlen(dir);
        while (l > 1 && dir[l - 1] == '/')
            dir[--l] = '\0';
        int rc = walk(in, dir, base_name(dir, name, sizeof name), 0, err,
                      errlen);
        free(dir);
        if (rc == 0 && in->count == before) {
            snprintf(err, errlen, "%s: no .sarif or .json files in it", path);
            return 1;
        }
        return rc;
    }
    char *copy = strdup(path);
    if (copy == NULL)
        return -1;
    /* A file given by itself belongs to the directory holding it. */
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *slash = '\0';
    int rc = push(in, copy, base_name(slash ? dir : ".", name, sizeof name));
    free(dir);
    return rc;
}

/* --project NAME=DIR: a file under DIR belongs to NAME. */
void ftc_inputs_map(ftc_inputs *in, char **maps, size_t nmaps)
{
    for (size_t i = 0; i < in->count; i++) {
        char *abs = realpath(in->items[i].path, NULL);
        if (abs == NULL)
            continue;
        for (size_t m = 0; m < nmaps; m++) {
            char *eq = strchr(maps[m], '=');
            char *dir = eq ? realpath(eq + 1, NULL) : NULL;
            size_t dl = dir ? strlen(dir) : 0;
            if (dir && strncmp(abs, dir, dl) == 0 &&
                (abs[dl] == '/' || abs[dl] == '\0')) {
                free(in->items[i].project);
                in->items[i].project = strndup(maps[m],
                                               (size_t)(eq - maps[m]));
                free(dir);
                break;
            }
            free(dir);
        }
        free(abs);
    }
}

void ftc_inputs_free(ftc_inputs *in)
{
    for (size_t i = 0; i < in->count; i++) {
        free(in->items[i].path);
        free(in->items[i].project);
    }
    free(in->items);
}

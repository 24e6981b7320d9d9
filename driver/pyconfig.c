/* pyconfig.c - Python's include flags: what `python3-config --includes`
 * says, remembered between runs.
 *
 * Asking costs 20 ms or more (a shell script that runs sed four times), a
 * fifth of a small project's audit. The answer depends only on which
 * script PATH finds and on that script, so it is cached under their
 * identity and used while the directory it names still has Python.h.
 * A version manager's shim (pyenv, asdf, mise keep them in a `shims`
 * directory) answers from state elsewhere (.python-version files, its
 * environment): a pyenv shim is followed to the script it would run when
 * that is unambiguous, and other shims are asked every time. */
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

/* ---- pyenv -------------------------------------------------------------
 * pyenv's shim runs $PYENV_ROOT/versions/<v>/bin/python3-config for the
 * version `pyenv version-name` picks. That pick is made here the same way
 * when it is unambiguous; anything else (several versions, a prefix such
 * as "3.12", "system", a virtualenv, hooks that could change the pick) is
 * left to the shim. */

/* The first word of each non-comment line, as pyenv-version-file-read;
 * NULL unless there is exactly one. */
static char *read_version_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char line[1024], *version = NULL;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *w = line + strspn(line, " \t\r\n");
        size_t len = strcspn(w, " \t\r\n");
        if (len == 0 || w[0] == '#')
            continue;
        if (n++ == 0)
            version = ftc_fmt("%.*s", (int)len, w);
    }
    fclose(f);
    if (n != 1) {
        free(version);
        return NULL;
    }
    return version;
}

/* The nearest .python-version from dir up; NULL when there is none. */
static char *local_version_file(const char *dir)
{
    char *d = ftc_xstrdup(dir);
    for (;;) {
        char *f = ftc_path_join(d, ".python-version");
        if (ftc_is_file(f)) {
            free(d);
            return f;
        }
        free(f);
        char *slash = strrchr(d, '/');
        if (slash == NULL || slash == d) {
            if (slash == d && d[1] != '\0') {
                d[1] = '\0';
                continue;     /* the root directory last */
            }
            break;
        }
        *slash = '\0';
    }
    free(d);
    return NULL;
}

/* Hooks that can change which version or which script pyenv picks. The
 * which-hooks of pyenv-virtualenv act only when the version's own script
 * is missing, and that case is left to the shim. */
static int pyenv_hooks_interfere(const char *root)
{
    if (getenv("PYENV_HOOK_PATH") && *getenv("PYENV_HOOK_PATH"))
        return 1;
    static const char *const known_which[] = {
        "python-config.bash", "conda.bash", "system-site-packages.bash", NULL};
    const char *fixed[] = {"/usr/etc/pyenv.d", "/usr/local/etc/pyenv.d",
                           "/etc/pyenv.d", "/usr/lib/pyenv/hooks"};
    ftc_strvec dirs = {0};
    ftc_sv_pushf(&dirs, "%s/pyenv.d", root);
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        ftc_sv_push(&dirs, fixed[i]);
    ftc_glob(&dirs, root, "plugins/*/etc/pyenv.d");
    int interfere = 0;
    for (size_t i = 0; i < dirs.n && !interfere; i++) {
        char *vn = ftc_path_join(dirs.v[i], "version-name");
        interfere = ftc_is_dir(vn);
        free(vn);
        char *which = ftc_path_join(dirs.v[i], "which");
        ftc_strvec hooks = {0};
        ftc_glob(&hooks, which, "*");
        for (size_t k = 0; k < hooks.n && !interfere; k++) {
            int known = 0;
            for (const char *const *w = known_which; *w; w++)
                known |= strcmp(ftc_basename(hooks.v[k]), *w) == 0;
            interfere = !known;
        }
        ftc_sv_free(&hooks);
        free(which);
    }
    ftc_sv_free(&dirs);
    return interfere;
}

static char *through_pyenv(const char *shim)
{
    char *shims = ftc_dirname(shim);
    char *root = ftc_dirname(shims);
    char *pyenv = ftc_path_join(root, "libexec/pyenv");
    const char *env_root = getenv("PYENV_ROOT");
    char *version = NULL, *script = NULL;
    int ours = ftc_is_file(pyenv) &&
               (env_root == NULL || *env_root == '\0' ||
                strcmp(env_root, root) == 0);
    if (ours && !pyenv_hooks_interfere(root)) {
        const char *v = getenv("PYENV_VERSION");
        if (v && *v) {
            version = ftc_xstrdup(v);
        } else {
            const char *dir = getenv("PYENV_DIR");
            char *cwd = ftc_realpath(".");
            char *file = dir && *dir ? local_version_file(dir) : NULL;
            if (file == NULL && cwd)
                file = local_version_file(cwd);
            if (file == NULL)
                file = ftc_path_join(root, "version");
            version = read_version_file(file);
            free(file);
            free(cwd);
        }
    }
    if (version && strcmp(version, "system") != 0 && !strchr(version, ':') &&
        !strchr(version, '/') && strcmp(version, "..") != 0) {
        char *vdir = ftc_fmt("%s/versions/%s", root, version);
        char *cfg = ftc_path_join(vdir, "pyvenv.cfg");
        char *activate = ftc_path_join(vdir, "bin/activate");
        script = ftc_path_join(vdir, "bin/python3-config");
        if (!ftc_is_dir(vdir) || ftc_is_file(cfg) || ftc_is_file(activate) ||
            !ftc_is_executable(script)) {
            free(script);
            script = NULL;
        }
        free(vdir);
        free(cfg);
        free(activate);
    }
    free(version);
    free(pyenv);
    free(root);
    free(shims);
    return script;
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
    if (is_shim(found)) {
        char *real = through_pyenv(found);
        if (real) {
            free(found);
            found = real;
        }
    }
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

/* discover.c - jobs for a project without a compilation database: its C
 * and C++ sources, with the flags a build would most likely give them
 * (every project directory holding headers, Python's headers, NumPy's when
 * the project includes them). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ftc_driver.h"

static int has_ext(const char *name, const char *const *exts)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return 0;
    for (; *exts; exts++)
        if (strcmp(dot, *exts) == 0)
            return 1;
    return 0;
}

static const char *const source_exts[] = {".c", ".cc", ".cpp", ".cxx", NULL};
static const char *const header_exts[] = {".h", ".hh", ".hpp", ".hxx", NULL};

/* Build output, virtual environments and VCS data are not the project's
 * sources. */
static int skip_dir(const char *path, const char *name)
{
    static const char *const names[] = {
        "build", "dist", "node_modules", "__pycache__", "site-packages",
        "venv", "CMakeFiles", NULL,
    };
    if (name[0] == '.')
        return 1;
    for (const char *const *n = names; *n; n++)
        if (strcmp(name, *n) == 0)
            return 1;
    char *cfg = ftc_path_join(path, "pyvenv.cfg");
    int venv = ftc_is_file(cfg);
    free(cfg);
    return venv;
}

typedef struct walk {
    ftc_strvec sources;
    ftc_strvec incdirs;
    int uses_numpy;
} walk;

static int mentions_numpy(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof(line), f)) {
        const char *p = line + strspn(line, " \t");
        if (*p == '#' && strstr(p, "include") &&
            (strstr(p, "numpy/") || strstr(p, "<arrayobject.h>")))
            found = 1;
    }
    fclose(f);
    return found;
}

static void walk_dir(walk *w, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d == NULL || depth > 32) {
        if (d)
            closedir(d);
        return;
    }
    int headers = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = ftc_path_join(dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode)) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (!skip_dir(path, e->d_name))
                walk_dir(w, path, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            int src = has_ext(e->d_name, source_exts);
            int hdr = has_ext(e->d_name, header_exts);
            if (src)
                ftc_sv_push(&w->sources, path);
            headers |= hdr;
            if ((src || hdr) && !w->uses_numpy && mentions_numpy(path))
                w->uses_numpy = 1;
        }
        free(path);
    }
    closedir(d);
    if (headers)
        ftc_sv_push(&w->incdirs, dir);
}

static void python_flags(ftc_strvec *flags, const ftc_discover_opts *o)
{
    static ftc_strvec cached;
    static int done;
    if (!done) {
        done = 1;
        if (o->python_include) {
            ftc_sv_pushf(&cached, "-I%s", o->python_include);
        } else {
            char *out = ftc_python_includes();
            if (out == NULL)
                ftc_note("warning: python3-config --includes failed; pass "
                         "--python-include DIR (the directory of Python.h)");
            else
                ftc_sv_split(&cached, out);
            free(out);
        }
    }
    for (size_t i = 0; i < cached.n; i++)
        if (!ftc_sv_contains(flags, cached.v[i]))
            ftc_sv_push(flags, cached.v[i]);
}

static const char *numpy_include(void)
{
    static char *inc;
    static int done;
    if (!done) {
        done = 1;
        char *argv[] = {"python3", "-c",
                        "import numpy; print(numpy.get_include())", NULL};
        inc = ftc_capture(argv);
        if (inc && !ftc_is_dir(inc)) {
            free(inc);
            inc = NULL;
        }
    }
    return inc;
}

int ftc_discover_jobs(ftc_jobs *jobs, const ftc_project *p,
                      const ftc_discover_opts *o, const ftc_tools *t)
{
    walk w = {0};
    walk_dir(&w, p->root, 0);
    ftc_sv_sort(&w.sources);   /* readdir order is not stable */
    ftc_sv_sort(&w.incdirs);
    ftc_strvec flags = {0};
    for (size_t i = 0; i < w.incdirs.n; i++)
        ftc_sv_pushf(&flags, "-I%s", w.incdirs.v[i]);
    if (!ftc_sv_contains(&w.incdirs, p->root))
        ftc_sv_pushf(&flags, "-I%s", p->root);
    python_flags(&flags, o);
    if (w.uses_numpy) {
        const char *np = numpy_include();
        if (np)
            ftc_sv_pushf(&flags, "-I%s", np);
        else if (!o->quiet)
            ftc_note("%s: includes NumPy headers, but python3 cannot import "
                     "numpy; those files will have errors", p->name);
    }
    for (size_t i = 0; i < w.sources.n; i++) {
        const char *src = w.sources.v[i];
        ftc_job *job = ftc_jobs_add(jobs);
        job->project = p;
        job->dir = ftc_xstrdup(p->root);
        job->file = ftc_xstrdup(src);
        job->rel = ftc_relative(src, p->root);
        ftc_sv_push(&job->argv,
                    has_ext(src, (const char *const[]){".c", NULL})
                        ? t->clang : t->clangxx);
        for (size_t k = 0; k < flags.n; k++)
            ftc_sv_push(&job->argv, flags.v[k]);
        ftc_sv_push(&job->argv, job->rel);
        ftc_job_finish(job, t, 0);
    }
    int n = (int)w.sources.n;
    ftc_sv_free(&w.sources);
    ftc_sv_free(&w.incdirs);
    ftc_sv_free(&flags);
    return n;
}

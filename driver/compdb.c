/* compdb.c - jobs from a compile_commands.json, read through libclang's
 * C API, which already handles "command" versus "arguments" and shell
 * quoting. Only the compiler and what -fsyntax-only makes pointless are
 * replaced.
 *
 * libclang is opened here, when a database is read, not linked: loading
 * it loads all of LLVM, 20 ms before the first compile of every run. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/CXCompilationDatabase.h>

#include "ftc_driver.h"
#include "ftc_driver_config.h"

/* The part of libclang we call; the types come from its header. */
#define FTC_LIBCLANG_FUNCTIONS(X)                                          \
    X(clang_CompilationDatabase_fromDirectory)                             \
    X(clang_CompilationDatabase_getAllCompileCommands)                     \
    X(clang_CompilationDatabase_dispose)                                   \
    X(clang_CompileCommands_getSize)                                       \
    X(clang_CompileCommands_getCommand)                                    \
    X(clang_CompileCommands_dispose)                                       \
    X(clang_CompileCommand_getDirectory)                                   \
    X(clang_CompileCommand_getFilename)                                    \
    X(clang_CompileCommand_getNumArgs)                                     \
    X(clang_CompileCommand_getArg)                                         \
    X(clang_getCString)                                                    \
    X(clang_disposeString)

typedef struct libclang {
#define FTC_MEMBER(fn) __typeof__(fn) *fn;
    FTC_LIBCLANG_FUNCTIONS(FTC_MEMBER)
#undef FTC_MEMBER
} libclang;

static const libclang *load_libclang(void)
{
    static libclang lib;
    static int state;   /* 0 not tried, 1 loaded, -1 failed */
    if (state != 0)
        return state > 0 ? &lib : NULL;
    state = -1;
    void *h = dlopen(FTC_LIBCLANG, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        ftc_error("cannot load libclang, which reads compile databases: %s",
                  dlerror());
        return NULL;
    }
#define FTC_LOOKUP(fn)                                                     \
    if ((*(void **)&lib.fn = dlsym(h, #fn)) == NULL) {                     \
        ftc_error("%s: no %s in it", FTC_LIBCLANG, #fn);                   \
        return NULL;                                                       \
    }
    FTC_LIBCLANG_FUNCTIONS(FTC_LOOKUP)
#undef FTC_LOOKUP
    state = 1;
    return &lib;
}

/* Flags that write files or pick another action: dropped, with the
 * argument of those that take one. -o stays: the plugin records it. */
static int drop_flag(const char *a, int *skip_next)
{
    static const char *const alone[] = {
        "-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD", "-MP", "-MG",
        "-save-temps", "-fsyntax-only", "-pipe", NULL,
    };
    static const char *const with_arg[] = {"-MF", "-MT", "-MQ", NULL};
    for (const char *const *p = alone; *p; p++)
        if (strcmp(a, *p) == 0)
            return 1;
    for (const char *const *p = with_arg; *p; p++)
        if (strcmp(a, *p) == 0) {
            *skip_next = 1;
            return 1;
        }
    return strncmp(a, "-MF", 3) == 0 || strncmp(a, "-MT", 3) == 0 ||
           strncmp(a, "-MQ", 3) == 0 || strncmp(a, "-save-temps=", 12) == 0;
}

static int is_cxx_driver(const char *argv0)
{
    const char *b = ftc_basename(argv0);
    return strstr(b, "++") != NULL;
}

static int is_source(const char *file)
{
    const char *dot = strrchr(file, '.');
    static const char *const exts[] = {".c", ".cc", ".cpp", ".cxx", ".c++",
                                       ".C", ".cp", ".CPP", NULL};
    if (dot == NULL)
        return 0;
    for (const char *const *e = exts; *e; e++)
        if (strcmp(dot, *e) == 0)
            return 1;
    return 0;
}

static unsigned nth_of(const ftc_jobs *jobs, size_t first, const char *file)
{
    unsigned n = 0;
    for (size_t i = first; i < jobs->n; i++)
        if (strcmp(jobs->v[i].file, file) == 0)
            n++;
    return n;
}

int ftc_compdb_jobs(ftc_jobs *jobs, const ftc_project *p, const char *dbdir,
                    const ftc_tools *t)
{
    const libclang *lc = load_libclang();
    if (lc == NULL)
        return -1;
    char *dbfile = ftc_path_join(dbdir, "compile_commands.json");
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db =
        lc->clang_CompilationDatabase_fromDirectory(dbdir, &err);
    if (err != CXCompilationDatabase_NoError || db == NULL) {
        ftc_error("%s: cannot be read as a compilation database (it must be "
                  "a JSON array of objects with \"directory\", \"file\" and "
                  "\"command\" or \"arguments\")", dbfile);
        free(dbfile);
        return -1;
    }
    CXCompileCommands cmds = lc->clang_CompilationDatabase_getAllCompileCommands(db);
    unsigned n = cmds ? lc->clang_CompileCommands_getSize(cmds) : 0;
    size_t first = jobs->n;
    int added = 0;
    for (unsigned i = 0; i < n; i++) {
        CXCompileCommand cmd = lc->clang_CompileCommands_getCommand(cmds, i);
        CXString cdir = lc->clang_CompileCommand_getDirectory(cmd);
        CXString cfile = lc->clang_CompileCommand_getFilename(cmd);
        char *dir = ftc_xstrdup(lc->clang_getCString(cdir));
        char *file = ftc_path_join(dir, lc->clang_getCString(cfile));
        lc->clang_disposeString(cdir);
        lc->clang_disposeString(cfile);
        unsigned nargs = lc->clang_CompileCommand_getNumArgs(cmd);
        if (!is_source(file) || nargs < 2) {
            free(dir);
            free(file);
            continue;
        }
        char *abs = ftc_realpath(file);
        if (abs) {
            free(file);
            file = abs;
        }
        ftc_job *job = ftc_jobs_add(jobs);
        job->project = p;
        job->dir = dir;
        job->file = file;
        job->rel = ftc_relative(file, p->root);
        int skip = 0;
        for (unsigned k = 0; k < nargs; k++) {
            CXString s = lc->clang_CompileCommand_getArg(cmd, k);
            const char *a = lc->clang_getCString(s);
            if (k == 0)
                ftc_sv_push(&job->argv, is_cxx_driver(a) ? t->clangxx
                                                         : t->clang);
            else if (skip)
                skip = 0;
            else if (!drop_flag(a, &skip))
                ftc_sv_push(&job->argv, a);
            lc->clang_disposeString(s);
        }
        ftc_job_finish(job, t, nth_of(jobs, first, job->file) - 1);
        added++;
    }
    if (cmds)
        lc->clang_CompileCommands_dispose(cmds);
    lc->clang_CompilationDatabase_dispose(db);
    if (added == 0)
        ftc_note("%s: no C or C++ compile commands in it", dbfile);
    free(dbfile);
    return added;
}

/* compdb.c - jobs from a compile_commands.json, read through libclang's
 * C API, which already handles "command" versus "arguments" and shell
 * quoting. Only the compiler and what -fsyntax-only makes pointless are
 * replaced. */
#include <stdlib.h>
#include <string.h>

#include <clang-c/CXCompilationDatabase.h>

#include "ftc_driver.h"

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
    char *dbfile = ftc_path_join(dbdir, "compile_commands.json");
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dbdir,
                                                                      &err);
    if (err != CXCompilationDatabase_NoError || db == NULL) {
        ftc_error("%s: cannot be read as a compilation database (it must be "
                  "a JSON array of objects with \"directory\", \"file\" and "
                  "\"command\" or \"arguments\")", dbfile);
        free(dbfile);
        return -1;
    }
    CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
    unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
    size_t first = jobs->n;
    int added = 0;
    for (unsigned i = 0; i < n; i++) {
        CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
        CXString cdir = clang_CompileCommand_getDirectory(cmd);
        CXString cfile = clang_CompileCommand_getFilename(cmd);
        char *dir = ftc_xstrdup(clang_getCString(cdir));
        char *file = ftc_path_join(dir, clang_getCString(cfile));
        clang_disposeString(cdir);
        clang_disposeString(cfile);
        unsigned nargs = clang_CompileCommand_getNumArgs(cmd);
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
            CXString s = clang_CompileCommand_getArg(cmd, k);
            const char *a = clang_getCString(s);
            if (k == 0)
                ftc_sv_push(&job->argv, is_cxx_driver(a) ? t->clangxx
                                                         : t->clang);
            else if (skip)
                skip = 0;
            else if (!drop_flag(a, &skip))
                ftc_sv_push(&job->argv, a);
            clang_disposeString(s);
        }
        ftc_job_finish(job, t, nth_of(jobs, first, job->file) - 1);
        added++;
    }
    if (cmds)
        clang_CompileCommands_dispose(cmds);
    clang_CompilationDatabase_dispose(db);
    if (added == 0)
        ftc_note("%s: no C or C++ compile commands in it", dbfile);
    free(dbfile);
    return added;
}

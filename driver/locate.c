/* locate.c - find the clang the plugin was built for, the plugin, and
 * ftcheck-collect: the paths baked in at build time, else next to the
 * executable (an installed layout or the build tree). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ftc_driver.h"
#include "ftc_driver_config.h"

static const char *first_existing(const char *const *cands, int exe)
{
    for (; *cands; cands++) {
        if (exe ? ftc_is_executable(*cands) : ftc_is_file(*cands))
            return *cands;
    }
    return NULL;
}

static char *beside_self(const char *rel)
{
    char *dir = ftc_self_dir();
    if (dir == NULL)
        return ftc_xstrdup("/nonexistent");
    char *p = ftc_path_join(dir, rel);
    free(dir);
    return p;
}

const char *ftc_locate_plugin(void)
{
    const char *cands[] = {
        FTC_BAKED_PLUGIN,
        beside_self("../plugin/libftcheck.so"),       /* build tree */
        beside_self("../lib/ftcheck/libftcheck.so"),  /* installed */
        beside_self("../lib/libftcheck.so"),
        beside_self("libftcheck.so"),
        NULL,
    };
    return first_existing(cands, 0);
}

const char *ftc_locate_collector(void)
{
    const char *cands[] = {
        beside_self("ftcheck-collect"),
        beside_self("../collector/ftcheck-collect"),  /* build tree */
        FTC_BAKED_COLLECTOR,
        NULL,
    };
    return first_existing(cands, 1);
}

/* clang++ next to clang, as Debian installs them. */
static const char *sibling_clangxx(const char *clang)
{
    char *cxx = ftc_fmt("%s++", clang);
    if (ftc_is_executable(cxx))
        return cxx;
    free(cxx);
    return clang;   /* clang picks the language from the file name */
}

int ftc_locate_tools(ftc_tools *t, const char *clang)
{
    memset(t, 0, sizeof(*t));
    if (clang == NULL) {
        const char *cands[] = {
            FTC_BAKED_CLANG,
            "/usr/lib/llvm-" FTC_LLVM_MAJOR "/bin/clang",
            "/usr/bin/clang-" FTC_LLVM_MAJOR,
            "/usr/local/bin/clang-" FTC_LLVM_MAJOR,
            NULL,
        };
        clang = first_existing(cands, 1);
        if (clang == NULL) {
            ftc_error("clang %s, which the plugin was built for, is not at "
                      "%s; install clang-%s or pass --clang PATH",
                      FTC_CLANG_VERSION, FTC_BAKED_CLANG, FTC_LLVM_MAJOR);
            return -1;
        }
    } else if (!ftc_is_executable(clang)) {
        ftc_error("--clang %s: not an executable file", clang);
        return -1;
    }
    t->clang = clang;
    t->clangxx = sibling_clangxx(clang);
    t->plugin = ftc_locate_plugin();
    if (t->plugin == NULL) {
        ftc_error("libftcheck.so not found at %s nor next to the ftcheck "
                  "executable; build it (cmake --build --preset default)",
                  FTC_BAKED_PLUGIN);
        return -1;
    }
    t->collector = ftc_locate_collector();
    t->clang_version = FTC_CLANG_VERSION;
    return 0;
}

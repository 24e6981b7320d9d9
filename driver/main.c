/* main.c - `ftcheck`: audit projects, or run a build with the plugin. */
#include <stdio.h>
#include <string.h>

#include "ftc_config.h"
#include "ftc_driver.h"
#include "ftc_driver_config.h"

static const char usage[] =
    "usage: ftcheck audit [options] DIR...      analyse projects, one report\n"
    "       ftcheck build [options] -- COMMAND  run a build with the plugin\n"
    "       ftcheck --plugin-path               for -fplugin=$(ftcheck --plugin-path)\n"
    "       ftcheck --version\n"
    "\n"
    "`ftcheck audit --help` and `ftcheck build --help` list the options.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "audit") == 0)
        return ftc_audit_main(argc - 1, argv + 1);
    if (strcmp(cmd, "build") == 0)
        return ftc_build_main(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0) {
        const char *plugin = ftc_locate_plugin();
        printf("ftcheck %s\n", FTC_VERSION);
        printf("built for Clang %s (%s)\n", FTC_CLANG_VERSION,
               FTC_BAKED_CLANG);
        printf("plugin: %s\n", plugin ? plugin : "not found");
        return 0;
    }
    if (strcmp(cmd, "--plugin-path") == 0) {
        const char *plugin = ftc_locate_plugin();
        if (plugin == NULL) {
            ftc_error("libftcheck.so not found at %s nor next to the ftcheck "
                      "executable", FTC_BAKED_PLUGIN);
            return 2;
        }
        puts(plugin);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    ftc_error("unknown command '%s'", cmd);
    fputs(usage, stderr);
    return 2;
}

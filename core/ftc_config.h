/* ftc_config.h - the plugin's settings, from -fplugin-arg-ftcheck-* and the
 * FTCHECK_* environment. Parsed here, in C, so the front end only passes
 * strings through. */
#ifndef FTC_CONFIG_H
#define FTC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FTC_VERSION "0.1.0"
#define FTC_INFORMATION_URI "https://github.com/ftcheck/ftcheck"
#define FTC_MAX_CHECKS 32

typedef enum ftc_diag_mode {
    FTC_DIAG_WARNING = 0,  /* findings are warnings (notes-level ones remarks) */
    FTC_DIAG_REMARK,       /* every finding is a remark: -Werror stays green */
    FTC_DIAG_OFF           /* nothing printed; side files only */
} ftc_diag_mode;

typedef struct ftc_config {
    unsigned char enabled[FTC_MAX_CHECKS]; /* by registry index */
    const char *sarif_path;    /* sarif=FILE */
    const char *json_path;     /* json=FILE */
    const char *output_dir;    /* output-dir=DIR */
    const char *project;       /* project=NAME */
    const char *source_root;   /* source-root=DIR */
    const char *lock_functions; /* lock-functions=ACQ:REL[,ACQ:REL...] */
    ftc_diag_mode diagnostics;
    int no_suppress;
    int help;                  /* help was asked: print ftc_config_help() */
    int debug_crash;           /* test hook: fail inside the analysis */
    int dump_ir;               /* print the IR to stderr before the checks */
    int profile;               /* print where the plugin's time went */
    char error[1024];          /* set when parsing fails */
} ftc_config;

/* Defaults, then the environment. */
void ftc_config_init(ftc_config *cfg);
/* One plugin argument, "name" or "name=value". Returns 0, or -1 with
 * cfg->error naming the argument and listing the valid ones. The string
 * must outlive cfg. */
int ftc_config_arg(ftc_config *cfg, const char *arg);
/* Apply FTCHECK_* variables; arguments given afterwards override them. */
int ftc_config_env(ftc_config *cfg);
/* The text printed for `help`: arguments, environment, checks. */
const char *ftc_config_help(void);
/* Union of FTC_NEED_* over enabled checks. */
unsigned ftc_config_needs(const ftc_config *cfg);
/* Should the front end lower the body of function `index` of the TU? All
 * of them when a check needs functions; else only what checks ask for
 * (module init functions and the exec functions their slot tables name:
 * the globals' initializers are lowered before this is asked). */
struct ftc_tu;
int ftc_config_wants_function(const ftc_config *cfg, const struct ftc_tu *tu,
                              int32_t index);
/* Calls f for each macro name an enabled check watches (may repeat). */
void ftc_config_watched_macros(const ftc_config *cfg,
                               void (*f)(const char *name, void *ctx),
                               void *ctx);

#ifdef __cplusplus
}
#endif
#endif

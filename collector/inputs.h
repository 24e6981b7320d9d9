/* inputs.h - the side files named on the command line. */
#ifndef FTC_INPUTS_H
#define FTC_INPUTS_H

#include <stddef.h>

typedef struct ftc_input {
    char *path;
    char *project;     /* fallback project name */
} ftc_input;

typedef struct ftc_inputs {
    ftc_input *items;
    size_t count, cap;
} ftc_inputs;

/* A file, or every .sarif/.json file under a directory (sorted). Returns
 * -1 with err set when the path cannot be read, 1 when a directory holds
 * no side file. */
int ftc_inputs_add(ftc_inputs *in, const char *path, char *err,
                   size_t errlen);
/* Apply --project NAME=DIR mappings (each "NAME=DIR"). */
void ftc_inputs_map(ftc_inputs *in, char **maps, size_t nmaps);
void ftc_inputs_free(ftc_inputs *in);

#endif

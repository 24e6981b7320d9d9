/* gather.h - read every input into the store. */
#ifndef FTC_GATHER_H
#define FTC_GATHER_H

#include "collect.h"
#include "inputs.h"

/* Problems with a file go to stderr by name; returns -1 only when out of
 * memory. jobs: parsing threads. */
int ftc_gather(ftc_store *s, const ftc_inputs *in, unsigned jobs, int quiet);

#endif

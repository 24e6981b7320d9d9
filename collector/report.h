/* report.h - totals the human-facing reports (Markdown, HTML) share. */
#ifndef FTC_REPORT_H
#define FTC_REPORT_H

#include "collect.h"

typedef struct ftc_totals {
    size_t analysed, skipped, errors, failed;
    size_t open, suppressed, n_new, unchanged, absent;
    size_t ready, work, blocked, none;
} ftc_totals;

void ftc_totals_of(const ftc_store *s, ftc_totals *t);

#endif

/* ftc_suppress.h - in-source suppression comments.
 *
 *     // ftcheck: ignore[borrowed-ref,static-global] reason
 *     // ftcheck: ignore reason          (every rule; block comments too)
 *     // noqa: borrowed-ref reason       (NumPy's linter, borrowed-ref only)
 *
 * on the finding's line or the line above it. */
#ifndef FTC_SUPPRESS_H
#define FTC_SUPPRESS_H

#include "ftc_finding.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Does line `line` of content suppress `rule`? On yes, *justification is
 * the comment's reason (arena string, may be ""). */
int ftc_line_suppresses(ftc_arena *a, const char *content, size_t len,
                        unsigned line, const char *rule,
                        const char **justification);

/* Set suppressed/justification on every finding a comment covers. */
void ftc_apply_suppressions(const ftc_tu *tu, ftc_report *r);

#ifdef __cplusplus
}
#endif
#endif

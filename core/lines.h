/* lines.h - where each line of a file starts, numbered as Clang numbers
 * them: "\n", "\r\n" and a lone "\r" each end a line (internal). */
#ifndef FTC_LINES_H
#define FTC_LINES_H

#include <stddef.h>

/* malloc'd offsets: starts[i] is where line i+1 begins, and
 * starts[*nlines] = len + 1 so every line has an end. NULL when memory
 * runs out. A NULL or empty content has one empty line. */
size_t *ftc_line_starts(const char *content, size_t len, unsigned *nlines);

/* Line `line` (1-based) as [*s, *e) without its terminator; 0 when there
 * is no such line. */
int ftc_line_span(const size_t *starts, unsigned nlines, const char *content,
                  unsigned line, const char **s, const char **e);

#endif

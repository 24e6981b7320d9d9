/* registry.c - the one list of checks. Adding a check touches this table,
 * the check's .c file, its page in docs/checks/ and its tests/ folder. */
#include <string.h>

#include "ftc_check.h"

extern const ftc_check ftc_check_borrowed_ref;
extern const ftc_check ftc_check_missing_mod_gil;
extern const ftc_check ftc_check_static_global;

const ftc_check *const ftc_checks[] = {
    &ftc_check_borrowed_ref,
    &ftc_check_static_global,
    &ftc_check_missing_mod_gil,
};
const size_t ftc_check_count = sizeof(ftc_checks) / sizeof(ftc_checks[0]);

int ftc_check_index(const char *id)
{
    for (size_t i = 0; i < ftc_check_count; i++)
        if (strcmp(ftc_checks[i]->id, id) == 0)
            return (int)i;
    return -1;
}

const ftc_check *ftc_check_find(const char *id)
{
    int i = ftc_check_index(id);
    return i < 0 ? NULL : ftc_checks[i];
}

const char *ftc_precision_name(ftc_precision p)
{
    switch (p) {
    case FTC_PRECISION_VERY_HIGH: return "very-high";
    case FTC_PRECISION_HIGH: return "high";
    case FTC_PRECISION_MEDIUM: return "medium";
    case FTC_PRECISION_LOW: return "low";
    }
    return "medium";
}

/* baseline.c - compare with an earlier report: each finding new or
 * unchanged, and those only the baseline has added as absent.
 *
 * The baseline is an earlier --json summary (its findings carry their
 * fingerprints), a merged --sarif file (partialFingerprints "ftcheck/v1"),
 * or plain side files' SARIF/JSON (fingerprints computed as for inputs). */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

static void mark(ftc_store *s, const char *project, const ftc_cfinding *bf,
                 int *failed)
{
    ftc_cfinding *f = ftc_store_find(s, project ? project : "default",
                                     bf->fp);
    if (f) {
        if (f->state == FTC_BS_NEW)
            f->state = FTC_BS_UNCHANGED;
        return;
    }
    if (bf->suppressed)
        return;   /* a silenced finding that went away is not news */
    ftc_cfinding copy = *bf;
    copy.project = project ? project : "default";
    if (ftc_store_add_absent(s, &copy) != 0)
        *failed = 1;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static uint32_t jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 4e9
               ? (uint32_t)v->valuedouble : 0;
}

static int from_summary(ftc_store *s, const cJSON *root, const char *path,
                        char *err, size_t errlen)
{
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(root,
                                                             "findings");
    if (!cJSON_IsArray(findings)) {
        snprintf(err, errlen, "%s: summary without a \"findings\" array",
                 path);
        return -1;
    }
    int failed = 0;
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, findings) {
        ftc_cfinding f;
        memset(&f, 0, sizeof f);
        const char *fp = jstr(e, "fingerprint");
        const char *state = jstr(e, "state");
        f.project = jstr(e, "project");
        f.rule = jstr(e, "rule");
        f.message = jstr(e, "message");
        f.loc.uri = jstr(e, "file");
        f.loc.line = f.loc.end_line = jnum(e, "line");
        f.loc.col = f.loc.end_col = jnum(e, "column");
        f.function = jstr(e, "function");
        f.line_hash = jstr(e, "lineHash");
        const char *lv = jstr(e, "level");
        f.level = lv && strcmp(lv, "error") == 0 ? FTC_LVL_ERROR
                : lv && strcmp(lv, "note") == 0 ? FTC_LVL_NOTE
                                                : FTC_LVL_WARNING;
        const char *cf = jstr(e, "confidence");
        f.confidence = cf && strcmp(cf, "certain") == 0 ? FTC_CONF_CERTAIN
                                                        : FTC_CONF_LIKELY;
        f.suppressed = cJSON_IsTrue(
            cJSON_GetObjectItemCaseSensitive(e, "suppressed"));
        char *end = NULL;
        f.fp = fp ? strtoull(fp, &end, 16) : 0;
        if (fp == NULL || *end != '\0' || f.project == NULL ||
            f.rule == NULL || f.message == NULL || f.loc.uri == NULL) {
            snprintf(err, errlen, "%s: findings[%zu] lacks project, "
                     "fingerprint, rule, message or file", path, i);
            return -1;
        }
        i++;
        /* What was already absent then is not part of that baseline. */
        if (state && strcmp(state, "absent") == 0)
            continue;
        mark(s, f.project, &f, &failed);
    }
    return failed ? -1 : 0;
}

int ftc_baseline_apply(ftc_store *s, const char *path, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < s->nfindings; i++)
        s->findings[i].state = FTC_BS_NEW;
    s->have_baseline = 1;
    ftc_side side;
    memset(&side, 0, sizeof side);
    side.path = path;
    side.lenient = 1;
    ftc_side_load(&side);
    int rc = 0;
    if (side.root && cJSON_IsObject(side.root) && jstr(side.root, "format") &&
        strcmp(jstr(side.root, "format"), "ftcheck-collect") == 0) {
        rc = from_summary(s, side.root, path, err, errlen);
    } else if (side.error) {
        snprintf(err, errlen, "%s: %s", path, side.error);
        rc = -1;
    } else {
        int failed = 0;
        for (size_t t = 0; t < side.ntus; t++) {
            const ftc_side_tu *tu = &side.tus[t];
            for (size_t k = 0; k < tu->nfindings; k++)
                mark(s, tu->project, &tu->findings[k], &failed);
        }
        if (failed) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
        }
    }
    ftc_side_release(&side);
    return rc;
}

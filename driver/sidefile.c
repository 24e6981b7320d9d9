/* sidefile.c - read the little the driver needs from a SARIF side file,
 * and write the ftcheck-json side file (docs/json-format.md) of a TU the
 * tool could not analyse, so coverage counts it as failed rather than
 * forgetting it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ftc_config.h"
#include "ftc_driver.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t len = 0, cap = 1 << 16;
    char *buf = ftc_xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = ftc_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

int ftc_side_summary(const char *path, int *findings, int *analysed)
{
    char *text = slurp(path);
    if (text == NULL)
        return -1;
    cJSON *root = cJSON_Parse(text);
    free(text);
    cJSON *run = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "runs"), 0);
    if (run == NULL) {
        cJSON_Delete(root);
        return -1;
    }
    cJSON *facts = cJSON_GetObjectItem(cJSON_GetObjectItem(run, "properties"),
                                       "ftcheck");
    const char *status = cJSON_GetStringValue(
        cJSON_GetObjectItem(facts, "status"));
    *analysed = status && strcmp(status, "analysed") == 0;
    *findings = 0;
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(run, "results")) {
        if (cJSON_GetArraySize(cJSON_GetObjectItem(r, "suppressions")) == 0)
            (*findings)++;
    }
    cJSON_Delete(root);
    return 0;
}

static int is_cxx(const char *file)
{
    const char *dot = strrchr(file, '.');
    return dot && strcmp(dot, ".c") != 0;
}

int ftc_write_failed(const ftc_job *job, const char *path, const char *reason)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "ftcheck-json");
    cJSON_AddNumberToObject(root, "version", 1);
    cJSON *tool = cJSON_AddObjectToObject(root, "tool");
    cJSON_AddStringToObject(tool, "name", "ftcheck");
    cJSON_AddStringToObject(tool, "version", FTC_VERSION);
    cJSON_AddStringToObject(tool, "informationUri", FTC_INFORMATION_URI);
    cJSON *tu = cJSON_AddObjectToObject(root, "tu");
    cJSON_AddStringToObject(tu, "status", "failed");
    cJSON_AddNullToObject(tu, "skipReason");
    cJSON_AddStringToObject(tu, "project", job->project->name);
    cJSON_AddStringToObject(tu, "mainFile", job->rel);
    cJSON_AddNullToObject(tu, "outputFile");
    cJSON_AddStringToObject(tu, "workingDirectory", job->dir);
    cJSON_AddStringToObject(tu, "sourceRoot", job->project->root);
    cJSON_AddNullToObject(tu, "pythonVersionHex");
    cJSON_AddNullToObject(tu, "pythonVersion");
    cJSON_AddFalseToObject(tu, "gilDisabled");
    cJSON_AddFalseToObject(tu, "includesPython");
    cJSON_AddNullToObject(tu, "clangVersion");
    cJSON_AddBoolToObject(tu, "cplusplus", is_cxx(job->file));
    cJSON_AddFalseToObject(tu, "hasErrors");
    cJSON_AddNumberToObject(tu, "analysisSeconds", 0);
    cJSON_AddArrayToObject(tu, "enabledRules");
    cJSON_AddFalseToObject(root, "executionSuccessful");
    cJSON *notes = cJSON_AddArrayToObject(root, "notifications");
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "level", "error");
    cJSON_AddStringToObject(n, "id", strncmp(reason, "timed out", 9) == 0
                                         ? "timeout" : "compile-failed");
    cJSON_AddStringToObject(n, "message", reason);
    cJSON_AddItemToArray(notes, n);
    cJSON_AddArrayToObject(root, "findings");
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    /* Temporary name + rename, like the plugin: readers never see half. */
    char *tmp = ftc_fmt("%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        int ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        ok = (fclose(f) == 0) && ok;
        rc = ok && rename(tmp, path) == 0 ? 0 : -1;
        if (rc != 0)
            unlink(tmp);
    }
    free(tmp);
    free(text);
    return rc;
}

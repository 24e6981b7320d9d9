/* history.c - every collected run in an SQLite database (schema in
 * docs/collector.md), and the trend read back for the reports.
 *
 * Concurrent writers: WAL journal, a generous busy timeout, and one
 * BEGIN IMMEDIATE transaction per run, so two collectors writing at once
 * take turns and a reader never sees half a run. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "ftc_config.h"

#define SCHEMA_VERSION "1"
#define TREND_RUNS 12        /* runs shown in trends */
#define BUSY_MS 120000

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "INSERT OR IGNORE INTO meta VALUES('schema_version','" SCHEMA_VERSION "');"
    "CREATE TABLE IF NOT EXISTS runs("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " collected_at TEXT NOT NULL,"
    " label TEXT,"
    " tool_version TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS projects("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " project TEXT NOT NULL,"
    " tus_analysed INTEGER NOT NULL, tus_skipped INTEGER NOT NULL,"
    " tus_failed INTEGER NOT NULL, tus_with_errors INTEGER NOT NULL,"
    " python_versions TEXT, clang_versions TEXT,"
    " open INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " gil TEXT NOT NULL, verdict TEXT NOT NULL,"
    " PRIMARY KEY(run_id, project));"
    "CREATE TABLE IF NOT EXISTS findings("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " project TEXT NOT NULL,"
    " fingerprint TEXT NOT NULL,"
    " rule TEXT NOT NULL, level TEXT NOT NULL, confidence TEXT NOT NULL,"
    " file TEXT NOT NULL, line INTEGER NOT NULL, function TEXT,"
    " message TEXT NOT NULL, suppressed INTEGER NOT NULL,"
    " PRIMARY KEY(run_id, project, fingerprint)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS projects_by_name ON projects(project, run_id);";

static int fail(sqlite3 *db, const char *path, const char *what, char *err,
                size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", path, what,
             db ? sqlite3_errmsg(db) : "cannot open");
    return -1;
}

static char *versions(const ftc_count *c, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(c[i].name) + 1;
    char *out = malloc(len), *p = out;
    if (out == NULL)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? "," : "", c[i].name);
    return out;
}

static int insert_run(ftc_store *s, sqlite3 *db, const char *when,
                      const char *label)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "INSERT INTO runs(collected_at, label, "
                                "tool_version) VALUES(?,?,?)", -1, &st,
                                NULL) == SQLITE_OK;
    ok = ok && sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT) == 0 &&
         sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC) == 0 &&
         sqlite3_bind_text(st, 3, FTC_VERSION, -1, SQLITE_STATIC) == 0 &&
         sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return -1;
    s->run_id = sqlite3_last_insert_rowid(db);

    ok = sqlite3_prepare_v2(db, "INSERT INTO projects VALUES(?,?,?,?,?,?,?,"
                            "?,?,?,?,?)", -1, &st, NULL) == SQLITE_OK;
    for (size_t k = 0; ok && k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        char *py = versions(p->pythons, p->npythons);
        char *cl = versions(p->clangs, p->nclangs);
        sqlite3_reset(st);
        ok = py && cl &&
             sqlite3_bind_int64(st, 1, s->run_id) == 0 &&
             sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_int64(st, 3, (sqlite3_int64)p->tus_analysed) == 0 &&
             sqlite3_bind_int64(st, 4, (sqlite3_int64)p->tus_skipped) == 0 &&
             sqlite3_bind_int64(st, 5, (sqlite3_int64)p->tus_failed) == 0 &&
             sqlite3_bind_int64(st, 6, (sqlite3_int64)p->tus_errors) == 0 &&
             sqlite3_bind_text(st, 7, py, -1, SQLITE_TRANSIENT) == 0 &&
             sqlite3_bind_text(st, 8, cl, -1, SQLITE_TRANSIENT) == 0 &&
             sqlite3_bind_int64(st, 9, (sqlite3_int64)p->open) == 0 &&
             sqlite3_bind_int64(st, 10, (sqlite3_int64)p->suppressed) == 0 &&
             sqlite3_bind_text(st, 11, ftc_gil_str(p->gil), -1,
                               SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 12, p->verdict, -1, SQLITE_STATIC) == 0 &&
             sqlite3_step(st) == SQLITE_DONE;
        free(py);
        free(cl);
    }
    sqlite3_finalize(st);
    if (!ok)
        return -1;

    ok = sqlite3_prepare_v2(db, "INSERT INTO findings VALUES(?,?,?,?,?,?,?,"
                            "?,?,?,?)", -1, &st, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (f->state == FTC_BS_ABSENT)
            continue;
        char fp[17];
        snprintf(fp, sizeof fp, "%016llx", (unsigned long long)f->fp);
        sqlite3_reset(st);
        ok = sqlite3_bind_int64(st, 1, s->run_id) == 0 &&
             sqlite3_bind_text(st, 2, f->project, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 3, fp, -1, SQLITE_TRANSIENT) == 0 &&
             sqlite3_bind_text(st, 4, f->rule, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 5, ftc_level_str(f->level), -1,
                               SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 6, ftc_conf_str(f->confidence), -1,
                               SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 7, f->loc.uri, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_int64(st, 8, f->loc.line) == 0 &&
             sqlite3_bind_text(st, 9, f->function, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_text(st, 10, f->message, -1, SQLITE_STATIC) == 0 &&
             sqlite3_bind_int(st, 11, f->suppressed) == 0 &&
             sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

static const char *col_text(ftc_store *s, sqlite3_stmt *st, int i)
{
    return ftc_intern(s->strings, (const char *)sqlite3_column_text(st, i));
}

/* Open findings per project and rule over the last runs of each project
 * collected now. */
static int read_trend(ftc_store *s, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT r.id, r.collected_at, f.project, f.rule, count(*)"
        " FROM findings f JOIN runs r ON r.id = f.run_id"
        " WHERE f.suppressed = 0 AND f.run_id IN"
        "  (SELECT p.run_id FROM projects p WHERE p.project = f.project"
        "   AND p.run_id <= ?1 ORDER BY p.run_id DESC LIMIT " "12" ")"
        " AND f.project IN (SELECT project FROM projects WHERE run_id = ?1)"
        " GROUP BY r.id, f.project, f.rule ORDER BY f.project, f.rule, r.id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, s->run_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ftc_trend_point *nt = realloc(s->trend,
                                      (s->ntrend + 1) * sizeof(*nt));
        if (nt == NULL)
            break;
        s->trend = nt;
        ftc_trend_point *t = &nt[s->ntrend++];
        t->run_id = sqlite3_column_int64(st, 0);
        t->when = col_text(s, st, 1);
        t->project = col_text(s, st, 2);
        t->rule = col_text(s, st, 3);
        t->open = (size_t)sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* What appeared and what was fixed since each project's previous run. */
static int read_changes(ftc_store *s, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    const char *prev =
        "(SELECT max(run_id) FROM projects q WHERE q.project = %s.project"
        " AND q.run_id < ?1)";
    char sql[1024];
    /* Fixed: open in the previous run of its project, not open now. */
    snprintf(sql, sizeof sql,
             "SELECT p.project, p.fingerprint, p.rule, p.level, p.file,"
             " p.line, p.function, p.message FROM findings p"
             " WHERE p.suppressed = 0 AND p.run_id = %s"
             " AND p.project IN (SELECT project FROM projects WHERE"
             "  run_id = ?1)"
             " AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = ?1"
             "  AND c.project = p.project AND c.fingerprint = p.fingerprint"
             "  AND c.suppressed = 0)"
             " ORDER BY p.project, p.file, p.line", prev);
    char sqlp[1200];
    snprintf(sqlp, sizeof sqlp, sql, "p");
    if (sqlite3_prepare_v2(db, sqlp, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, s->run_id);
    int rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->nfixed == cap) {
            cap = cap ? cap * 2 : 64;
            ftc_cfinding *nf = realloc(s->fixed_store, cap * sizeof(*nf));
            if (nf == NULL)
                break;
            s->fixed_store = nf;
        }
        ftc_cfinding *f = &s->fixed_store[s->nfixed++];
        memset(f, 0, sizeof(*f));
        f->project = col_text(s, st, 0);
        f->fp = strtoull((const char *)sqlite3_column_text(st, 1), NULL, 16);
        f->rule = col_text(s, st, 2);
        const char *lv = (const char *)sqlite3_column_text(st, 3);
        f->level = lv && strcmp(lv, "error") == 0 ? FTC_LVL_ERROR
                 : lv && strcmp(lv, "note") == 0 ? FTC_LVL_NOTE
                                                 : FTC_LVL_WARNING;
        f->loc.uri = col_text(s, st, 4);
        f->loc.line = f->loc.end_line = (uint32_t)sqlite3_column_int(st, 5);
        f->function = col_text(s, st, 6);
        f->message = col_text(s, st, 7);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    s->fixed = calloc(s->nfixed ? s->nfixed : 1, sizeof(*s->fixed));
    for (size_t i = 0; s->fixed && i < s->nfixed; i++)
        s->fixed[i] = &s->fixed_store[i];

    /* Appeared: open now, not open in its project's previous run (only for
     * projects that had one). */
    snprintf(sqlp, sizeof sqlp,
             "SELECT c.project, c.fingerprint FROM findings c"
             " WHERE c.run_id = ?1 AND c.suppressed = 0"
             " AND %s IS NOT NULL"
             " AND NOT EXISTS (SELECT 1 FROM findings p WHERE"
             "  p.run_id = %s AND p.project = c.project"
             "  AND p.fingerprint = c.fingerprint AND p.suppressed = 0)",
             "(SELECT max(run_id) FROM projects q WHERE q.project = c.project"
             " AND q.run_id < ?1)",
             "(SELECT max(run_id) FROM projects q WHERE q.project = c.project"
             " AND q.run_id < ?1)");
    if (sqlite3_prepare_v2(db, sqlp, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, s->run_id);
    s->appeared = calloc(s->nfindings ? s->nfindings : 1,
                         sizeof(*s->appeared));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->appeared) {
        const char *project = (const char *)sqlite3_column_text(st, 0);
        uint64_t fp = strtoull((const char *)sqlite3_column_text(st, 1),
                               NULL, 16);
        ftc_cfinding *f = ftc_store_find(s, project, fp);
        if (f)
            s->appeared[s->nappeared++] = f;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return -1;

    if (sqlite3_prepare_v2(db, "SELECT id, collected_at FROM runs WHERE "
                           "id = (SELECT max(run_id) FROM projects WHERE "
                           "run_id < ?1 AND project IN (SELECT project FROM "
                           "projects WHERE run_id = ?1))", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, s->run_id);
    if (sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL) {
        s->prev_run_id = sqlite3_column_int64(st, 0);
        s->prev_when = col_text(s, st, 1);
    }
    sqlite3_finalize(st);
    return 0;
}

static int cmp_appeared(const void *a, const void *b)
{
    const ftc_cfinding *x = *(ftc_cfinding *const *)a;
    const ftc_cfinding *y = *(ftc_cfinding *const *)b;
    return x < y ? -1 : x > y;
}

/* SQLite does not call the busy handler where waiting could deadlock
 * (switching a new database to WAL while another process does the same):
 * back off and try again, for as long as the busy timeout. */
static int exec_retry(sqlite3 *db, const char *sql)
{
    int rc = SQLITE_BUSY;
    for (long waited = 0; waited < BUSY_MS * 1000L; ) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        long us = 5000 + (long)(rand() % 20000);
        struct timespec ts = {0, us * 1000L};
        nanosleep(&ts, NULL);
        waited += us;
    }
    return rc;
}

int ftc_history_record(ftc_store *s, const char *path, const char *label,
                       const char *when, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        return fail(db, path, "cannot open", err, errlen) +
               (sqlite3_close(db) & 0);
    sqlite3_busy_timeout(db, BUSY_MS);
    srand((unsigned)getpid());   /* writers back off by different times */
    char now[32];
    if (when == NULL) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
        when = now;
    }
    int rc = 0;
    if (exec_retry(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
            != SQLITE_OK ||
        exec_retry(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
        rc = fail(db, path, "cannot lock", err, errlen);
    } else if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(db, path, "not an ftcheck history database", err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    } else if (insert_run(s, db, when, label) != 0) {
        rc = fail(db, path, "cannot record the run", err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    } else if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(db, path, "cannot commit", err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (rc == 0) {
        /* A read transaction: one consistent view of the history. */
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        if (read_trend(s, db) != 0 || read_changes(s, db) != 0)
            rc = fail(db, path, "cannot read the history", err, errlen);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        s->have_history = rc == 0;
        /* Store order, so the reports list them deterministically. */
        qsort(s->appeared, s->nappeared, sizeof(*s->appeared), cmp_appeared);
    }
    sqlite3_close(db);
    return rc;
}

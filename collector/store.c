/* store.c - merge side files into one store: a finding reported by many
 * TUs once, coverage per project, then sorting and the derived facts
 * (modules and their GIL declaration, APIs to replace, verdicts). */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "report.h"

const char *ftc_level_str(int level)
{
    return level == FTC_LVL_ERROR ? "error"
         : level == FTC_LVL_WARNING ? "warning" : "note";
}

const char *ftc_conf_str(int conf)
{
    return conf == FTC_CONF_CERTAIN ? "certain" : "likely";
}

const char *ftc_bstate_str(int state)
{
    switch (state) {
    case FTC_BS_NEW: return "new";
    case FTC_BS_UNCHANGED: return "unchanged";
    case FTC_BS_ABSENT: return "absent";
    }
    return NULL;
}

const char *ftc_gil_str(ftc_gil g)
{
    switch (g) {
    case FTC_GIL_NOT_USED: return "declared-not-used";
    case FTC_GIL_USED: return "declares-used";
    case FTC_GIL_MISSING: return "missing";
    case FTC_GIL_UNKNOWN: break;
    }
    return "unknown";
}

int ftc_is_open(const ftc_cfinding *f)
{
    return !f->suppressed && f->state != FTC_BS_ABSENT;
}

int ftc_store_init(ftc_store *s)
{
    memset(s, 0, sizeof(*s));
    ftc_arena_init(&s->arena);
    s->strings = ftc_strtab_new();
    s->index_cap = 1024;
    s->index = calloc(s->index_cap, sizeof(*s->index));
    s->tu_cap = 1024;
    s->tu_keys = calloc(s->tu_cap, sizeof(*s->tu_keys));
    return s->strings && s->index && s->tu_keys ? 0 : -1;
}

void ftc_store_release(ftc_store *s)
{
    for (size_t i = 0; i < s->nrules; i++)
        cJSON_Delete(s->rules[i].sarif);
    for (size_t i = 0; i < s->nprojects; i++) {
        free(s->projects[i].pythons);
        free(s->projects[i].clangs);
        free(s->projects[i].modules);
    }
    free(s->rules);
    free(s->projects);
    free(s->findings);
    free(s->index);
    free(s->tu_keys);
    free(s->apis);
    free(s->api_fix);
    free(s->trend);
    free(s->appeared);
    free(s->fixed);
    free(s->fixed_store);
    ftc_strtab_free(s->strings);
    ftc_arena_release(&s->arena);
}

/* ---- lookups ------------------------------------------------------------- */

static uint64_t key_of(const char *project, uint64_t fp)
{
    return ftc_hash_str(fp, project);
}

static int grow_index(ftc_store *s)
{
    size_t ncap = s->index_cap * 2;
    uint32_t *ni = calloc(ncap, sizeof(*ni));
    if (ni == NULL)
        return -1;
    for (size_t i = 0; i < s->nfindings; i++) {
        const ftc_cfinding *f = &s->findings[i];
        size_t j = key_of(f->project, f->fp) & (ncap - 1);
        while (ni[j])
            j = (j + 1) & (ncap - 1);
        ni[j] = (uint32_t)(i + 1);
    }
    free(s->index);
    s->index = ni;
    s->index_cap = ncap;
    return 0;
}

/* The slot for (project, fp): holds index + 1, or 0 when free. */
static uint32_t *slot(ftc_store *s, const char *project, uint64_t fp)
{
    size_t j = key_of(project, fp) & (s->index_cap - 1);
    while (s->index[j]) {
        const ftc_cfinding *f = &s->findings[s->index[j] - 1];
        if (f->fp == fp && f->project == project)
            break;
        j = (j + 1) & (s->index_cap - 1);
    }
    return &s->index[j];
}

ftc_cfinding *ftc_store_find(ftc_store *s, const char *project, uint64_t fp)
{
    const char *p = ftc_intern(s->strings, project);
    uint32_t *sl = slot(s, p, fp);
    return *sl ? &s->findings[*sl - 1] : NULL;
}

ftc_project *ftc_store_project(ftc_store *s, const char *name)
{
    for (size_t i = 0; i < s->nprojects; i++)
        if (s->projects[i].name == name)
            return &s->projects[i];
    if (s->nprojects == s->pcap) {
        size_t ncap = s->pcap ? s->pcap * 2 : 16;
        ftc_project *np = realloc(s->projects, ncap * sizeof(*np));
        if (np == NULL)
            return NULL;
        s->projects = np;
        s->pcap = ncap;
    }
    ftc_project *p = &s->projects[s->nprojects++];
    memset(p, 0, sizeof(*p));
    p->name = name;
    return p;
}

static int count_name(ftc_count **arr, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i].name == name) {
            (*arr)[i].n++;
            return 0;
        }
    ftc_count *na = realloc(*arr, (*n + 1) * sizeof(**arr));
    if (na == NULL)
        return -1;
    *arr = na;
    na[*n].name = name;
    na[*n].n = 1;
    (*n)++;
    return 0;
}

static ftc_rule_info *rule_info(ftc_store *s, const char *id)
{
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].id == id)
            return &s->rules[i];
    ftc_rule_info *nr = realloc(s->rules, (s->nrules + 1) * sizeof(*nr));
    if (nr == NULL)
        return NULL;
    s->rules = nr;
    nr[s->nrules].id = id;
    nr[s->nrules].sarif = NULL;
    return &nr[s->nrules++];
}

static void take_rule_descriptor(ftc_rule_info *ri, const cJSON *rules)
{
    if (ri == NULL || ri->sarif || !cJSON_IsArray(rules))
        return;
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        const cJSON *id = cJSON_IsObject(r)
                              ? cJSON_GetObjectItemCaseSensitive(r, "id")
                              : NULL;
        if (cJSON_IsString(id) && strcmp(id->valuestring, ri->id) == 0) {
            ri->sarif = cJSON_Duplicate(r, 1);
            return;
        }
    }
}

/* ---- merging ------------------------------------------------------------- */

static int tu_seen(ftc_store *s, uint64_t key)
{
    key |= 1;
    if ((s->ntu_keys + 1) * 2 > s->tu_cap) {
        size_t ncap = s->tu_cap * 2;
        uint64_t *nk = calloc(ncap, sizeof(*nk));
        if (nk == NULL)
            return -1;
        for (size_t i = 0; i < s->tu_cap; i++) {
            if (!s->tu_keys[i])
                continue;
            size_t j = s->tu_keys[i] & (ncap - 1);
            while (nk[j])
                j = (j + 1) & (ncap - 1);
            nk[j] = s->tu_keys[i];
        }
        free(s->tu_keys);
        s->tu_keys = nk;
        s->tu_cap = ncap;
    }
    size_t j = key & (s->tu_cap - 1);
    while (s->tu_keys[j]) {
        if (s->tu_keys[j] == key)
            return 1;
        j = (j + 1) & (s->tu_cap - 1);
    }
    s->tu_keys[j] = key;
    s->ntu_keys++;
    return 0;
}

static ftc_cfinding *push_finding(ftc_store *s)
{
    if (s->nfindings == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 4096;
        ftc_cfinding *nf = realloc(s->findings, ncap * sizeof(*nf));
        if (nf == NULL)
            return NULL;
        s->findings = nf;
        s->cap = ncap;
    }
    if ((s->nfindings + 1) * 2 > s->index_cap && grow_index(s) != 0)
        return NULL;
    return &s->findings[s->nfindings];
}

#define IN(x) ftc_intern(s->strings, (x))

/* Copy a finding into the store with interned strings. */
static int add_finding(ftc_store *s, const char *project,
                       const ftc_cfinding *src)
{
    uint32_t *sl = slot(s, project, src->fp);
    if (*sl) {
        ftc_cfinding *f = &s->findings[*sl - 1];
        f->tus++;
        /* One TU suppressing it is a decision about that line. */
        if (src->suppressed && !f->suppressed) {
            f->suppressed = 1;
            f->justification = IN(src->justification);
        }
        return 0;
    }
    ftc_cfinding *f = push_finding(s);
    if (f == NULL)
        return -1;
    sl = slot(s, project, src->fp);   /* the index may have grown */
    *f = *src;
    f->project = project;
    f->rule = IN(src->rule);
    f->message = IN(src->message);
    f->function = IN(src->function);
    f->snippet = IN(src->snippet);
    f->line_hash = IN(src->line_hash);
    f->suggestion = IN(src->suggestion);
    f->justification = IN(src->justification);
    f->loc.uri = IN(src->loc.uri);
    f->loc.message = NULL;
    f->tus = 1;
    f->related = NULL;
    if (src->nrelated) {
        f->related = ftc_arena_alloc(&s->arena,
                                     src->nrelated * sizeof(ftc_cloc));
        if (f->related == NULL)
            return -1;
        for (uint32_t i = 0; i < src->nrelated; i++) {
            f->related[i] = src->related[i];
            f->related[i].uri = IN(src->related[i].uri);
            f->related[i].message = IN(src->related[i].message);
        }
    }
    if (f->rule == NULL || f->message == NULL || f->loc.uri == NULL)
        return -1;
    *sl = (uint32_t)(s->nfindings + 1);
    s->nfindings++;
    return 0;
}

static ftc_gil gil_of(const char *s)
{
    if (s == NULL)
        return FTC_GIL_UNKNOWN;
    if (strcmp(s, "declared-not-used") == 0)
        return FTC_GIL_NOT_USED;
    if (strcmp(s, "declares-used") == 0)
        return FTC_GIL_USED;
    if (strcmp(s, "missing") == 0)
        return FTC_GIL_MISSING;
    return FTC_GIL_UNKNOWN;
}

/* Record a module's GIL status in its project; the worst status seen (in
 * any TU or configuration) wins. */
static int note_module(ftc_store *s, ftc_project *p, const char *name, ftc_gil g,
                       const char *file, uint32_t line)
{
    (void)s;
    if (name == NULL)
        return 0;
    size_t j = 0;
    while (j < p->nmodules && p->modules[j].name != name)
        j++;
    if (j == p->nmodules) {
        ftc_module *nm = realloc(p->modules, (j + 1) * sizeof(*nm));
        if (nm == NULL)
            return -1;
        p->modules = nm;
        nm[j].name = name;
        nm[j].file = file;
        nm[j].line = line;
        nm[j].gil = g;
        p->nmodules++;
    } else if (g > p->modules[j].gil) {
        p->modules[j].gil = g;
    }
    if (g > p->gil)
        p->gil = g;
    return 0;
}

static int add_tu(ftc_store *s, const ftc_side *side, const ftc_side_tu *tu)
{
    const char *pname = tu->project && tu->project[0] ? tu->project
                                                      : side->default_project;
    const char *project = IN(pname ? pname : "default");
    if (project == NULL)
        return -1;
    /* A TU given twice (SARIF and JSON, or a copied file) counts once. */
    if (tu->main_file || tu->working_dir) {
        uint64_t k = ftc_hash_str(0, project);
        k = ftc_hash_str(k, tu->working_dir);
        k = ftc_hash_str(k, tu->main_file);
        k = ftc_hash_str(k, tu->output_file);
        k = ftc_hash_str(k, tu->python_version);
        k = ftc_hash_bytes(k, &tu->gil_disabled, sizeof(int));
        int seen = tu_seen(s, k);
        if (seen < 0)
            return -1;
        if (seen)
            return 0;
    }
    ftc_project *p = ftc_store_project(s, project);
    if (p == NULL)
        return -1;
    if (p->source_root == NULL)
        p->source_root = IN(tu->source_root);
    const char *status = tu->status ? tu->status : "analysed";
    for (size_t i = 0; i < tu->nmodules; i++)
        if (note_module(s, p, IN(tu->modules[i].name), gil_of(tu->modules[i].gil),
                        IN(tu->modules[i].file), tu->modules[i].line) != 0)
            return -1;
    if (strcmp(status, "analysed") == 0) {
        p->tus_analysed++;
        p->tus_errors += tu->has_errors != 0;
        p->nfree_threaded += tu->gil_disabled != 0;
        if (tu->python_version &&
            count_name(&p->pythons, &p->npythons, IN(tu->python_version)))
            return -1;
        if (tu->clang_version &&
            count_name(&p->clangs, &p->nclangs, IN(tu->clang_version)))
            return -1;
        for (size_t i = 0; i < tu->nrules; i++)
            if (strcmp(tu->rules[i], "missing-mod-gil") == 0)
                p->gil_rule_tus++;
    } else if (strcmp(status, "skipped") == 0) {
        p->tus_skipped++;
    } else {
        p->tus_failed++;
    }
    for (size_t i = 0; i < tu->nrules; i++)
        if (rule_info(s, IN(tu->rules[i])) == NULL)
            return -1;
    const char *last_rule = NULL;
    for (size_t i = 0; i < tu->nfindings; i++) {
        const ftc_cfinding *f = &tu->findings[i];
        if (add_finding(s, project, f) != 0)
            return -1;
        if (last_rule == NULL || strcmp(last_rule, f->rule) != 0) {
            ftc_rule_info *ri = rule_info(s, IN(f->rule));
            if (ri == NULL)
                return -1;
            take_rule_descriptor(ri, tu->driver_rules);
            last_rule = f->rule;
        }
    }
    for (size_t i = 0; i < tu->nrules && tu->driver_rules; i++)
        take_rule_descriptor(rule_info(s, IN(tu->rules[i])),
                             tu->driver_rules);
    return 0;
}

int ftc_store_add(ftc_store *s, const ftc_side *side)
{
    for (size_t i = 0; i < side->ntus; i++)
        if (add_tu(s, side, &side->tus[i]) != 0)
            return -1;
    return 0;
}

int ftc_store_add_absent(ftc_store *s, const ftc_cfinding *f)
{
    const char *project = IN(f->project);
    if (project == NULL || ftc_store_project(s, project) == NULL)
        return -1;
    if (add_finding(s, project, f) != 0)
        return -1;
    ftc_cfinding *nf = &s->findings[s->nfindings - 1];
    nf->state = FTC_BS_ABSENT;
    nf->tus = 0;
    return rule_info(s, nf->rule) ? 0 : -1;
}

/* ---- finishing ----------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (a == NULL)
        return -1;
    if (b == NULL)
        return 1;
    return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
    const ftc_cfinding *a = pa, *b = pb;
    int c = cmp_str(a->project, b->project);
    if (c == 0)
        c = cmp_str(a->loc.uri, b->loc.uri);
    if (c == 0 && a->loc.line != b->loc.line)
        c = a->loc.line < b->loc.line ? -1 : 1;
    if (c == 0 && a->loc.col != b->loc.col)
        c = a->loc.col < b->loc.col ? -1 : 1;
    if (c == 0)
        c = cmp_str(a->rule, b->rule);
    if (c == 0 && a->fp != b->fp)
        c = a->fp < b->fp ? -1 : 1;
    return c;
}

static int cmp_project(const void *pa, const void *pb)
{
    return strcmp(((const ftc_project *)pa)->name,
                  ((const ftc_project *)pb)->name);
}

static int cmp_rule(const void *pa, const void *pb)
{
    return strcmp(((const ftc_rule_info *)pa)->id,
                  ((const ftc_rule_info *)pb)->id);
}

static int cmp_count(const void *pa, const void *pb)
{
    const ftc_count *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The first name quoted after "module '" in a missing-mod-gil message. */
static const char *module_name(ftc_store *s, const char *msg)
{
    const char *m = strstr(msg, "module '");
    if (m == NULL)
        return NULL;
    m += 8;
    const char *e = strchr(m, '\'');
    if (e == NULL || e == m || e - m > 200)
        return NULL;
    char buf[256];
    memcpy(buf, m, (size_t)(e - m));
    buf[e - m] = '\0';
    return IN(buf);
}

/* The first C-API name (Py..._...) in a text. */
static const char *api_name(ftc_store *s, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        if (p[0] != 'P' || p[1] != 'y' || (p > text && (p[-1] == '_' ||
            (p[-1] >= 'A' && p[-1] <= 'z'))))
            continue;
        size_t n = 2;
        while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') ||
               (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
            n++;
        if (n > 3 && n < 128 && memchr(p, '_', n)) {
            char buf[128];
            memcpy(buf, p, n);
            buf[n] = '\0';
            return IN(buf);
        }
    }
    return NULL;
}

static int compare_modules(const void *a, const void *b)
{
    const ftc_module *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c == 0)
        c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Modules in name order, whatever order the side files came in (shards
 * merged must equal one run). */
static void sort_modules(ftc_project *p)
{
    if (p->nmodules > 1)
        qsort(p->modules, p->nmodules, sizeof(*p->modules), compare_modules);
}

static int derive_modules(ftc_store *s, ftc_project *p)
{
    for (size_t i = p->first; i < p->first + p->count; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (strcmp(f->rule, "missing-mod-gil") != 0 ||
            f->state == FTC_BS_ABSENT)
            continue;
        const char *name = module_name(s, f->message);
        if (name == NULL)
            continue;
        ftc_gil g = strstr(f->message, "declares that it needs the GIL")
                        ? FTC_GIL_USED : FTC_GIL_MISSING;
        if (note_module(s, p, name, g, f->loc.uri, f->loc.line) != 0)
            return -1;
    }
    if (p->gil == FTC_GIL_UNKNOWN && p->gil_rule_tus > 0)
        p->gil = FTC_GIL_NOT_USED;
    return 0;
}

static void verdict(ftc_project *p)
{
    if (p->tus_analysed == 0) {
        p->verdict = "not-analysed";
        p->verdict_reason = p->tus_skipped
            ? "no translation unit includes Python.h" : "nothing analysed";
    } else if (p->gil == FTC_GIL_MISSING || p->gil == FTC_GIL_USED) {
        p->verdict = "blocked";
        p->verdict_reason = p->gil == FTC_GIL_MISSING
            ? "a module does not declare Py_mod_gil"
            : "a module declares it needs the GIL";
    } else if (p->by_level[FTC_LVL_ERROR]) {
        p->verdict = "blocked";
        p->verdict_reason = "error-level findings (use after free)";
    } else if (p->open) {
        p->verdict = "needs-work";
        p->verdict_reason = "open findings";
    } else {
        p->verdict = "ready";
        p->verdict_reason = p->tus_errors || p->tus_failed
            ? "no findings, but some TUs had errors or failed"
            : "no open findings";
    }
}

int ftc_store_finish(ftc_store *s)
{
    qsort(s->findings, s->nfindings, sizeof(*s->findings), cmp_finding);
    qsort(s->projects, s->nprojects, sizeof(*s->projects), cmp_project);
    qsort(s->rules, s->nrules, sizeof(*s->rules), cmp_rule);
    /* Sorting moved the findings: rebuild the index. */
    memset(s->index, 0, s->index_cap * sizeof(*s->index));
    for (size_t i = 0; i < s->nfindings; i++) {
        ftc_cfinding *f = &s->findings[i];
        *slot(s, f->project, f->fp) = (uint32_t)(i + 1);
    }
    size_t i = 0;
    for (size_t k = 0; k < s->nprojects; k++) {
        ftc_project *p = &s->projects[k];
        while (i < s->nfindings && strcmp(s->findings[i].project, p->name) < 0)
            i++;
        p->first = i;
        while (i < s->nfindings && s->findings[i].project == p->name) {
            const ftc_cfinding *f = &s->findings[i];
            if (f->state == FTC_BS_ABSENT)
                p->n_absent++;
            else if (f->suppressed)
                p->suppressed++;
            if (f->state == FTC_BS_NEW && !f->suppressed)
                p->n_new++;
            if (f->state == FTC_BS_UNCHANGED && !f->suppressed)
                p->n_unchanged++;
            if (ftc_is_open(f)) {
                p->open++;
                p->by_level[f->level]++;
                p->by_conf[f->confidence]++;
            }
            i++;
        }
        p->count = i - p->first;
        qsort(p->pythons, p->npythons, sizeof(ftc_count), cmp_count);
        qsort(p->clangs, p->nclangs, sizeof(ftc_count), cmp_count);
        if (derive_modules(s, p) != 0)
            return -1;
        sort_modules(p);
        verdict(p);
    }
    /* The borrowed-reference APIs still in use, most frequent first. */
    for (size_t j = 0; j < s->nfindings; j++) {
        const ftc_cfinding *f = &s->findings[j];
        if (!ftc_is_open(f) || strcmp(f->rule, "borrowed-ref") != 0)
            continue;
        const char *api = api_name(s, f->message);
        if (api && count_name(&s->apis, &s->napis, api) != 0)
            return -1;
    }
    qsort(s->apis, s->napis, sizeof(ftc_count), cmp_count);
    s->api_fix = calloc(s->napis ? s->napis : 1, sizeof(char *));
    if (s->api_fix == NULL)
        return -1;
    for (size_t j = 0; j < s->nfindings; j++) {
        const ftc_cfinding *f = &s->findings[j];
        if (!ftc_is_open(f) || strcmp(f->rule, "borrowed-ref") != 0)
            continue;
        const char *api = api_name(s, f->message);
        /* The replacement: in the suggestion, or "use X" in the message. */
        const char *use = strstr(f->message, ": use ");
        const char *fix = f->suggestion ? api_name(s, f->suggestion) : NULL;
        if (fix == NULL && use)
            fix = api_name(s, use);
        for (size_t k = 0; api && fix && k < s->napis; k++)
            if (s->apis[k].name == api && s->api_fix[k] == NULL &&
                fix != api)
                s->api_fix[k] = fix;
    }
    return 0;
}

void ftc_project_rule_counts(const ftc_store *s, const ftc_project *p,
                             size_t *counts)
{
    memset(counts, 0, s->nrules * sizeof(*counts));
    for (size_t i = p->first; i < p->first + p->count; i++) {
        const ftc_cfinding *f = &s->findings[i];
        if (!ftc_is_open(f))
            continue;
        for (size_t r = 0; r < s->nrules; r++)
            if (s->rules[r].id == f->rule) {
                counts[r]++;
                break;
            }
    }
}

void ftc_totals_of(const ftc_store *s, ftc_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t k = 0; k < s->nprojects; k++) {
        const ftc_project *p = &s->projects[k];
        t->analysed += p->tus_analysed;
        t->skipped += p->tus_skipped;
        t->errors += p->tus_errors;
        t->failed += p->tus_failed;
        t->open += p->open;
        t->suppressed += p->suppressed;
        t->n_new += p->n_new;
        t->unchanged += p->n_unchanged;
        t->absent += p->n_absent;
        t->ready += strcmp(p->verdict, "ready") == 0;
        t->work += strcmp(p->verdict, "needs-work") == 0;
        t->blocked += strcmp(p->verdict, "blocked") == 0;
        t->none += strcmp(p->verdict, "not-analysed") == 0;
    }
}

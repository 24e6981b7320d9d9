/* capi.c - CPython C-API facts shared by the checks, and the answers the
 * front end asks the C side for: which headers are Python's, which
 * function bodies the checks need. */
#include "capi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftc_check.h"
#include "ftc_config.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A path component such as "python3.13t" or "python3.11": the directory
 * Python installs its headers in, e.g. for a pyconfig.h kept apart. */
static int in_python_include_dir(const char *path)
{
    const char *p = strstr(path, "/python");
    for (; p; p = strstr(p + 1, "/python")) {
        const char *q = p + strlen("/python");
        if (*q < '0' || *q > '9')
            continue;
        while ((*q >= '0' && *q <= '9') || *q == '.' || *q == 't' ||
               *q == 'd' || *q == 'm' || *q == 'u')
            q++;
        if (*q == '/')
            return 1;
    }
    return 0;
}

/* Headers of libraries that wrap the C API: findings there are the
 * library's business, not the project's. */
static int in_binding_library(const char *path)
{
    return strstr(path, "/pybind11/") || strstr(path, "/nanobind/") ||
           strcmp(base_name(path), "pythoncapi_compat.h") == 0 ||
           strstr(path, "/numpy/_core/include/") ||
           strstr(path, "/numpy/core/include/");
}

static int under_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

ftc_file_kind ftc_tu_classify_file(ftc_tu *tu, const char *path, int is_system)
{
    if (path == NULL || path[0] == '\0' || path[0] == '<')
        return FTC_FILE_SYSTEM;   /* <built-in>, <command line>, ... */
    if (strcmp(base_name(path), "Python.h") == 0) {
        tu->includes_python = 1;
        const char **slot = FTC_VEC_PUSH(&tu->library_dirs);
        if (slot)
            *slot = ftc_arena_strndup(&tu->arena, path,
                                      (size_t)(base_name(path) - path - 1));
        return FTC_FILE_PYTHON_ENTRY;
    }
    for (size_t i = 0; i < tu->library_dirs.count; i++)
        if (under_dir(path, tu->library_dirs.items[i]))
            return FTC_FILE_PYTHON;
    if (in_python_include_dir(path))
        return FTC_FILE_PYTHON;
    if (is_system || in_binding_library(path))
        return FTC_FILE_SYSTEM;
    return FTC_FILE_PROJECT;
}

const char *ftc_capi_module_init_name(const char *function)
{
    if (function == NULL)
        return NULL;
    if (has_prefix(function, "PyInit_") && function[7])
        return function + 7;
    if (has_prefix(function, "PyModExport_") && function[12])
        return function + 12;
    return NULL;
}

int32_t ftc_capi_function_named_by(const ftc_expr *e)
{
    e = ftc_expr_strip(e);
    if (e && e->kind == FTC_E_ADDR_OF && e->nkids == 1)
        e = ftc_expr_strip(e->kids[0]);
    return e && e->kind == FTC_E_REF && e->ref == FTC_REF_FUNCTION ? e->ref_index : -1;
}

void ftc_capi_for_each_exec_slot(const ftc_tu *tu,
                                 void (*f)(const ftc_var *table, int32_t fn, void *ctx),
                                 void *ctx)
{
    ftc_capi_for_each_slot(tu, "Py_mod_exec", f, ctx);
}

void ftc_capi_for_each_slot(const ftc_tu *tu, const char *slot,
                            void (*f)(const ftc_var *table, int32_t fn, void *ctx),
                            void *ctx)
{
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        const ftc_expr *list = ftc_expr_strip(v->init);
        if (list == NULL || list->kind != FTC_E_INIT_LIST ||
            !ftc_capi_element_type_is(v->canonical_type, "PyModuleDef_Slot"))
            continue;
        for (uint32_t k = 0; k < list->nkids; k++) {
            const ftc_expr *entry = ftc_expr_strip(list->kids[k]);
            if (entry == NULL || entry->kind != FTC_E_INIT_LIST ||
                !ftc_expr_has_macro(ftc_expr_field(entry, "slot"), slot))
                continue;
            int32_t fn = ftc_capi_function_named_by(ftc_expr_field(entry, "value"));
            if (fn >= 0 && (size_t)fn < tu->functions.count)
                f(v, fn, ctx);
        }
    }
}

typedef struct exec_search {
    int32_t index;
    int found;
} exec_search;

static void match_exec(const ftc_var *table, int32_t fn, void *ctx)
{
    exec_search *s = ctx;
    (void)table;
    if (fn == s->index)
        s->found = 1;
}

int ftc_config_wants_function(const ftc_config *cfg, const ftc_tu *tu, int32_t index)
{
    unsigned needs = ftc_config_needs(cfg);
    if (needs & FTC_NEED_FUNCTIONS)
        return 1;
    if (!(needs & FTC_NEED_MODULE_INIT) || index < 0 || (size_t)index >= tu->functions.count)
        return 0;
    if (ftc_capi_module_init_name(tu->functions.items[index].name))
        return 1;
    exec_search s = {index, 0};
    ftc_capi_for_each_exec_slot(tu, match_exec, &s);
    return s.found;
}

int ftc_capi_type_is(const char *type, const char *name)
{
    if (type == NULL)
        return 0;
    for (;;) {
        if (has_prefix(type, "const "))
            type += 6;
        else if (has_prefix(type, "volatile "))
            type += 9;
        else if (has_prefix(type, "struct "))
            type += 7;
        else
            break;
    }
    size_t n = strlen(name);
    return strncmp(type, name, n) == 0 &&
           (type[n] == '\0' || strcmp(type + n, " const") == 0);
}

int ftc_capi_element_type_is(const char *type, const char *name)
{
    if (type == NULL)
        return 0;
    const char *bracket = strchr(type, '[');
    if (bracket == NULL)
        return ftc_capi_type_is(type, name);
    char elem[256];
    size_t n = (size_t)(bracket - type);
    while (n > 0 && type[n - 1] == ' ')
        n--;
    if (n >= sizeof(elem))
        return 0;
    memcpy(elem, type, n);
    elem[n] = '\0';
    return ftc_capi_type_is(elem, name);
}

int ftc_capi_is_mod_gil_slot(const ftc_tu *tu, const ftc_expr *slot)
{
    if (slot == NULL)
        return 0;
    if (ftc_expr_has_macro(slot, "Py_mod_gil"))
        return 1;
    const ftc_expr *s = ftc_expr_strip(slot);
    if (s == NULL || !s->has_value)
        return 0;
    /* No macro name: a number written out, or headers we did not see. */
    uint32_t v = ftc_tu_python_version(tu);
    if (v >= FTC_PY_3_15)
        return s->value == 87 || s->value == 4;
    return v >= FTC_PY_3_13 && s->value == 4;
}

static int is_word_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

int ftc_text_has_word(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (text == NULL || n == 0 || len < n)
        return 0;
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(text + i, word, n) != 0)
            continue;
        if ((i == 0 || !is_word_char(text[i - 1])) &&
            (i + n == len || !is_word_char(text[i + n])))
            return 1;
    }
    return 0;
}

const char *ftc_capi_version_text(uint32_t hex, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u", (hex >> 24) & 0xff, (hex >> 16) & 0xff);
    return buf;
}

/* ---- borrowed references ---------------------------------------------- */

static const ftc_borrowed_api borrowed_apis[] = {
    {"PyList_GetItem", 0, "list", "PyList_GetItemRef", 0x030D00A4, 1, FTC_ADVICE_REPLACE, 1},
    {"PyList_GET_ITEM", 0, "list", "PyList_GetItemRef", 0x030D00A4, 1, FTC_ADVICE_REPLACE, 1},
    {"PyDict_GetItem", 0, "dict", "PyDict_GetItemRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"PyDict_GetItemWithError", 0, "dict", "PyDict_GetItemRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"PyDict_GetItemString", 0, "dict", "PyDict_GetItemStringRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"_PyDict_GetItemStringWithError", 0, "dict", "PyDict_GetItemStringRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"_PyDict_GetItem_KnownHash", 0, "dict", "PyDict_GetItemRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"_PyDict_GetItemId", 0, "dict", "PyDict_GetItemRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"_PyDict_GetItemIdWithError", 0, "dict", "PyDict_GetItemRef", 0x030D00A1, 1, FTC_ADVICE_REPLACE, 0},
    {"PyDict_SetDefault", 0, "dict", "PyDict_SetDefaultRef", 0x030D00A4, 1, FTC_ADVICE_REPLACE, 0},
    {"PyWeakref_GetObject", 0, "weak reference", "PyWeakref_GetRef", 0x030D0000, 1, FTC_ADVICE_REPLACE, 0},
    {"PyWeakref_GET_OBJECT", 0, "weak reference", "PyWeakref_GetRef", 0x030D0000, 1, FTC_ADVICE_REPLACE, 0},
    {"PyImport_AddModule", -1, "sys.modules", "PyImport_AddModuleRef", 0x030D00A0, 1, FTC_ADVICE_REPLACE, 1},
    {"PyImport_AddModuleObject", -1, "sys.modules", "PyImport_AddModuleRef", 0x030D00A0, 1, FTC_ADVICE_REPLACE, 0},
    {"PyCell_GET", 0, "cell", "PyCell_Get", 0, 0, FTC_ADVICE_REPLACE, 1},
    {"PySys_GetObject", -1, "the sys module", "PySys_GetOptionalAttrString", 0x030F0000, 1, FTC_ADVICE_REPLACE, 0},
    {"PySequence_Fast_GET_ITEM", 0, "sequence", NULL, 0, 0, FTC_ADVICE_CRITICAL_SECTION, 0},
    {"PySequence_Fast_ITEMS", 0, "sequence", NULL, 0, 0, FTC_ADVICE_CRITICAL_SECTION, 0},
    {"PyDict_Next", 0, "dict", NULL, 0, 0, FTC_ADVICE_CRITICAL_SECTION, 0},
    {"PyEval_GetGlobals", -1, "the current frame", "PyEval_GetFrameGlobals", 0x030D0000, 0, FTC_ADVICE_NOTE, 0},
    {"PyEval_GetLocals", -1, "the current frame", "PyEval_GetFrameLocals", 0x030D0000, 0, FTC_ADVICE_NOTE, 0},
    {"PyEval_GetBuiltins", -1, "the current frame", "PyEval_GetFrameBuiltins", 0x030D0000, 0, FTC_ADVICE_NOTE, 0},
};

const ftc_borrowed_api *ftc_capi_borrowed(const char *name)
{
    if (name == NULL || (name[0] != 'P' && name[0] != '_'))
        return NULL;
    for (size_t i = 0; i < sizeof(borrowed_apis) / sizeof(borrowed_apis[0]); i++)
        if (strcmp(borrowed_apis[i].name, name) == 0)
            return &borrowed_apis[i];
    return NULL;
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (name[0] == (*list)[0] && strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* The C API's own tables: every name starts with "Py" or "_Py", so most
 * project and library names are rejected by their first letter. */
static int in_api_list(const char *name, const char *const *list)
{
    if (name == NULL || (name[0] != 'P' && name[0] != '_'))
        return 0;
    return in_list(name, list);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The danger tables are consulted for every call the analysis meets:
 * sorted once, then searched by bisection. */
static int in_sorted(const char *name, const char **list, size_t n,
                     int *sorted)
{
    if (!*sorted) {
        qsort(list, n, sizeof(*list), compare_names);
        *sorted = 1;
    }
    return bsearch(&name, list, n, sizeof(*list), compare_names) != NULL;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Cannot run Python code nor drop a reference. */
static const char *no_danger[] = {
    "Py_INCREF", "Py_XINCREF", "Py_NewRef", "Py_XNewRef", "Py_IncRef",
    "Py_XIncRef", "_Py_NewRef", "_Py_XNewRef", "_Py_INCREF", "Py_TYPE",
    "Py_SIZE", "Py_REFCNT", "Py_IS_TYPE", "Py_SET_SIZE", "Py_SET_TYPE",
    "Py_SET_REFCNT", "Py_Is", "Py_IsNone", "Py_IsTrue", "Py_IsFalse",
    "_Py_IsImmortal", "PyType_IsSubtype", "PyType_HasFeature",
    "PyType_GetFlags", "PyList_Size", "PyList_GET_SIZE", "PyTuple_Size",
    "PyTuple_GET_SIZE", "PyDict_Size", "PyDict_GET_SIZE", "PyBytes_Size",
    "PyBytes_GET_SIZE", "PyBytes_AS_STRING", "PyBytes_AsString",
    "PyByteArray_AS_STRING", "PyByteArray_GET_SIZE", "PyUnicode_GET_LENGTH",
    "PyUnicode_GetLength", "PyUnicode_AsUTF8", "PyUnicode_AsUTF8AndSize",
    "PyUnicode_READ_CHAR", "PyUnicode_DATA", "PyUnicode_KIND",
    "PyTuple_New", "PyList_New", "PyDict_New", "PyTuple_Pack",
    "PyList_Append", "PyList_SET_ITEM", "PyTuple_SET_ITEM", "PyTuple_GetItem",
    "PyTuple_GET_ITEM", "PyList_GetItem", "PyList_GET_ITEM", "PyList_GetItemRef",
    "PyDict_GetItem", "PyDict_GetItemWithError", "PyDict_GetItemString",
    "PyDict_GetItemRef", "PyDict_GetItemStringRef", "PyDict_Next",
    "PyDict_Contains", "PyWeakref_GetObject", "PyWeakref_GET_OBJECT",
    "PyWeakref_GetRef", "PyCell_GET", "PyCell_Get", "PySequence_Fast_GET_ITEM",
    "PySequence_Fast_GET_SIZE", "PySequence_Fast_ITEMS",
    "PyErr_Occurred", "PyErr_ExceptionMatches", "PyErr_GivenExceptionMatches",
    "PyModule_GetState", "PyModule_GetDict", "PyModule_GetDef",
    "PyModule_GetName", "PyType_GetModule", "PyType_GetModuleByDef",
    "PyType_GetModuleState", "PyObject_GetTypeData", "PyType_GetSlot",
    "PyArg_ParseTuple", "PyArg_ParseTupleAndKeywords", "PyArg_UnpackTuple",
    "PyArg_Parse", "PyArg_VaParse", "_PyArg_CheckPositional",
    "PyObject_Malloc", "PyObject_Realloc", "PyObject_Free", "PyObject_Calloc",
    "PyObject_Init", "PyObject_GC_Track", "PyObject_GC_UnTrack",
    "PyObject_GC_Del", "PyCriticalSection_Begin", "PyCriticalSection_End",
    "PyCriticalSection2_Begin", "PyCriticalSection2_End",
    "PyMutex_Lock", "PyMutex_Unlock", "_PyMutex_Lock", "_PyMutex_Unlock",
    "PyGILState_Check", "PyThreadState_Get", "_PyObject_CAST",
    "_PyVarObject_CAST", "_Py_CAST", "_PyList_CAST", "_PyTuple_CAST",
    "Py_UNUSED", "assert"};

ftc_danger ftc_capi_call_danger(const char *name)
{
    /* Besides running code and mutating containers: calls that drop a
     * reference they were given or hold. */
    static const char *const drops[] = {
        "Py_SETREF", "Py_XSETREF", "_Py_Dealloc", "PyTuple_SetItem",
        "PyModule_AddObject", NULL};
    static int none_sorted;
    if (name == NULL)
        return FTC_DANGER_LIKELY;
    if (ftc_capi_runs_code_on(name) || ftc_capi_mutates_container(name) ||
        ftc_capi_is_decref(name) || in_api_list(name, drops))
        return FTC_DANGER_CERTAIN;
    if (in_sorted(name, no_danger, sizeof(no_danger) / sizeof(no_danger[0]),
                  &none_sorted) ||
        has_suffix(name, "_Check") ||
        has_suffix(name, "_CheckExact") || has_prefix(name, "PyLong_From") ||
        has_prefix(name, "PyFloat_From") || has_prefix(name, "PyUnicode_From") ||
        has_prefix(name, "PyBytes_From") || has_prefix(name, "PyBool_From") ||
        has_prefix(name, "PyMem_") || has_prefix(name, "PyThread_") ||
        has_prefix(name, "PyErr_Set") || has_prefix(name, "PyErr_Format") ||
        has_prefix(name, "PyErr_NoMemory"))
        return FTC_DANGER_NONE;
    return FTC_DANGER_LIKELY;
}

/* Calls that return a container nobody else holds yet: the +1 returns of
 * Doc/data/refcounts.dat whose documentation says the result is a new
 * list, tuple, dict or set (a copy, a snapshot, a split), not the argument
 * itself or a view of it. Py_BuildValue and PySequence_Fast depend on
 * their arguments: see ftc_capi_fresh_if. */
int ftc_capi_creates_container(const char *name)
{
    static const char *const creators[] = {
        /* constructors */
        "PyList_New", "PyDict_New", "PyTuple_New", "PyTuple_Pack",
        "PySet_New", "PyFrozenSet_New", "_PyDict_NewPresized",
        /* copies and snapshots */
        "PyDict_Copy", "PyDict_Items", "PyDict_Keys", "PyDict_Values",
        "PyMapping_Items", "PyMapping_Keys", "PyMapping_Values",
        "PySequence_List", "PySequence_Tuple", "PyList_GetSlice",
        "PyTuple_GetSlice", "PyList_AsTuple", "PyObject_Dir",
        /* results built by the call */
        "PyUnicode_Split", "PyUnicode_RSplit", "PyUnicode_Splitlines",
        "PyUnicode_Partition", "PyUnicode_RPartition",
        /* not new, but private to the calling thread */
        "PyThreadState_GetDict", NULL};
    return name && in_api_list(name, creators);
}

int ftc_capi_thread_private(const char *name)
{
    return name && strcmp(name, "PyThreadState_GetDict") == 0;
}

int ftc_capi_fresh_if(const char *name)
{
    if (name == NULL)
        return -1;
    if (strcmp(name, "PySequence_Fast") == 0)
        return 0;     /* a new list, or its argument when that is a list or tuple */
    if (strcmp(name, "Py_BuildValue") == 0 || strcmp(name, "_Py_BuildValue_SizeT") == 0)
        return 1;     /* new when its format builds a container */
    return -1;
}

int ftc_capi_build_value_is_container(const char *format)
{
    /* "[...]", "{...}", "(...)" or more than one item make a new list, dict
     * or tuple; a single "O" returns its argument. */
    if (format == NULL)
        return 0;
    while (*format == ' ' || *format == '\t' || *format == ',' || *format == ':')
        format++;
    if (*format == '[' || *format == '{' || *format == '(')
        return 1;
    int items = 0;
    for (const char *f = format; *f; f++) {
        if (strchr(" \t,:#&!*", *f))
            continue;
        if (*f == '[' || *f == '{' || *f == '(')
            return 1;
        items++;
    }
    return items > 1;
}

/* Calls that run Python code chosen by their first argument's type
 * (__call__, __repr__, __getattr__, __eq__, __hash__, __iter__, ...): on
 * an object of unknown type they can do anything, including dropping the
 * last reference to an item of any container that code can reach. */
int ftc_capi_runs_code_on(const char *name)
{
    static const char *const runs[] = {
        "PyObject_Call", "PyObject_CallObject", "PyObject_CallNoArgs",
        "PyObject_CallOneArg", "PyObject_CallFunction", "PyObject_CallMethod",
        "PyObject_CallFunctionObjArgs", "PyObject_CallMethodObjArgs",
        "PyObject_CallMethodNoArgs", "PyObject_CallMethodOneArg",
        "_PyObject_CallFunction_SizeT", "_PyObject_CallMethod_SizeT",
        "PyObject_Vectorcall", "PyObject_VectorcallMethod", "PyObject_VectorcallDict",
        "PyEval_CallObject", "PyEval_CallObjectWithKeywords", "PyEval_EvalCode",
        "PyObject_Repr", "PyObject_Str", "PyObject_ASCII", "PyObject_Bytes",
        "PyObject_Print", "PyObject_Format", "PyObject_Hash", "PyObject_RichCompare",
        "PyObject_RichCompareBool", "PyObject_GetAttr", "PyObject_GetAttrString",
        "PyObject_GetOptionalAttr", "PyObject_GetOptionalAttrString",
        "PyObject_SetAttr", "PyObject_SetAttrString", "PyObject_DelAttr",
        "PyObject_DelAttrString", "PyObject_HasAttr", "PyObject_HasAttrString",
        "PyObject_GetItem", "PyObject_SetItem", "PyObject_DelItem",
        "PyObject_GetIter", "PyIter_Next", "PyObject_Dir", "PyObject_IsTrue",
        "PyObject_Not", "PySequence_GetItem", "PySequence_SetItem",
        "PySequence_DelItem", "PyMapping_GetItemString", "PyMapping_SetItemString",
        "PyImport_Import", "PyImport_ImportModule", "PyImport_ImportModuleLevel",
        "PyErr_Print", "PyErr_PrintEx", "PyErr_WriteUnraisable", NULL};
    return name && in_api_list(name, runs);
}

/* Calls that replace or remove items of their first argument, dropping the
 * container's references to them. */
int ftc_capi_mutates_container(const char *name)
{
    static const char *const mutators[] = {
        "PyDict_SetItem", "PyDict_SetItemString", "PyDict_DelItem",
        "PyDict_DelItemString", "PyDict_Clear", "PyDict_Update", "PyDict_Merge",
        "PyDict_MergeFromSeq2", "PyDict_Pop", "PyDict_PopString",
        "_PyDict_SetItem_KnownHash", "_PyDict_DelItem_KnownHash",
        "PyObject_SetItem", "PyObject_DelItem", "PyObject_DelItemString",
        "PyList_SetItem", "PyList_SetSlice", "PyList_Clear", "PySequence_SetItem",
        "PySequence_DelItem", "PySequence_SetSlice", "PySequence_DelSlice",
        "PyMapping_SetItemString", "PyMapping_DelItem", "PyMapping_DelItemString",
        "PyWeakref_ClearRef", "PyCell_Set", NULL};
    return name && in_api_list(name, mutators);
}

int ftc_capi_stores_new_reference(const char *name, uint32_t arg)
{
    /* Calls that store a new reference to an argument and leave the
     * caller's own reference alone (not the stealing ones: PyList_SetItem,
     * PyTuple_SetItem, the SET_ITEM macros, PyModule_AddObject). */
    static const char *const storing[] = {
        "PyDict_SetItem", "PyDict_SetItemString", "PyDict_SetDefault",
        "PyDict_SetDefaultRef", "PyList_Append", "PyList_Insert", "PySet_Add",
        "PyObject_SetAttr", "PyObject_SetAttrString", "PyObject_SetItem",
        "PyModule_AddObjectRef", "PyCell_Set", NULL};
    return arg >= 1 && in_api_list(name, storing);
}

int ftc_capi_keeps_no_reference(const char *name, uint32_t arg)
{
    /* Calls that store an argument somewhere (beyond the container they
     * operate on, which is their first argument). */
    static const char *const storing[] = {
        "PyList_Append", "PyList_Insert", "PyList_SetItem", "PyList_SET_ITEM",
        "PyTuple_SetItem", "PyTuple_SET_ITEM", "PyTuple_Pack", "PyDict_SetItem",
        "PyDict_SetItemString", "PyDict_SetDefault", "PyDict_SetDefaultRef",
        "PySet_Add", "PyModule_AddObject", "PyModule_AddObjectRef",
        "PyModule_Add", "Py_BuildValue", "PyObject_SetAttr",
        "PyObject_SetAttrString", "PyObject_SetItem", "PyCell_Set", NULL};
    if (name == NULL)
        return 0;
    /* The container's own operations: PyList_Append(list, item) does not
     * publish `list` (it does publish `item`). */
    if (arg == 0 && (has_prefix(name, "PyList_") || has_prefix(name, "PyDict_") ||
                     has_prefix(name, "PyTuple_") || has_prefix(name, "PySet_") ||
                     has_prefix(name, "_PyDict_")))
        return 1;
    if (in_api_list(name, storing))
        return 0;
    /* Calls that read a sequence into a new object. The containers whose
     * fate is asked about are built-in ones (fresh, args, kwargs), whose
     * iteration runs no Python code that could keep them. */
    static const char *const reading[] = {"PyUnicode_Join", "PyBytes_Join", "_PyBytes_Join",
                                          NULL};
    if (in_api_list(name, reading))
        return 1;
    /* Accessors, type checks, reference counting: they keep nothing. */
    return ftc_capi_call_danger(name) == FTC_DANGER_NONE ||
           strcmp(name, "Py_DECREF") == 0 || strcmp(name, "Py_XDECREF") == 0 ||
           strcmp(name, "Py_CLEAR") == 0;
}

int ftc_capi_makes_plain_value(const char *name)
{
    /* Objects whose deallocation runs no Python code: str, int, float,
     * bytes, bool, and tuples of objects that stay referenced elsewhere. */
    return name && (has_prefix(name, "PyUnicode_From") ||
                    has_prefix(name, "PyUnicode_Decode") ||
                    strcmp(name, "PyUnicode_InternFromString") == 0 ||
                    has_prefix(name, "PyLong_From") || has_prefix(name, "PyFloat_From") ||
                    has_prefix(name, "PyBytes_From") || strcmp(name, "PyBool_FromLong") == 0 ||
                    strcmp(name, "PyTuple_Pack") == 0);
}

int ftc_capi_is_decref(const char *name)
{
    static const char *const decrefs[] = {
        "Py_DECREF", "Py_XDECREF", "Py_CLEAR", "Py_DecRef", "Py_XDecRef",
        "_Py_DECREF", "_Py_XDECREF", NULL};
    return name && in_api_list(name, decrefs);
}

int ftc_capi_is_incref(const char *name)
{
    static const char *const increfs[] = {
        "Py_INCREF", "Py_XINCREF", "Py_NewRef", "Py_XNewRef", "Py_IncRef",
        "Py_XIncRef", "_Py_NewRef", "_Py_XNewRef", NULL};
    return name && in_api_list(name, increfs);
}

int ftc_capi_is_cs_begin(const char *macro)
{
    return has_prefix(macro, "Py_BEGIN_CRITICAL_SECTION");
}

int ftc_capi_is_cs_end(const char *macro)
{
    return has_prefix(macro, "Py_END_CRITICAL_SECTION");
}

/* ---- locks ---------------------------------------------------------------- */

int ftc_capi_lock_call(const char *name)
{
    /* Python's locks, POSIX, C11, Windows, and the libraries extensions
     * embed (SDL, libuv); "lock"/"unlock" are the std::mutex family's
     * member functions (and any class that names its methods so). */
    static const char *const acquire[] = {
        "PyMutex_Lock", "_PyMutex_Lock", "pthread_mutex_lock",
        "pthread_rwlock_wrlock", "pthread_rwlock_rdlock", "pthread_spin_lock",
        "PyThread_acquire_lock", "PyThread_acquire_lock_timed",
        "EnterCriticalSection", "AcquireSRWLockExclusive", "AcquireSRWLockShared",
        "mtx_lock", "SDL_LockMutex", "SDL_mutexP", "uv_mutex_lock",
        "uv_rwlock_wrlock", "uv_rwlock_rdlock", "lock", "lock_shared",
        "PyCriticalSection_Begin", "PyCriticalSection2_Begin", NULL};
    static const char *const release[] = {
        "PyMutex_Unlock", "_PyMutex_Unlock", "pthread_mutex_unlock",
        "pthread_rwlock_unlock", "pthread_spin_unlock", "PyThread_release_lock",
        "LeaveCriticalSection", "ReleaseSRWLockExclusive", "ReleaseSRWLockShared",
        "mtx_unlock", "SDL_UnlockMutex", "SDL_mutexV", "uv_mutex_unlock",
        "uv_rwlock_wrunlock", "uv_rwlock_rdunlock", "unlock", "unlock_shared",
        "PyCriticalSection_End", "PyCriticalSection2_End", NULL};
    if (name == NULL)
        return 0;
    return in_list(name, acquire) ? 1 : in_list(name, release) ? -1 : 0;
}

int ftc_capi_is_scoped_guard(const char *type)
{
    return type && (strstr(type, "lock_guard") || strstr(type, "unique_lock") ||
                    strstr(type, "scoped_lock"));
}

int ftc_capi_is_lock_type(const char *type)
{
    static const char *const locks[] = {
        "PyMutex", "pthread_mutex_t", "PyThread_type_lock", "pthread_once_t",
        "pthread_rwlock_t", "pthread_cond_t", "pthread_spinlock_t",
        "Py_tss_t", "PyCriticalSection", "mtx_t", "once_flag", "CRITICAL_SECTION",
        "SRWLOCK", NULL};
    if (type == NULL)
        return 0;
    for (const char *const *l = locks; *l; l++)
        if (ftc_capi_type_is(type, *l) || ftc_capi_element_type_is(type, *l))
            return 1;
    return strstr(type, "std::mutex") || strstr(type, "std::recursive_mutex") ||
           strstr(type, "std::timed_mutex") || strstr(type, "SDL_mutex") ||
           strstr(type, "uv_mutex_t") || strstr(type, "uv_rwlock_t") ||
           strstr(type, "std::shared_mutex") || strstr(type, "std::once_flag") ||
           strstr(type, "std::condition_variable");
}

int ftc_capi_writes_through_args(const char *name)
{
    static const struct { const char *name; int first; } writers[] = {
        {"PyArg_ParseTuple", 2}, {"PyArg_Parse", 2}, {"PyArg_ParseTupleAndKeywords", 4},
        {"PyArg_UnpackTuple", 4}, {"_PyArg_ParseTupleAndKeywordsFast", 3},
        {"PyType_Ready", 0}, {"memset", 0}, {"memcpy", 0}, {"memmove", 0},
        {"strcpy", 0}, {"strncpy", 0}, {"strcat", 0}, {"strncat", 0},
        {"sprintf", 0}, {"snprintf", 0}, {"PyOS_snprintf", 0}, {"sscanf", 2}};
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
        if (strcmp(writers[i].name, name) == 0)
            return writers[i].first;
    return -1;
}

int ftc_capi_parse_outputs(const char *format, unsigned first, unsigned char *out,
                           unsigned nargs)
{
    if (format == NULL)
        return 0;
    unsigned arg = first;
    for (const char *f = format; *f && *f != ':' && *f != ';'; f++) {
        char c = *f;
        if (strchr("()|$ \t", c))
            continue;
        if (c == 'e' && (f[1] == 's' || f[1] == 't')) {      /* es, et, es#, et# */
            arg++;                                            /* encoding: in */
            f++;
        }
        if (c == 'O' && (f[1] == '!' || f[1] == '&')) {       /* O! type, O& converter */
            arg++;
            f++;
        }
        if (arg < nargs)
            out[arg] = 1;
        arg++;
        if (f[1] == '#') {                                    /* buffer and length */
            if (arg < nargs)
                out[arg] = 1;
            arg++;
            f++;
        } else if (f[1] == '*' || f[1] == '!' || f[1] == '&') {
            f++;
        }
    }
    return 1;
}

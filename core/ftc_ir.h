/* ftc_ir.h - the plain-C picture of one translation unit.
 *
 * The Clang front end (plugin/) fills it; the checks (checks/) read it and
 * never see a Clang type. Everything lives in the TU's arena and dies with
 * ftc_tu_free(). Indices, not pointers, link files, globals and functions so
 * that the front end can fill the tables in any order.
 *
 * Locations are 1-based line and byte column in a file of tu->files.
 * Ranges in the IR are token ranges, as Clang keeps them: `end` is where the
 * last token starts (finding the token's end costs a re-lex, paid only for
 * the few ranges that become findings: see ftc_tu_token_end). Locations
 * inside a macro expansion are given at the expansion site.
 */
#ifndef FTC_IR_H
#define FTC_IR_H

#include <stddef.h>
#include <stdint.h>

#include "ftc_arena.h"
#include "ftc_vec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ftc_loc {
    int32_t file;   /* index into tu->files, -1 when unknown */
    uint32_t line;  /* 1-based, 0 when unknown */
    uint32_t col;   /* 1-based byte column */
    uint32_t offset; /* byte offset in the file */
} ftc_loc;

typedef struct ftc_range {
    ftc_loc begin;
    ftc_loc end;    /* start of the last token (IR); exclusive in findings */
} ftc_range;

/* ---- files ---------------------------------------------------------- */

typedef enum ftc_file_kind {
    FTC_FILE_PROJECT = 0,  /* the project's own sources and headers: analysed */
    FTC_FILE_SYSTEM,       /* system headers: never lowered, never reported */
    FTC_FILE_PYTHON,       /* Python's own headers: likewise */
    FTC_FILE_PYTHON_ENTRY  /* Python.h itself: its presence gates the analysis */
} ftc_file_kind;

typedef struct ftc_file {
    const char *path;       /* as Clang names it */
    ftc_file_kind kind;
    int is_main;
    int32_t includer;       /* file that included it first, -1 for the main file */
    const char *content;    /* whole file, not NUL-terminated; NULL if unknown */
    size_t content_len;
} ftc_file;

/* ---- preprocessor ---------------------------------------------------- */

/* Final definition state of a macro some check watches. */
typedef struct ftc_macro_def {
    const char *name;
    int defined;
    const char *value;      /* spelling of the replacement list, "" if empty */
    ftc_loc loc;            /* where it was (last) defined */
} ftc_macro_def;

/* One expansion of a watched macro in a project file. */
typedef struct ftc_macro_use {
    const char *name;
    ftc_range range;        /* the macro name, or name through ')' */
    uint32_t nargs;
    const char **args;      /* spelling of each argument, whitespace-trimmed */
} ftc_macro_use;

/* A region the preprocessor skipped (#if 0, #ifdef Py_GIL_DISABLED in a GIL
 * build, ...). Its text is tu->files[range.begin.file].content between the
 * two offsets, so a check can see what was compiled out on purpose. */
typedef struct ftc_skipped {
    ftc_range range;
} ftc_skipped;

/* One branch of an #if / #ifdef / #ifndef ... #elif / #else ... #endif
 * chain in a project file, taken or not, so a check can ask which
 * configurations compile a piece of code. */
typedef struct ftc_cond_branch {
    ftc_range range;        /* the directive up to the chain's next one */
    const char *condition;  /* as written; "defined(X)" for #ifdef X,
                               "!defined(X)" for #ifndef X, NULL for #else */
    int32_t previous;       /* the chain's previous branch, -1 for the first */
    int taken;
} ftc_cond_branch;

/* ---- expressions ----------------------------------------------------- */

typedef enum ftc_expr_kind {
    FTC_E_OTHER = 0,     /* anything not modelled below; kids still lowered */
    FTC_E_CALL,          /* name = direct callee or NULL; kids = arguments.
                            A watched function-like macro used as an
                            expression is a CALL too: name = the macro,
                            kids = its arguments (PyList_GET_ITEM(l, i)) */
    FTC_E_REF,           /* reference to a declaration: see ref/ref_index */
    FTC_E_MEMBER,        /* kids[0] = base; name = member; op = 1 for '->' */
    FTC_E_DEREF,         /* *kids[0] */
    FTC_E_SUBSCRIPT,     /* kids[0][kids[1]] */
    FTC_E_ASSIGN,        /* kids[0] = kids[1] */
    FTC_E_COMPOUND_ASSIGN, /* kids[0] op= kids[1]; name = operator spelling */
    FTC_E_INCDEC,        /* ++/-- on kids[0]; name = "++" or "--" */
    FTC_E_ADDR_OF,       /* &kids[0] */
    FTC_E_COMPARE,       /* kids[0] op kids[1]; name = "==", "!=", "<", ... */
    FTC_E_LOGICAL,       /* &&, ||, ! ; name = operator spelling */
    FTC_E_BINARY,        /* other binary operators; name = spelling */
    FTC_E_UNARY,         /* other unary operators; name = spelling */
    FTC_E_CONDITIONAL,   /* kids[0] ? kids[1] : kids[2] */
    FTC_E_CAST,          /* explicit cast of kids[0] */
    FTC_E_INT,           /* integer or character literal: value */
    FTC_E_STRING,        /* string literal: name = contents */
    FTC_E_INIT_LIST,     /* brace initializer; kids in field/element order */
    FTC_E_IMPLICIT_ZERO, /* a member an initializer leaves out */
    FTC_E_DECL,          /* local declaration: name, ref_index = local id,
                            kids[0] = initializer when there is one */
    FTC_E_RETURN,        /* kids[0] = value when there is one */
    FTC_E_COMMA          /* kids in order */
} ftc_expr_kind;

typedef enum ftc_ref_kind {
    FTC_REF_NONE = 0,
    FTC_REF_GLOBAL,      /* ref_index into tu->globals */
    FTC_REF_PARAM,       /* ref_index = parameter position */
    FTC_REF_LOCAL,       /* ref_index = local id within the function */
    FTC_REF_FUNCTION,    /* ref_index into tu->functions, or -1 if only declared */
    FTC_REF_ENUM         /* enumerator: value is set */
} ftc_ref_kind;

enum {
    FTC_LOCK_ACQUIRES = 1u << 0,  /* acquire_capability, exclusive_lock_function, ... */
    FTC_LOCK_RELEASES = 1u << 1,  /* release_capability, unlock_function */
    FTC_LOCK_SCOPED   = 1u << 2   /* a variable of a scoped_lockable type */
};

typedef struct ftc_expr ftc_expr;
struct ftc_expr {
    ftc_expr_kind kind;
    ftc_ref_kind ref;
    int32_t ref_index;
    int32_t decl_file;     /* REF and CALL: file of the referenced
                              declaration's first appearance, -1 if none */
    int has_value;         /* value is the integer the expression folds to */
    int64_t value;
    ftc_range range;
    const char *name;      /* see the kinds above */
    const char *type;      /* type as written, may be NULL */
    const char *field;     /* in a struct initializer: the member it sets */
    const char *text;      /* source text when range cannot give it (code
                              in a project macro's body: its range is the
                              whole invocation); NULL otherwise */
    uint32_t lock;         /* FTC_LOCK_*: what Clang's thread-safety
                              attributes say of a CALL's callee or a
                              DECL's type */
    uint32_t nmacros;
    const char **macros;   /* macros this node is the whole expansion of,
                              outermost first (Py_mod_gil, Py_MOD_GIL_NOT_USED) */
    uint32_t nkids;
    ftc_expr **kids;       /* a kid may be NULL where Clang had nothing */
};

/* ---- globals ----------------------------------------------------------- */

enum {
    FTC_VAR_CONST        = 1u << 0,
    FTC_VAR_ATOMIC       = 1u << 1,  /* _Atomic or std::atomic */
    FTC_VAR_THREAD_LOCAL = 1u << 2,
    FTC_VAR_ARRAY        = 1u << 3,
    FTC_VAR_STATIC       = 1u << 4,  /* internal linkage */
    FTC_VAR_EXTERN_DECL  = 1u << 5,  /* declaration only, defined elsewhere */
    FTC_VAR_LOCAL_STATIC = 1u << 6,  /* function-local static */
    FTC_VAR_POINTER      = 1u << 7,
    FTC_VAR_GUARDED      = 1u << 8   /* guarded_by / pt_guarded_by a lock */
};

typedef struct ftc_var {
    const char *name;
    ftc_range range;       /* the declaration */
    ftc_loc name_loc;
    const char *type;      /* as written */
    const char *canonical_type;
    uint32_t flags;
    int32_t function;      /* enclosing function for a local static, else -1 */
    ftc_expr *init;        /* NULL when there is no initializer */
} ftc_var;

/* ---- functions and their control-flow graphs --------------------------- */

typedef struct ftc_block {
    uint32_t nstmts;
    ftc_expr **stmts;      /* full expressions in evaluation order */
    int last_is_condition; /* the last statement is the branch condition
                              that ends the block (if, while, &&, ?:) */
    uint32_t nsuccs;
    int32_t *succs;        /* block indices; -1 for an unreachable edge */
} ftc_block;

typedef struct ftc_param {
    const char *name;
    const char *type;
} ftc_param;

typedef struct ftc_func {
    const char *name;
    ftc_range range;
    ftc_loc name_loc;
    int is_static;
    int has_body;
    uint32_t nparams;
    ftc_param *params;
    const char *return_type;
    uint32_t nblocks;
    ftc_block *blocks;     /* entry first; empty when the CFG could not be built */
    int32_t entry;
    int32_t exit;
} ftc_func;

/* ---- the translation unit ---------------------------------------------- */

typedef struct ftc_tu {
    ftc_arena arena;
    const char *main_file;       /* path of the main source file */
    const char *output_file;     /* object file Clang writes, may be NULL */
    const char *working_dir;
    int includes_python;         /* a PYTHON_ENTRY file was entered */
    int is_cplusplus;
    int has_errors;              /* Clang reported errors: analysis may be partial */
    const char *clang_version;
    FTC_VEC(ftc_file) files;
    FTC_VEC(const char *) library_dirs; /* roots of Python's (and other
                                           libraries') headers seen so far */
    FTC_VEC(ftc_macro_def) macro_defs;
    FTC_VEC(ftc_macro_use) macro_uses;
    FTC_VEC(ftc_skipped) skipped;
    FTC_VEC(ftc_cond_branch) branches;
    FTC_VEC(ftc_var) globals;
    FTC_VEC(ftc_func) functions;
    const char *lock_functions;  /* the project's own lock functions,
                                    "acquire:release[,...]" (configuration) */
} ftc_tu;

ftc_tu *ftc_tu_new(void);
void ftc_tu_free(ftc_tu *tu);

/* Decide what a file is, by its path, as soon as the front end enters it.
 * Called once per file; the answer for Python.h also sets includes_python. */
ftc_file_kind ftc_tu_classify_file(ftc_tu *tu, const char *path, int is_system);

/* Append a file and return its index. */
int32_t ftc_tu_add_file(ftc_tu *tu, const char *path, ftc_file_kind kind,
                        int is_main, int32_t includer);

/* Lookups the checks share. */
const ftc_macro_def *ftc_tu_macro(const ftc_tu *tu, const char *name);
const ftc_func *ftc_tu_function(const ftc_tu *tu, const char *name);
int ftc_tu_is_project_file(const ftc_tu *tu, int32_t file);
/* The text of a skipped region (not NUL-terminated) and its length. */
const char *ftc_tu_skipped_text(const ftc_tu *tu, const ftc_skipped *s,
                                size_t *len);
/* The location just past the token that starts at loc (a C token scan of
 * the file's content); loc itself when the content is unknown. */
ftc_loc ftc_tu_token_end(const ftc_tu *tu, ftc_loc loc);
/* Convert a token range to a character range (end exclusive). */
ftc_range ftc_tu_char_range(const ftc_tu *tu, ftc_range token_range);
/* The location of a byte offset in a file (line and column computed). */
ftc_loc ftc_tu_loc_at(const ftc_tu *tu, int32_t file, uint32_t offset);

/* PY_VERSION_HEX as the headers define it, 0 if unknown. */
uint32_t ftc_tu_python_version(const ftc_tu *tu);
int ftc_tu_gil_disabled(const ftc_tu *tu);

/* Expression helpers. */
const ftc_expr *ftc_expr_strip(const ftc_expr *e);  /* through casts */
int ftc_expr_has_macro(const ftc_expr *e, const char *macro);
const ftc_expr *ftc_expr_field(const ftc_expr *init_list, const char *field);
/* Calls f on e and every node below it, pre-order; stops early if f
 * returns non-zero and returns that value. */
int ftc_expr_walk(const ftc_expr *e,
                  int (*f)(const ftc_expr *e, void *ctx), void *ctx);
/* The same over every statement of a function's CFG, in block order. */
int ftc_func_walk(const ftc_func *fn,
                  int (*f)(const ftc_expr *e, void *ctx), void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* FTC_IR_H */

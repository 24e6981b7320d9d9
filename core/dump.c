/* dump.c - the IR as text, for developing checks:
 *     clang -fplugin=libftcheck.so -fplugin-arg-ftcheck-dump-ir ... */
#include <stdio.h>

#include "ftc_engine.h"

static const char *const kind_names[] = {
    "other", "call", "ref", "member", "deref", "subscript", "assign",
    "compound-assign", "incdec", "addr-of", "compare", "logical", "binary",
    "unary", "conditional", "cast", "int", "string", "init-list",
    "implicit-zero", "decl", "return", "comma"};

static void dump_expr(const ftc_expr *e, FILE *out, int depth)
{
    if (e == NULL) {
        fprintf(out, "%*s(null)\n", depth * 2, "");
        return;
    }
    fprintf(out, "%*s(%s", depth * 2, "",
            (size_t)e->kind < sizeof(kind_names) / sizeof(kind_names[0])
                ? kind_names[e->kind] : "?");
    if (e->name)
        fprintf(out, " '%s'", e->name);
    if (e->ref)
        fprintf(out, " ref=%d:%d", (int)e->ref, e->ref_index);
    if (e->has_value)
        fprintf(out, " =%lld", (long long)e->value);
    if (e->field)
        fprintf(out, " .%s", e->field);
    for (uint32_t i = 0; i < e->nmacros; i++)
        fprintf(out, " macro:%s", e->macros[i]);
    fprintf(out, " @%u:%u-%u:%u)\n", e->range.begin.line, e->range.begin.col,
            e->range.end.line, e->range.end.col);
    for (uint32_t i = 0; i < e->nkids; i++)
        dump_expr(e->kids[i], out, depth + 1);
}

void ftc_dump_tu(const ftc_tu *tu, FILE *out)
{
    for (size_t i = 0; i < tu->globals.count; i++) {
        const ftc_var *v = &tu->globals.items[i];
        fprintf(out, "global %zu %s : %s flags=%#x\n", i, v->name,
                v->canonical_type, v->flags);
        if (v->init)
            dump_expr(v->init, out, 1);
    }
    for (size_t i = 0; i < tu->functions.count; i++) {
        const ftc_func *fn = &tu->functions.items[i];
        fprintf(out, "function %zu %s (%u blocks, entry %d, exit %d)\n", i,
                fn->name, fn->nblocks, fn->entry, fn->exit);
        for (uint32_t b = 0; b < fn->nblocks; b++) {
            const ftc_block *blk = &fn->blocks[b];
            fprintf(out, "  block %u ->", b);
            for (uint32_t s = 0; s < blk->nsuccs; s++)
                fprintf(out, " %d", blk->succs[s]);
            fprintf(out, "\n");
            for (uint32_t s = 0; s < blk->nstmts; s++)
                dump_expr(blk->stmts[s], out, 2);
        }
    }
    for (size_t i = 0; i < tu->macro_uses.count; i++) {
        const ftc_macro_use *u = &tu->macro_uses.items[i];
        fprintf(out, "macro-use %s @%u:%u", u->name, u->range.begin.line,
                u->range.begin.col);
        for (uint32_t a = 0; a < u->nargs; a++)
            fprintf(out, " [%s]", u->args[a]);
        fprintf(out, "\n");
    }
    for (size_t i = 0; i < tu->branches.count; i++) {
        const ftc_cond_branch *b = &tu->branches.items[i];
        fprintf(out, "branch #%zu @%u:%u-%u:%u %s prev=%d [%s]\n", i, b->range.begin.line,
                b->range.begin.col, b->range.end.line, b->range.end.col,
                b->taken ? "taken" : "skipped", b->previous,
                b->condition ? b->condition : "#else");
    }
}

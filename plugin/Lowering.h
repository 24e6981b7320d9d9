// Lowering.h - the AST of the project's own code as ftc IR.
//
// Only declarations in project files are visited (Python's and system
// headers are dropped at the top of the walk); function bodies become CFGs
// of small expression trees, and only for the functions the enabled checks
// ask for.
#ifndef FTCHECK_PLUGIN_LOWERING_H
#define FTCHECK_PLUGIN_LOWERING_H

#include "clang/AST/ASTContext.h"

#include "LocationMap.h"

struct ftc_config;

namespace ftcheck {

class PreprocessorWatcher;

// TopLevel: the top-level declarations the parser handed over that may be
// in project files, in order (FtcheckAction collects them as they come,
// while they are still in cache; walking the whole TU afterwards touched
// every declaration of every header again).
void lowerTranslationUnit(clang::ASTContext &Ctx, LocationMap &Locs,
                          const PreprocessorWatcher &PPW,
                          llvm::ArrayRef<const clang::Decl *> TopLevel,
                          ftc_tu *TU, const ftc_config &Cfg);

} // namespace ftcheck

#endif

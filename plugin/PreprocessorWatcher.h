// PreprocessorWatcher.h - what the preprocessor knows that the AST forgets:
// which files came in, expansions of the macros checks watch, and the
// regions an #if skipped (a configuration compiles out declarations that
// another configuration uses, and a check must still see them).
#ifndef FTCHECK_PLUGIN_PREPROCESSORWATCHER_H
#define FTCHECK_PLUGIN_PREPROCESSORWATCHER_H

#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include "LocationMap.h"
#include "ftc_config.h"

namespace ftcheck {

class PreprocessorWatcher : public clang::PPCallbacks {
public:
  PreprocessorWatcher(clang::Preprocessor &PP, LocationMap &Locs, ftc_tu *TU,
                      const ftc_config &Cfg);

  void FileChanged(clang::SourceLocation Loc, FileChangeReason Reason,
                   clang::SrcMgr::CharacteristicKind FileType,
                   clang::FileID PrevFID) override;
  void MacroExpands(const clang::Token &Name, const clang::MacroDefinition &MD,
                    clang::SourceRange Range,
                    const clang::MacroArgs *Args) override;
  void SourceRangeSkipped(clang::SourceRange Range,
                          clang::SourceLocation EndifLoc) override;

  // #if chains in project files, as ftc_cond_branch records.
  void If(clang::SourceLocation Loc, clang::SourceRange ConditionRange,
          ConditionValueKind ConditionValue) override;
  void Elif(clang::SourceLocation Loc, clang::SourceRange ConditionRange,
            ConditionValueKind ConditionValue,
            clang::SourceLocation IfLoc) override;
  void Ifdef(clang::SourceLocation Loc, const clang::Token &MacroNameTok,
             const clang::MacroDefinition &MD) override;
  void Ifndef(clang::SourceLocation Loc, const clang::Token &MacroNameTok,
              const clang::MacroDefinition &MD) override;
  void Else(clang::SourceLocation Loc, clang::SourceLocation IfLoc) override;
  void Endif(clang::SourceLocation Loc, clang::SourceLocation IfLoc) override;

  // After parsing: the final definition of every watched macro.
  void recordDefinitions();

  // A function-like macro invocation in the project's code, of a watched
  // macro or of any macro from Python's or a system header: the whole of
  // it (name to ')'), where each argument was written, and the file that
  // defines the macro. Lowering turns each into one call node, so checks
  // see a getter macro GET_ITEM(l, i) as a call and never walk library macro
  // bodies (asserts, casts, type checks).
  struct Invocation {
    clang::SourceRange Call;
    llvm::SmallVector<clang::SourceRange, 4> Args;
    int32_t DefinedIn = -1;
  };

  // The invocation whose macro name is at NameLoc; null if not recorded.
  // Lowering uses it to find the argument subtrees in the expanded AST.
  const Invocation *invocationAt(clang::SourceLocation NameLoc) const {
    auto It = Invocations.find(NameLoc.getRawEncoding());
    return It == Invocations.end() ? nullptr : &It->second;
  }

private:
  clang::Preprocessor &PP;
  clang::SourceManager &SM;
  LocationMap &Locs;
  ftc_tu *TU;
  bool WantUses;
  bool WantCalls;
  bool WantSkipped;
  bool WantConditions;
  // Open #if chains in project files: the directive that opened each and
  // the index of its latest branch in TU->branches.
  struct OpenChain {
    clang::SourceLocation IfLoc;
    int32_t Branch;
  };
  std::vector<OpenChain> Chains;
  void openBranch(clang::SourceLocation Loc, std::string Condition,
                  bool HasCondition, bool Taken, bool StartsChain);
  void closeBranch(clang::SourceLocation Loc, clang::SourceLocation IfLoc);
  std::string conditionText(clang::SourceRange Range) const;
  llvm::DenseSet<const clang::IdentifierInfo *> Watched;
  std::vector<const clang::IdentifierInfo *> WatchedOrder;
  llvm::DenseMap<unsigned, Invocation> Invocations;
};

} // namespace ftcheck

#endif

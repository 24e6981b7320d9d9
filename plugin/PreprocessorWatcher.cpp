// PreprocessorWatcher.cpp - see PreprocessorWatcher.h.
#include "PreprocessorWatcher.h"

#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroArgs.h"
#include "clang/Lex/MacroInfo.h"

#include <string>

#include "ftc_check.h"
#include "ftc_config.h"

namespace ftcheck {

PreprocessorWatcher::PreprocessorWatcher(clang::Preprocessor &PP,
                                         LocationMap &Locs, ftc_tu *TU,
                                         const ftc_config &Cfg)
    : PP(PP), SM(PP.getSourceManager()), Locs(Locs), TU(TU) {
  unsigned Needs = ftc_config_needs(&Cfg);
  WantUses = Needs & FTC_NEED_MACROS;
  WantCalls = Needs & (FTC_NEED_FUNCTIONS | FTC_NEED_MODULE_INIT);
  WantSkipped = Needs & FTC_NEED_SKIPPED;
  WantConditions = Needs & FTC_NEED_CONDITIONS;
  ftc_config_watched_macros(
      &Cfg,
      [](const char *Name, void *Ctx) {
        auto *Self = static_cast<PreprocessorWatcher *>(Ctx);
        const clang::IdentifierInfo *II = Self->PP.getIdentifierInfo(Name);
        if (Self->Watched.insert(II).second)
          Self->WatchedOrder.push_back(II);
      },
      this);
}

void PreprocessorWatcher::FileChanged(clang::SourceLocation Loc,
                                      FileChangeReason Reason,
                                      clang::SrcMgr::CharacteristicKind FileType,
                                      clang::FileID PrevFID) {
  if (Reason == ExitFile) {
    Locs.lexing(SM.getFileID(Loc), /*Entered=*/false);
    return;
  }
  if (Reason != EnterFile)
    return;
  clang::FileID FID = SM.getFileID(Loc);
  if (FID.isInvalid())
    return;
  Locs.enterFile(FID, PrevFID, FileType != clang::SrcMgr::C_User);
  Locs.lexing(FID, /*Entered=*/true);
}

static std::string spell(clang::Preprocessor &PP, const clang::Token *T) {
  std::string Out;
  for (; T->isNot(clang::tok::eof); ++T) {
    if (!Out.empty() && T->hasLeadingSpace())
      Out += ' ';
    Out += PP.getSpelling(*T);
  }
  return Out;
}

void PreprocessorWatcher::MacroExpands(const clang::Token &Name,
                                       const clang::MacroDefinition &MD,
                                       clang::SourceRange Range,
                                       const clang::MacroArgs *Args) {
  // Most expansions are in Python's and the C library's headers: the
  // cheapest test goes first.
  if (!Locs.mayBeProject(Name.getLocation()))
    return;
  const clang::MacroInfo *MI = MD.getMacroInfo();
  bool IsWatched = WantUses && Watched.count(Name.getIdentifierInfo());
  // Only a TU that passes the C side's gate (includes_python) is lowered:
  // record call invocations only then; the gating header comes first in
  // practice, so nothing a check reads is lost.
  bool IsLibraryCall = WantCalls && TU->includes_python && Args && MI &&
                       MI->isFunctionLike();
  if ((!IsWatched && !IsLibraryCall) || !Locs.isProject(Name.getLocation()))
    return;
  // Invoked from another macro's body: that body's file decides. Inside a
  // library header's macro it is the library's; inside a project macro it
  // is the project's.
  clang::SourceLocation L = Name.getLocation();
  if (L.isMacroID() && !SM.isMacroArgExpansion(L)) {
    clang::FileID Body = SM.getFileID(SM.getSpellingLoc(L));
    if (!Locs.isProjectIndex(Locs.fileIndex(Body)))
      return;
  }
  int32_t DefinedIn = MI ? Locs.fileOf(MI->getDefinitionLoc()) : -1;
  if (!IsWatched && (DefinedIn < 0 ||
                     TU->files.items[DefinedIn].kind == FTC_FILE_PROJECT))
    return;   // the project's own macros are lowered through their bodies

  ftc_macro_use *U = nullptr;
  if (IsWatched && (U = FTC_VEC_PUSH(&TU->macro_uses))) {
    U->name = Name.getIdentifierInfo()->getNameStart();
    U->range = Locs.range(Range);
  }
  if (!Args)
    return;
  unsigned N = Args->getNumMacroArguments();
  if (U) {
    U->args = static_cast<const char **>(
        ftc_arena_alloc(&TU->arena, sizeof(char *) * (N ? N : 1)));
    if (!U->args)
      return;
  }
  Invocation &Inv = Invocations[L.getRawEncoding()];
  Inv.Call = Range;
  Inv.DefinedIn = DefinedIn;
  for (unsigned I = 0; I < N; ++I) {
    const clang::Token *T = Args->getUnexpArgument(I);
    if (U) {
      std::string S = spell(PP, T);
      U->args[I] = ftc_arena_strndup(&TU->arena, S.data(), S.size());
    }
    const clang::Token *Last = T;
    for (const clang::Token *X = T; X->isNot(clang::tok::eof); ++X)
      Last = X;
    Inv.Args.push_back(T->is(clang::tok::eof)
                           ? clang::SourceRange()
                           : clang::SourceRange(T->getLocation(),
                                                Last->getLocation()));
  }
  if (U)
    U->nargs = N;
}

void PreprocessorWatcher::SourceRangeSkipped(clang::SourceRange Range,
                                             clang::SourceLocation EndifLoc) {
  if (!WantSkipped || !Locs.isProject(Range.getBegin()))
    return;
  ftc_skipped *S = FTC_VEC_PUSH(&TU->skipped);
  if (!S)
    return;
  S->range.begin = Locs.loc(Range.getBegin());
  S->range.end = Locs.loc(EndifLoc.isValid() ? EndifLoc : Range.getEnd());
  if (S->range.end.file != S->range.begin.file ||
      S->range.end.offset < S->range.begin.offset)
    S->range.end = S->range.begin;
}

std::string PreprocessorWatcher::conditionText(clang::SourceRange Range) const {
  bool Invalid = false;
  llvm::StringRef Text = clang::Lexer::getSourceText(
      clang::CharSourceRange::getTokenRange(Range), SM, PP.getLangOpts(),
      &Invalid);
  return Invalid ? std::string() : Text.str();
}

// A branch ends where the chain's next directive starts; the directive's
// own line belongs to the branch it opens.
void PreprocessorWatcher::closeBranch(clang::SourceLocation Loc,
                                      clang::SourceLocation IfLoc) {
  if (Chains.empty() || Chains.back().IfLoc != IfLoc)
    return;
  ftc_cond_branch &B = TU->branches.items[Chains.back().Branch];
  ftc_loc End = Locs.loc(Loc);
  if (End.file == B.range.begin.file && End.offset >= B.range.begin.offset)
    B.range.end = End;
}

void PreprocessorWatcher::openBranch(clang::SourceLocation Loc,
                                     std::string Condition, bool HasCondition,
                                     bool Taken, bool StartsChain) {
  int32_t Previous = -1;
  if (!StartsChain) {
    if (Chains.empty())
      return;
    Previous = Chains.back().Branch;
  }
  ftc_cond_branch *B = FTC_VEC_PUSH(&TU->branches);
  if (!B) {
    if (!StartsChain)
      Chains.pop_back();
    return;
  }
  B->range.begin = B->range.end = Locs.loc(Loc);
  B->condition = HasCondition ? ftc_arena_strndup(&TU->arena, Condition.data(),
                                                  Condition.size())
                              : nullptr;
  B->previous = Previous;
  B->taken = Taken;
  int32_t Index = static_cast<int32_t>(TU->branches.count - 1);
  if (StartsChain)
    Chains.push_back({Loc, Index});
  else
    Chains.back().Branch = Index;
}

void PreprocessorWatcher::If(clang::SourceLocation Loc,
                             clang::SourceRange ConditionRange,
                             ConditionValueKind ConditionValue) {
  if (!WantConditions || !Locs.isProject(Loc))
    return;
  openBranch(Loc, conditionText(ConditionRange), true,
             ConditionValue == CVK_True, /*StartsChain=*/true);
}

void PreprocessorWatcher::Elif(clang::SourceLocation Loc,
                               clang::SourceRange ConditionRange,
                               ConditionValueKind ConditionValue,
                               clang::SourceLocation IfLoc) {
  if (!WantConditions || Chains.empty() || Chains.back().IfLoc != IfLoc)
    return;
  closeBranch(Loc, IfLoc);
  openBranch(Loc, conditionText(ConditionRange), true,
             ConditionValue == CVK_True, /*StartsChain=*/false);
}

void PreprocessorWatcher::Ifdef(clang::SourceLocation Loc,
                                const clang::Token &MacroNameTok,
                                const clang::MacroDefinition &MD) {
  if (!WantConditions || !Locs.isProject(Loc))
    return;
  std::string Name = PP.getSpelling(MacroNameTok);
  openBranch(Loc, "defined(" + Name + ")", true, bool(MD), true);
}

void PreprocessorWatcher::Ifndef(clang::SourceLocation Loc,
                                 const clang::Token &MacroNameTok,
                                 const clang::MacroDefinition &MD) {
  if (!WantConditions || !Locs.isProject(Loc))
    return;
  std::string Name = PP.getSpelling(MacroNameTok);
  openBranch(Loc, "!defined(" + Name + ")", true, !bool(MD), true);
}

void PreprocessorWatcher::Else(clang::SourceLocation Loc,
                               clang::SourceLocation IfLoc) {
  if (!WantConditions || Chains.empty() || Chains.back().IfLoc != IfLoc)
    return;
  // Taken when no earlier branch of the chain was.
  bool Taken = true;
  for (int32_t I = Chains.back().Branch; I >= 0;
       I = TU->branches.items[I].previous)
    Taken = Taken && !TU->branches.items[I].taken;
  closeBranch(Loc, IfLoc);
  openBranch(Loc, std::string(), false, Taken, /*StartsChain=*/false);
}

void PreprocessorWatcher::Endif(clang::SourceLocation Loc,
                                clang::SourceLocation IfLoc) {
  if (!WantConditions || Chains.empty() || Chains.back().IfLoc != IfLoc)
    return;
  closeBranch(Loc, IfLoc);
  Chains.pop_back();
}

void PreprocessorWatcher::recordDefinitions() {
  for (const clang::IdentifierInfo *II : WatchedOrder) {
    ftc_macro_def *D = FTC_VEC_PUSH(&TU->macro_defs);
    if (!D)
      return;
    D->name = II->getNameStart();
    const clang::MacroInfo *MI = PP.getMacroInfo(II);
    D->defined = MI != nullptr;
    D->value = "";
    if (!MI)
      continue;
    D->loc = Locs.loc(MI->getDefinitionLoc());
    std::string V;
    for (const clang::Token &T : MI->tokens()) {
      if (!V.empty() && T.hasLeadingSpace())
        V += ' ';
      V += PP.getSpelling(T);
    }
    D->value = ftc_arena_strndup(&TU->arena, V.data(), V.size());
  }
}

} // namespace ftcheck

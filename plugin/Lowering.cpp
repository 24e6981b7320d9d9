// Lowering.cpp - see Lowering.h.
#include "Lowering.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "PreprocessorWatcher.h"
#include "compat.h"
#include "ftc_check.h"
#include "ftc_config.h"

using namespace clang;

namespace ftcheck {
namespace {

// Deeper expressions than this are cut off as FTC_E_OTHER: generated code
// can nest thousands of levels, and no check looks that deep.
constexpr unsigned MaxDepth = 256;
// Initializer lists longer than this keep only their head: data tables are
// not what checks read, and module tables are short.
constexpr unsigned MaxInitElements = 4096;
// How deep in a macro's expansion to look for where an argument went.
constexpr unsigned MaxArgDepth = 12;

class Lowerer {
public:
  Lowerer(ASTContext &Ctx, LocationMap &Locs, const PreprocessorWatcher &PPW,
          ftc_tu *TU, const ftc_config &Cfg)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Locs(Locs), PPW(PPW), TU(TU),
        Cfg(Cfg), A(&TU->arena) {
    unsigned Needs = ftc_config_needs(&Cfg);
    WantGlobals = Needs & FTC_NEED_GLOBALS;
    WantBodies = Needs & (FTC_NEED_FUNCTIONS | FTC_NEED_MODULE_INIT);
  }

  void run(llvm::ArrayRef<const Decl *> TopLevel) {
    for (const Decl *D : TopLevel)
      collectOne(D);
    // Initializers first: which bodies to lower can depend on them (the
    // exec functions a slot table names).
    size_t Done = lowerPendingInits(0);
    for (auto &P : Candidates)
      if (ftc_config_wants_function(&Cfg, TU, P.second))
        lowerBody(P.first, P.second);
      else if (WantGlobals)
        collectLocalStatics(P.first->getBody(), P.second);
    lowerPendingInits(Done);   // local statics found in the bodies
  }

  size_t lowerPendingInits(size_t From) {
    for (size_t I = From; I < PendingInits.size(); ++I)
      TU->globals.items[PendingInits[I].second].init =
          lowerInit(PendingInits[I].first->getInit());
    return PendingInits.size();
  }

private:
  ASTContext &Ctx;
  SourceManager &SM;
  LocationMap &Locs;
  const PreprocessorWatcher &PPW;
  ftc_tu *TU;
  const ftc_config &Cfg;
  ftc_arena *A;
  bool WantGlobals, WantBodies;
  bool InInitializer = false;

  llvm::DenseMap<const VarDecl *, int32_t> GlobalIndex;
  llvm::DenseMap<const FunctionDecl *, int32_t> FunctionIndex;
  llvm::SmallVector<std::pair<const FunctionDecl *, int32_t>, 64> Candidates;
  llvm::SmallVector<std::pair<const VarDecl *, int32_t>, 64> PendingInits;
  llvm::DenseSet<int32_t> Initialised;   // globals whose initializer is known

  // Per function being lowered.
  llvm::DenseMap<const VarDecl *, int32_t> Locals;
  llvm::DenseMap<const ParmVarDecl *, int32_t> Params;

  const char *str(llvm::StringRef S) {
    return ftc_arena_strndup(A, S.data(), S.size());
  }
  const char *typeStr(QualType T) {
    return str(T.getAsString(Ctx.getPrintingPolicy()));
  }

  // ---- declarations -------------------------------------------------------

  void collect(const DeclContext *DC) {
    for (const Decl *D : DC->decls())
      collectOne(D);
  }

  void collectOne(const Decl *D) {
    // The first and cheapest filter: where does the declaration live?
    if (!Locs.isProject(D->getLocation()))
      return;
    if (const auto *NS = dyn_cast<NamespaceDecl>(D)) {
      collect(NS);
    } else if (const auto *LS = dyn_cast<LinkageSpecDecl>(D)) {
      collect(LS);
    } else if (const auto *VD = dyn_cast<VarDecl>(D)) {
      if (WantGlobals)
        addGlobal(VD, -1);
    } else if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
      addFunction(FD);
    } else if (const auto *RD = dyn_cast<CXXRecordDecl>(D)) {
      if (RD->isThisDeclarationADefinition() && !RD->isDependentContext())
        collect(RD);
    }
    // Function templates: only their instantiations are real code.
  }

  int32_t addGlobal(const VarDecl *VD, int32_t Function) {
    if (!VD->hasGlobalStorage() || isa<ParmVarDecl>(VD))
      return -1;
    auto It = GlobalIndex.find(VD->getCanonicalDecl());
    if (It != GlobalIndex.end()) {
      // A later declaration of something seen already: the one with the
      // initializer (C tentative definitions and externs come first) is
      // what the variable is.
      if (VD->getInit() && !Initialised.count(It->second)) {
        fillGlobal(TU->globals.items[It->second], VD, Function);
        PendingInits.push_back({VD, It->second});
        Initialised.insert(It->second);
      }
      return It->second;
    }
    ftc_var *V = FTC_VEC_PUSH(&TU->globals);
    if (!V)
      return -1;
    int32_t Idx = static_cast<int32_t>(TU->globals.count - 1);
    GlobalIndex[VD->getCanonicalDecl()] = Idx;
    fillGlobal(*V, VD, Function);
    if (VD->getInit()) {
      PendingInits.push_back({VD, Idx});
      Initialised.insert(Idx);
    }
    return Idx;
  }

  void fillGlobal(ftc_var &V, const VarDecl *VD, int32_t Function) {
    QualType T = VD->getType();
    QualType Elem = T;
    while (const ArrayType *AT = Ctx.getAsArrayType(Elem))
      Elem = AT->getElementType();
    V.name = str(VD->getName());
    V.range = Locs.range(VD->getSourceRange());
    V.name_loc = Locs.loc(VD->getLocation());
    V.type = typeStr(T);
    V.canonical_type = typeStr(T.getCanonicalType());
    V.function = Function;
    V.flags = 0;
    if (Elem.isConstQualified())
      V.flags |= FTC_VAR_CONST;
    if (Elem->isAtomicType() || isStdAtomic(Elem))
      V.flags |= FTC_VAR_ATOMIC;
    if (VD->getTLSKind() != VarDecl::TLS_None)
      V.flags |= FTC_VAR_THREAD_LOCAL;
    if (T->isArrayType())
      V.flags |= FTC_VAR_ARRAY;
    if (Elem->isPointerType())
      V.flags |= FTC_VAR_POINTER;
    if (VD->getStorageClass() == SC_Static)
      V.flags |= FTC_VAR_STATIC;
    if (VD->isStaticLocal())
      V.flags |= FTC_VAR_LOCAL_STATIC;
    if (VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly)
      V.flags |= FTC_VAR_EXTERN_DECL;
    if (VD->hasAttr<GuardedByAttr>() || VD->hasAttr<PtGuardedByAttr>())
      V.flags |= FTC_VAR_GUARDED;
  }

  // Clang's thread-safety attributes (also their older spellings, which
  // Clang maps onto the same attribute classes).
  static uint32_t lockAttrs(const FunctionDecl *FD) {
    uint32_t A = 0;
    if (FD->hasAttr<AcquireCapabilityAttr>())
      A |= FTC_LOCK_ACQUIRES;
    if (FD->hasAttr<ReleaseCapabilityAttr>())
      A |= FTC_LOCK_RELEASES;
    return A;
  }

  static uint32_t lockAttrs(QualType T) {
    const auto *RD = T->getAsCXXRecordDecl();
    return RD && RD->hasAttr<ScopedLockableAttr>() ? FTC_LOCK_SCOPED : 0;
  }

  static bool isStdAtomic(QualType T) {
    const auto *RD = T->getAsCXXRecordDecl();
    if (!RD)
      return false;
    std::string N = RD->getQualifiedNameAsString();
    return N == "std::atomic" || N == "std::atomic_flag" ||
           N == "std::atomic_ref";
  }

  void addFunction(const FunctionDecl *FD) {
    if (FD->isDependentContext() || !FD->doesThisDeclarationHaveABody())
      return;
    if (FunctionIndex.count(FD->getCanonicalDecl()))
      return;
    ftc_func *F = FTC_VEC_PUSH(&TU->functions);
    if (!F)
      return;
    int32_t Idx = static_cast<int32_t>(TU->functions.count - 1);
    FunctionIndex[FD->getCanonicalDecl()] = Idx;
    F->name = str(FD->getNameAsString());
    F->range = Locs.range(FD->getSourceRange());
    F->name_loc = Locs.loc(FD->getLocation());
    F->is_static = FD->getStorageClass() == SC_Static;
    F->has_body = 1;
    F->return_type = typeStr(FD->getReturnType());
    F->entry = F->exit = -1;
    F->nparams = FD->getNumParams();
    F->params = static_cast<ftc_param *>(
        ftc_arena_alloc(A, sizeof(ftc_param) * (F->nparams ? F->nparams : 1)));
    for (unsigned I = 0; F->params && I < F->nparams; ++I) {
      F->params[I].name = str(FD->getParamDecl(I)->getName());
      F->params[I].type = typeStr(FD->getParamDecl(I)->getType());
    }
    if (WantBodies)
      Candidates.push_back({FD, Idx});
    else if (WantGlobals)
      collectLocalStatics(FD->getBody(), Idx);
  }

  // Function-local statics are globals too, even in bodies not lowered.
  void collectLocalStatics(const Stmt *S, int32_t Function) {
    if (!S)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (VD->isStaticLocal())
            addGlobal(VD, Function);
    for (const Stmt *C : S->children())
      collectLocalStatics(C, Function);
  }

  // ---- function bodies --------------------------------------------------

  void lowerBody(const FunctionDecl *FD, int32_t Idx) {
    Locals.clear();
    Params.clear();
    for (unsigned I = 0; I < FD->getNumParams(); ++I)
      Params[FD->getParamDecl(I)] = static_cast<int32_t>(I);
    if (WantGlobals)
      collectLocalStatics(FD->getBody(), Idx);

    CFG::BuildOptions Opts;
    // In C++, scope ends show up as destructor calls: a lock guard's
    // region ends where its destructor runs.
    Opts.AddImplicitDtors = Ctx.getLangOpts().CPlusPlus;
    std::unique_ptr<CFG> G =
        CFG::buildCFG(FD, FD->getBody(), &Ctx, Opts);
    ftc_func &F = TU->functions.items[Idx];
    if (!G)
      return;
    // Conditional and logical operators make the CFG list their operands
    // as elements of other blocks too; the full expression holding them is
    // what checks read, so an element inside another element is dropped.
    llvm::SmallPtrSet<const Stmt *, 32> All, Nested;
    for (const CFGBlock *B : *G)
      for (const CFGElement &E : *B)
        if (auto CS = E.getAs<CFGStmt>())
          All.insert(CS->getStmt());
    if (All.size() > 1)
      for (const Stmt *S : All)
        markNested(S, All, Nested, 0);
    unsigned N = G->getNumBlockIDs();
    F.blocks = static_cast<ftc_block *>(
        ftc_arena_alloc(A, sizeof(ftc_block) * (N ? N : 1)));
    if (!F.blocks)
      return;
    F.nblocks = N;
    F.entry = static_cast<int32_t>(G->getEntry().getBlockID());
    F.exit = static_cast<int32_t>(G->getExit().getBlockID());
    for (const CFGBlock *B : *G)
      lowerBlock(*B, F.blocks[B->getBlockID()], Nested);
  }

  void lowerBlock(const CFGBlock &B, ftc_block &Out,
                  const llvm::SmallPtrSetImpl<const Stmt *> &Nested) {
    llvm::SmallVector<const Stmt *, 16> Elems;
    llvm::SmallVector<const VarDecl *, 4> Dtors;  // in order, with the stmts
    llvm::SmallVector<unsigned, 4> DtorAt;
    for (const CFGElement &E : B) {
      if (auto CS = E.getAs<CFGStmt>()) {
        if (!Nested.count(CS->getStmt()))
          Elems.push_back(CS->getStmt());
      } else if (auto D = E.getAs<CFGAutomaticObjDtor>()) {
        Dtors.push_back(D->getVarDecl());
        DtorAt.push_back(Elems.size());
      }
    }
    Out.stmts = static_cast<ftc_expr **>(
        ftc_arena_alloc(A, sizeof(ftc_expr *) * (Elems.size() + Dtors.size() + 1)));
    if (!Out.stmts)
      return;
    size_t NextDtor = 0;
    for (size_t I = 0; I <= Elems.size(); ++I) {
      for (; NextDtor < Dtors.size() && DtorAt[NextDtor] == I; ++NextDtor)
        if (ftc_expr *X = destructorCall(Dtors[NextDtor], B))
          Out.stmts[Out.nstmts++] = X;
      if (I < Elems.size())
        Out.stmts[Out.nstmts++] = lowerStmt(Elems[I], 0);
    }
    const Stmt *Cond = B.getTerminatorCondition(false);
    Out.last_is_condition = Cond && !Elems.empty() && Elems.back() == Cond;
    Out.succs = static_cast<int32_t *>(
        ftc_arena_alloc(A, sizeof(int32_t) * (B.succ_size() + 1)));
    if (!Out.succs)
      return;
    for (const CFGBlock::AdjacentBlock &S : B.succs()) {
      const CFGBlock *T = S.getReachableBlock();
      Out.succs[Out.nsuccs++] = T ? static_cast<int32_t>(T->getBlockID()) : -1;
    }
  }

  // A local's destructor at the end of its scope, as a call named
  // "~Type" on that local, located at the scope's closing brace.
  ftc_expr *destructorCall(const VarDecl *V, const CFGBlock &B) {
    ftc_expr *E = node(FTC_E_CALL, nullptr);
    if (!E)
      return nullptr;
    std::string Name = "~";
    if (const auto *RD = V->getType()->getAsCXXRecordDecl())
      Name += RD->getNameAsString();
    E->name = str(Name);
    E->ref = FTC_REF_LOCAL;
    E->ref_index = localId(V);
    const Stmt *Scope = B.getTerminatorStmt();
    SourceLocation At = Scope ? Scope->getEndLoc() : SourceLocation();
    for (const CFGElement &X : B)
      if (auto D = X.getAs<CFGAutomaticObjDtor>())
        if (D->getVarDecl() == V && D->getTriggerStmt())
          At = D->getTriggerStmt()->getEndLoc();
    E->range = Locs.range(At, At);
    return E;
  }

  void markNested(const Stmt *S, const llvm::SmallPtrSetImpl<const Stmt *> &In,
                  llvm::SmallPtrSetImpl<const Stmt *> &Nested, unsigned Depth) {
    if (Depth > MaxDepth)
      return;
    for (const Stmt *C : S->children()) {
      if (!C)
        continue;
      if (In.count(C))
        Nested.insert(C);
      markNested(C, In, Nested, Depth + 1);
    }
  }

  // ---- expressions --------------------------------------------------------

  ftc_expr *node(ftc_expr_kind K, const Stmt *S) {
    auto *E = static_cast<ftc_expr *>(ftc_arena_alloc(A, sizeof(ftc_expr)));
    if (!E)
      return nullptr;
    E->kind = K;
    E->ref_index = -1;
    E->decl_file = -1;
    if (S) {
      E->range = Locs.range(S->getSourceRange());
      if (S->getBeginLoc().isMacroID())
        E->text = projectMacroBodyText(S->getSourceRange());
    }
    return E;
  }

  // Code written in one of the project's macro bodies is located at the
  // invocation, whose text is the whole call (`DEFINE_LOOKUP(width)`): the
  // name of a container or lock in it comes from the definition.
  const char *projectMacroBodyText(SourceRange R) {
    SourceLocation B = R.getBegin(), E = R.getEnd();
    // Both ends in one expansion's body; `GET_TC(tc)->dict` ends outside.
    if (!E.isMacroID() || SM.isMacroArgExpansion(B) ||
        SM.isMacroArgExpansion(E) || SM.getFileID(B) != SM.getFileID(E))
      return nullptr;
    B = SM.getSpellingLoc(B);
    E = SM.getSpellingLoc(E);
    FileID F = SM.getFileID(B);
    if (!Locs.isProjectIndex(Locs.fileIndex(F)) || SM.getFileID(E) != F ||
        SM.getFileOffset(E) < SM.getFileOffset(B))
      return nullptr;
    bool Invalid = false;
    llvm::StringRef T = Lexer::getSourceText(
        CharSourceRange::getTokenRange(B, E), SM, Ctx.getLangOpts(), &Invalid);
    if (Invalid)
      return nullptr;
    std::string Joined;   // without the definition's line continuations
    for (size_t I = 0; I < T.size(); ++I)
      if (T[I] == '\\' && I + 1 < T.size() && T[I + 1] == '\n')
        ++I;
      else
        Joined += T[I];
    return str(Joined);
  }

  void kids(ftc_expr *E, std::initializer_list<const Stmt *> Ks, unsigned D) {
    setKids(E, Ks.size(), [&](unsigned I) { return *(Ks.begin() + I); }, D);
  }

  template <typename Get>
  void setKids(ftc_expr *E, size_t N, Get G, unsigned D) {
    if (!E || N == 0)
      return;
    E->kids = static_cast<ftc_expr **>(ftc_arena_alloc(A, sizeof(ftc_expr *) * N));
    if (!E->kids)
      return;
    E->nkids = static_cast<uint32_t>(N);
    for (size_t I = 0; I < N; ++I) {
      const Stmt *S = G(static_cast<unsigned>(I));
      E->kids[I] = S ? lowerStmt(S, D + 1) : nullptr;
    }
  }

  struct MacroLevel {
    const char *Name;
    SourceLocation NameLoc;  // the macro name where it was expanded
  };

  // The macro expansion whose body produced the token at Loc: through
  // argument substitutions to where the tokens were really expanded, so
  // INNER's body inside OUTER(INNER(c)) belongs to INNER. Start is the
  // macro name, End the ')' of the invocation.
  bool bodyExpansion(SourceLocation &Loc, SourceLocation &Start,
                     SourceLocation &End) const {
    for (unsigned Guard = 0; Loc.isMacroID() && Guard < 64; ++Guard) {
      const SrcMgr::SLocEntry &Entry = SM.getSLocEntry(SM.getFileID(Loc));
      if (!Entry.isExpansion())
        return false;
      const SrcMgr::ExpansionInfo &X = Entry.getExpansion();
      if (!X.isMacroArgExpansion()) {
        Start = X.getExpansionLocStart();
        End = X.getExpansionLocEnd();
        return true;   // Loc is now the token inside that body
      }
      // An argument token: written in the file (no macro of its own), or
      // produced by a macro expanded inside the argument.
      Loc = SM.getImmediateSpellingLoc(Loc);
    }
    return false;
  }

  // Is the token at Loc the last of its macro body? (As Lexer's
  // isAtEndOfMacroExpansion asks it, one expansion level only.)
  bool isAtBodyEnd(SourceLocation Loc) const {
    unsigned Len = Lexer::MeasureTokenLength(SM.getSpellingLoc(Loc), SM,
                                             Ctx.getLangOpts());
    return Len > 0 &&
           SM.isAtEndOfImmediateMacroExpansion(Loc.getLocWithOffset(Len));
  }

  // The macros whose whole expansion is exactly this expression, outermost
  // first: a slot-id macro for the literal 4 it expands to.
  void macroChain(const Stmt *S, llvm::SmallVectorImpl<MacroLevel> &Out) {
    SourceLocation B = S->getBeginLoc(), E = S->getEndLoc();
    const LangOptions &LO = Ctx.getLangOpts();
    llvm::SmallVector<MacroLevel, 4> Inner;
    while (B.isMacroID() && E.isMacroID() && Inner.size() < 16) {
      SourceLocation BBody = B, EBody = E, BStart, BEnd, EStart, EEnd;
      // Most nodes inside an expansion do not start it: test that first.
      if (!bodyExpansion(BBody, BStart, BEnd) ||
          !SM.isAtStartOfImmediateMacroExpansion(BBody) ||
          !bodyExpansion(EBody, EStart, EEnd) || BStart != EStart ||
          !isAtBodyEnd(EBody))
        break;
      llvm::StringRef Name = Lexer::getImmediateMacroName(BBody, SM, LO);
      if (Name.empty())
        break;
      Inner.push_back({str(Name), BStart});
      // Step out to the invocation, which may itself be a whole expansion.
      if (B == BStart && E == BEnd)
        break;
      B = BStart;
      E = BEnd;
    }
    // Collected innermost first.
    for (auto It = Inner.rbegin(); It != Inner.rend(); ++It)
      Out.push_back(*It);
  }

  // Where a macro argument was written: file and byte offsets.
  struct ArgSpan {
    FileID File;
    unsigned Begin, End;
  };

  bool spanOf(SourceRange R, ArgSpan &Out) const {
    std::pair<FileID, unsigned> B = SM.getDecomposedLoc(SM.getFileLoc(R.getBegin()));
    std::pair<FileID, unsigned> E = SM.getDecomposedLoc(SM.getFileLoc(R.getEnd()));
    if (B.first != E.first || E.second < B.second)
      return false;
    Out = {B.first, B.second, E.second};
    return true;
  }

  // The outermost subtree of S written in the macro argument at Arg: what
  // `l` became inside the expansion of GET_ITEM(l, i). Every token
  // that came from an argument sits in a macro-argument expansion, which
  // is a cheap test; only those nodes get the precise one.
  const Stmt *findArgument(const Stmt *S, const ArgSpan &Arg, unsigned Depth) {
    // Arguments sit near the top of an expansion (under a cast, a paren,
    // a subscript); a deeper occurrence is in some helper's internals.
    if (!S || Depth > MaxArgDepth)
      return nullptr;
    SourceLocation B = S->getBeginLoc();
    if (isa<Expr>(S) && B.isMacroID() && SM.isMacroArgExpansion(B)) {
      // Through any macros nested in the argument (OUTER(INNER(c))).
      std::pair<FileID, unsigned> FB = SM.getDecomposedLoc(SM.getFileLoc(B));
      std::pair<FileID, unsigned> FE =
          SM.getDecomposedLoc(SM.getFileLoc(S->getEndLoc()));
      if (FB.first == Arg.File && FE.first == Arg.File &&
          FB.second >= Arg.Begin && FE.second <= Arg.End)
        return S;
    }
    for (const Stmt *C : S->children())
      if (const Stmt *Found = findArgument(C, Arg, Depth + 1))
        return Found;
    return nullptr;
  }

  // A watched function-like macro used as an expression becomes a call
  // with its argument subtrees, so checks see a getter macro GET_ITEM(l, i)
  // as they see the function it stands for.
  ftc_expr *macroCall(const Stmt *S, const MacroLevel &M, unsigned D) {
    const PreprocessorWatcher::Invocation *Inv = PPW.invocationAt(M.NameLoc);
    if (!Inv)
      return nullptr;
    ftc_expr *E = node(FTC_E_CALL, S);
    if (!E)
      return nullptr;
    E->name = M.Name;
    E->range = Locs.range(Inv->Call);
    E->decl_file = Inv->DefinedIn;
    setKids(E, Inv->Args.size(),
            [&](unsigned I) -> const Stmt * {
              // Strictly below S: an argument is never the whole expansion
              // (and for a macro invoked inside another macro's body, file
              // locations cannot tell them apart).
              ArgSpan Span;
              if (Inv->Args[I].isInvalid() || !spanOf(Inv->Args[I], Span))
                return nullptr;
              for (const Stmt *C : S->children())
                if (const Stmt *Found = findArgument(C, Span, 1))
                  return Found;
              return nullptr;
            },
            D);
    return E;
  }

  ftc_expr *lowerStmt(const Stmt *S, unsigned D) {
    if (!S)
      return nullptr;
    llvm::SmallVector<MacroLevel, 4> Macros;
    if (S->getBeginLoc().isMacroID())
      macroChain(S, Macros);
    if (D <= MaxDepth)
      for (const MacroLevel &M : Macros)
        if (ftc_expr *Call = macroCall(S, M, D)) {
          attachMacros(Call, Macros);
          return Call;
        }
    // Parens and implicit casts are not interesting; their macros are.
    while (true) {
      const Stmt *Inner = nullptr;
      if (const auto *P = dyn_cast<ParenExpr>(S))
        Inner = P->getSubExpr();
      else if (const auto *IC = dyn_cast<ImplicitCastExpr>(S))
        Inner = IC->getSubExpr();
      else if (const auto *FE = dyn_cast<FullExpr>(S))
        Inner = FE->getSubExpr();
      else if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(S))
        Inner = MT->getSubExpr();
      else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(S))
        Inner = BT->getSubExpr();
      if (!Inner)
        break;
      S = Inner;
      if (S->getBeginLoc().isMacroID()) {
        llvm::SmallVector<MacroLevel, 4> More;
        macroChain(S, More);
        for (const MacroLevel &M : More)
          if (std::find_if(Macros.begin(), Macros.end(),
                           [&](const MacroLevel &X) {
                             return std::strcmp(X.Name, M.Name) == 0;
                           }) == Macros.end())
            Macros.push_back(M);
      }
    }
    ftc_expr *E = D > MaxDepth ? node(FTC_E_OTHER, S) : lowerInner(S, D);
    attachMacros(E, Macros);
    return E;
  }

  void attachMacros(ftc_expr *E, llvm::ArrayRef<MacroLevel> Macros) {
    if (!E || Macros.empty())
      return;
    E->macros = static_cast<const char **>(
        ftc_arena_alloc(A, sizeof(char *) * Macros.size()));
    if (E->macros)
      for (const MacroLevel &M : Macros)
        E->macros[E->nmacros++] = M.Name;
  }

  static const char *opName(llvm::StringRef S) { return S.data(); }

  ftc_expr *lowerInner(const Stmt *S, unsigned D) {
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      ftc_expr *E = node(FTC_E_CALL, S);
      if (!E)
        return nullptr;
      if (const FunctionDecl *FD = CE->getDirectCallee()) {
        E->name = str(FD->getNameAsString());
        auto It = FunctionIndex.find(FD->getCanonicalDecl());
        E->ref = FTC_REF_FUNCTION;
        E->ref_index = It == FunctionIndex.end() ? -1 : It->second;
        E->decl_file = Locs.fileOf(FD->getCanonicalDecl()->getLocation());
        E->lock = lockAttrs(FD);
      }
      setKids(E, CE->getNumArgs(), [&](unsigned I) { return CE->getArg(I); },
              D);
      return E;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      return lowerRef(DRE);
    if (const auto *ME = dyn_cast<MemberExpr>(S)) {
      ftc_expr *E = node(FTC_E_MEMBER, S);
      if (!E)
        return nullptr;
      E->name = str(ME->getMemberDecl()->getNameAsString());
      E->value = ME->isArrow();
      kids(E, {ME->getBase()}, D);
      return E;
    }
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(S)) {
      ftc_expr *E = node(FTC_E_SUBSCRIPT, S);
      kids(E, {ASE->getBase(), ASE->getIdx()}, D);
      return E;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      return lowerUnary(UO, D);
    if (const auto *BO = dyn_cast<BinaryOperator>(S))
      return lowerBinary(BO, D);
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(S)) {
      ftc_expr *E = node(FTC_E_CONDITIONAL, S);
      kids(E, {CO->getCond(), CO->getTrueExpr(), CO->getFalseExpr()}, D);
      return E;
    }
    if (const auto *EC = dyn_cast<ExplicitCastExpr>(S)) {
      ftc_expr *E = node(FTC_E_CAST, S);
      if (!E)
        return nullptr;
      kids(E, {EC->getSubExpr()}, D);
      if (E->nkids == 1 && E->kids[0] && E->kids[0]->has_value) {
        E->has_value = 1;
        E->value = E->kids[0]->value;
      }
      return E;
    }
    if (const auto *IL = dyn_cast<IntegerLiteral>(S)) {
      ftc_expr *E = node(FTC_E_INT, S);
      if (E) {
        E->has_value = 1;
        E->value = static_cast<int64_t>(IL->getValue().getLimitedValue());
      }
      return E;
    }
    if (const auto *CL = dyn_cast<CharacterLiteral>(S)) {
      ftc_expr *E = node(FTC_E_INT, S);
      if (E) {
        E->has_value = 1;
        E->value = CL->getValue();
      }
      return E;
    }
    if (isa<CXXNullPtrLiteralExpr>(S) || isa<GNUNullExpr>(S)) {
      ftc_expr *E = node(FTC_E_INT, S);
      if (E)
        E->has_value = 1;
      return E;
    }
    if (const auto *SL = dyn_cast<StringLiteral>(S)) {
      ftc_expr *E = node(FTC_E_STRING, S);
      if (E && SL->getCharByteWidth() == 1)
        E->name = str(SL->getString());
      return E;
    }
    if (const auto *ILE = dyn_cast<InitListExpr>(S))
      return lowerInitList(ILE, D);
    if (isa<ImplicitValueInitExpr>(S))
      return node(FTC_E_IMPLICIT_ZERO, S);
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      return lowerDeclStmt(DS, D);
    if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
      ftc_expr *E = node(FTC_E_RETURN, S);
      if (RS->getRetValue())
        kids(E, {RS->getRetValue()}, D);
      return E;
    }
    if (const auto *DIE = dyn_cast<DesignatedInitExpr>(S))
      return lowerStmt(DIE->getInit(), D);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(S)) {
      ftc_expr *E = node(FTC_E_CALL, S);
      if (!E)
        return nullptr;
      E->name = str(CE->getConstructor()->getParent()->getNameAsString());
      setKids(E, CE->getNumArgs(), [&](unsigned I) { return CE->getArg(I); },
              D);
      return E;
    }
    if (const auto *SE = dyn_cast<StmtExpr>(S)) {
      ftc_expr *E = node(FTC_E_OTHER, S);
      kids(E, {SE->getSubStmt()}, D);
      return E;
    }
    // Anything else: keep its children so nothing below is lost.
    ftc_expr *E = node(FTC_E_OTHER, S);
    if (!E)
      return nullptr;
    llvm::SmallVector<const Stmt *, 8> Cs;
    for (const Stmt *C : S->children())
      if (C)
        Cs.push_back(C);
    // Compound statements are split into blocks by the CFG; do not repeat
    // their contents here.
    if (!isa<CompoundStmt>(S) && !isa<IfStmt>(S) && !isa<ForStmt>(S) &&
        !isa<WhileStmt>(S) && !isa<DoStmt>(S) && !isa<SwitchStmt>(S))
      setKids(E, Cs.size(), [&](unsigned I) { return Cs[I]; }, D);
    return E;
  }

  ftc_expr *lowerRef(const DeclRefExpr *DRE) {
    ftc_expr *E = node(FTC_E_REF, DRE);
    if (!E)
      return nullptr;
    const ValueDecl *VD = DRE->getDecl();
    E->name = str(VD->getNameAsString());
    E->decl_file = Locs.fileOf(VD->getCanonicalDecl()->getLocation());
    if (const auto *PVD = dyn_cast<ParmVarDecl>(VD)) {
      auto It = Params.find(PVD);
      E->ref = FTC_REF_PARAM;
      E->ref_index = It == Params.end() ? -1 : It->second;
    } else if (const auto *V = dyn_cast<VarDecl>(VD)) {
      if (V->hasGlobalStorage()) {
        E->ref = FTC_REF_GLOBAL;
        auto It = GlobalIndex.find(V->getCanonicalDecl());
        E->ref_index = It == GlobalIndex.end() ? -1 : It->second;
      } else {
        E->ref = FTC_REF_LOCAL;
        E->ref_index = localId(V);
      }
    } else if (const auto *FD = dyn_cast<FunctionDecl>(VD)) {
      E->ref = FTC_REF_FUNCTION;
      auto It = FunctionIndex.find(FD->getCanonicalDecl());
      E->ref_index = It == FunctionIndex.end() ? -1 : It->second;
    } else if (const auto *EC = dyn_cast<EnumConstantDecl>(VD)) {
      E->ref = FTC_REF_ENUM;
      E->has_value = 1;
      E->value = EC->getInitVal().getExtValue();
    }
    return E;
  }

  int32_t localId(const VarDecl *V) {
    auto It = Locals.find(V);
    if (It != Locals.end())
      return It->second;
    int32_t Id = static_cast<int32_t>(Locals.size());
    Locals[V] = Id;
    return Id;
  }

  ftc_expr *lowerUnary(const UnaryOperator *UO, unsigned D) {
    ftc_expr_kind K;
    switch (UO->getOpcode()) {
    case UO_AddrOf: K = FTC_E_ADDR_OF; break;
    case UO_Deref: K = FTC_E_DEREF; break;
    case UO_PreInc: case UO_PostInc: case UO_PreDec: case UO_PostDec:
      K = FTC_E_INCDEC; break;
    case UO_LNot: K = FTC_E_LOGICAL; break;
    default: K = FTC_E_UNARY; break;
    }
    ftc_expr *E = node(K, UO);
    if (!E)
      return nullptr;
    if (K == FTC_E_INCDEC)
      E->name = UO->isIncrementOp() ? "++" : "--";
    else if (K == FTC_E_LOGICAL || K == FTC_E_UNARY)
      E->name = opName(UnaryOperator::getOpcodeStr(UO->getOpcode()));
    kids(E, {UO->getSubExpr()}, D);
    if (UO->getOpcode() == UO_Minus && E->nkids == 1 && E->kids[0] &&
        E->kids[0]->has_value) {
      E->has_value = 1;
      E->value = -E->kids[0]->value;
    }
    return E;
  }

  ftc_expr *lowerBinary(const BinaryOperator *BO, unsigned D) {
    ftc_expr_kind K;
    if (BO->getOpcode() == BO_Assign)
      K = FTC_E_ASSIGN;
    else if (BO->isCompoundAssignmentOp())
      K = FTC_E_COMPOUND_ASSIGN;
    else if (BO->isComparisonOp())
      K = FTC_E_COMPARE;
    else if (BO->isLogicalOp())
      K = FTC_E_LOGICAL;
    else if (BO->getOpcode() == BO_Comma)
      K = FTC_E_COMMA;
    else
      K = FTC_E_BINARY;
    ftc_expr *E = node(K, BO);
    if (!E)
      return nullptr;
    if (K != FTC_E_ASSIGN && K != FTC_E_COMMA)
      E->name = opName(BO->getOpcodeStr());
    kids(E, {BO->getLHS(), BO->getRHS()}, D);
    if (InInitializer && K == FTC_E_BINARY && BO->getType()->isIntegerType())
      foldConstant(E, BO);
    return E;
  }

  void foldConstant(ftc_expr *E, const Expr *X) {
    Expr::EvalResult R;
    if (!X->isValueDependent() && X->EvaluateAsInt(R, Ctx)) {
      E->has_value = 1;
      E->value = R.Val.getInt().getExtValue();
    }
  }

  ftc_expr *lowerInitList(const InitListExpr *ILE, unsigned D) {
    // The semantic form lists every member in order, designated or not.
    if (ILE->isSyntacticForm() && ILE->getSemanticForm())
      ILE = ILE->getSemanticForm();
    ftc_expr *E = node(FTC_E_INIT_LIST, ILE);
    if (!E)
      return nullptr;
    unsigned N = ILE->getNumInits();
    if (N > MaxInitElements)
      N = MaxInitElements;
    setKids(E, N, [&](unsigned I) { return ILE->getInit(I); }, D);
    const RecordDecl *RD = nullptr;
    if (const auto *RT = ILE->getType()->getAs<RecordType>())
      RD = RT->getDecl();
    if (RD && !RD->isUnion()) {
      unsigned I = 0;
      for (const FieldDecl *FD : RD->fields()) {
        if (I >= E->nkids)
          break;
        if (E->kids[I])
          E->kids[I]->field = str(FD->getName());
        ++I;
      }
    } else if (RD && RD->isUnion() && E->nkids == 1 && E->kids[0] &&
               ILE->getInitializedFieldInUnion()) {
      E->kids[0]->field = str(ILE->getInitializedFieldInUnion()->getName());
    }
    return E;
  }

  ftc_expr *lowerDeclStmt(const DeclStmt *DS, unsigned D) {
    // The CFG splits multi-declarations; a single VarDecl is the usual case.
    llvm::SmallVector<const VarDecl *, 2> Vars;
    for (const Decl *X : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(X))
        Vars.push_back(V);
    if (Vars.size() != 1) {
      ftc_expr *E = node(FTC_E_COMMA, DS);
      setKids(E, 0, [](unsigned) { return (const Stmt *)nullptr; }, D);
      return E;
    }
    const VarDecl *V = Vars[0];
    ftc_expr *E = node(FTC_E_DECL, DS);
    if (!E)
      return nullptr;
    E->name = str(V->getName());
    E->type = typeStr(V->getType());
    E->lock = lockAttrs(V->getType());
    if (V->hasGlobalStorage()) {
      E->ref = FTC_REF_GLOBAL;
      auto It = GlobalIndex.find(V->getCanonicalDecl());
      E->ref_index = It == GlobalIndex.end() ? -1 : It->second;
      return E;   // a local static's initializer runs once: not a statement
    }
    E->ref = FTC_REF_LOCAL;
    E->ref_index = localId(V);
    if (V->getInit())
      kids(E, {V->getInit()}, D);
    return E;
  }

  ftc_expr *lowerInit(const Expr *Init) {
    InInitializer = true;
    ftc_expr *E = lowerStmt(Init, 0);
    InInitializer = false;
    return E;
  }
};

} // namespace

void lowerTranslationUnit(ASTContext &Ctx, LocationMap &Locs,
                          const PreprocessorWatcher &PPW,
                          llvm::ArrayRef<const Decl *> TopLevel, ftc_tu *TU,
                          const ftc_config &Cfg) {
  Lowerer(Ctx, Locs, PPW, TU, Cfg).run(TopLevel);
}

} // namespace ftcheck

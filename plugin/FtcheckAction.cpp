// FtcheckAction.cpp - the `ftcheck` Clang plugin: registration, arguments,
// and the per-TU pipeline (lower, analyse in C, print, write side files).
//
// The plugin must never break a user's compile through its own failure:
// the analysis runs inside a CrashRecoveryContext, and any failure becomes
// a warning plus a notification in the side file.
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/DeclGroup.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/Version.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "Lowering.h"
#include "LocationMap.h"
#include "PreprocessorWatcher.h"
#include "ftc_config.h"
#include "ftc_engine.h"

using namespace clang;

namespace ftcheck {
namespace {

struct TUDeleter {
  void operator()(ftc_tu *TU) const { ftc_tu_free(TU); }
};

// The parsed settings and the argument strings they point into. Clang
// destroys the plugin action once it has made the consumer, so the
// consumer owns these.
struct Settings {
  ftc_config Cfg;
  std::deque<std::string> Args;  // stable addresses
};

class FtcheckConsumer : public ASTConsumer {
public:
  FtcheckConsumer(CompilerInstance &CI, std::shared_ptr<const Settings> S,
                  std::unique_ptr<ftc_tu, TUDeleter> TU,
                  std::unique_ptr<LocationMap> Locs,
                  PreprocessorWatcher *Watcher)
      : CI(CI), S(std::move(S)), Cfg(this->S->Cfg), TU(std::move(TU)),
        Locs(std::move(Locs)), Watcher(Watcher) {}

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    for (Decl *D : DG)
      if (Locs->mayBeProject(D->getLocation()))
        TopLevel.push_back(D);
    return true;
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    llvm::TimeTraceScope Scope("ftcheck");
    auto Start = std::chrono::steady_clock::now();
    fillFacts();
    ftc_result Res;
    ftc_result_init(&Res, &Cfg, TU.get());

    if (!TU->includes_python) {
      ftc_skip(&Res, NULL);  // the C side words why
    } else {
      // Lowering and checks run guarded: a crash in them ends the analysis,
      // not the compile.
      llvm::CrashRecoveryContext CRC;
      bool Ok = CRC.RunSafely([&] {
        Watcher->recordDefinitions();
        Locs->attachContents();
        double LowerStart = ftc_now();
        lowerTranslationUnit(Ctx, *Locs, *Watcher, TopLevel, TU.get(), Cfg);
        Res.lower_seconds = ftc_now() - LowerStart;
        ftc_analyse(&Res);
      });
      if (!Ok)
        fail(Res, "ftcheck failed while analysing this translation unit; "
                  "its findings are incomplete and the compile goes on");
    }
    Res.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - Start)
                      .count();
    if (Res.status == FTC_STATUS_ANALYSED)
      printFindings(Res);
    size_t Before = Res.report.notifications.count;
    if (ftc_write_outputs(&Res) != 0)
      for (size_t I = Before; I < Res.report.notifications.count; ++I)
        warn(Res.report.notifications.items[I].message);
    ftc_result_release(&Res);
  }

private:
  CompilerInstance &CI;
  std::shared_ptr<const Settings> S;
  const ftc_config &Cfg;
  std::unique_ptr<ftc_tu, TUDeleter> TU;
  std::unique_ptr<LocationMap> Locs;
  PreprocessorWatcher *Watcher;  // owned by the Preprocessor
  std::vector<const Decl *> TopLevel;  // maybe in project files, in order

  void fillFacts() {
    ftc_arena *A = &TU->arena;
    const FrontendOptions &FO = CI.getFrontendOpts();
    SourceManager &SM = CI.getSourceManager();
    llvm::StringRef Main = SM.getFilename(SM.getLocForStartOfFile(SM.getMainFileID()));
    TU->main_file = ftc_arena_strndup(A, Main.data(), Main.size());
    if (!FO.OutputFile.empty() && FO.OutputFile != "-")
      TU->output_file = ftc_arena_strdup(A, FO.OutputFile.c_str());
    llvm::SmallString<256> Cwd;
    if (!llvm::sys::fs::current_path(Cwd))
      TU->working_dir = ftc_arena_strndup(A, Cwd.data(), Cwd.size());
    TU->is_cplusplus = CI.getLangOpts().CPlusPlus;
    TU->has_errors = CI.getDiagnostics().hasErrorOccurred();
    std::string V = getClangFullVersion();
    TU->clang_version = ftc_arena_strndup(A, V.data(), V.size());
  }

  void fail(ftc_result &Res, const char *Msg) {
    Res.status = FTC_STATUS_FAILED;
    ftc_report_notify(&Res.report, FTC_LEVEL_ERROR, "internal-error", "%s",
                      Msg);
    warn(Msg);
  }

  void warn(const char *Msg) {
    DiagnosticsEngine &D = CI.getDiagnostics();
    unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Warning,
                                    "%0 [ftcheck:internal]");
    D.Report(ID) << Msg;
  }

  DiagnosticsEngine::Level levelFor(const ftc_finding &F) const {
    if (Cfg.diagnostics == FTC_DIAG_REMARK || F.level == FTC_LEVEL_NOTE)
      return DiagnosticsEngine::Remark;
    return DiagnosticsEngine::Warning;
  }

  CharSourceRange charRange(const ftc_range &R) const {
    return CharSourceRange::getCharRange(Locs->toClang(R.begin),
                                         Locs->toClang(R.end));
  }

  void printFindings(const ftc_result &Res) {
    if (Cfg.diagnostics == FTC_DIAG_OFF)
      return;
    DiagnosticsEngine &D = CI.getDiagnostics();
    unsigned NoteID = D.getCustomDiagID(DiagnosticsEngine::Note, "%0");
    for (size_t I = 0; I < Res.report.findings.count; ++I) {
      const ftc_finding &F = Res.report.findings.items[I];
      if (F.suppressed)
        continue;
      unsigned ID = D.getCustomDiagID(levelFor(F), "%0 [ftcheck:%1]");
      {
        DiagnosticBuilder DB = D.Report(Locs->toClang(F.range.begin), ID);
        DB << F.message << F.rule << charRange(F.range);
        for (size_t J = 0; J < F.fixits.count; ++J)
          DB << FixItHint::CreateReplacement(charRange(F.fixits.items[J].range),
                                             F.fixits.items[J].text);
      }
      for (size_t J = 0; J < F.related.count; ++J)
        D.Report(Locs->toClang(F.related.items[J].range.begin), NoteID)
            << F.related.items[J].message
            << charRange(F.related.items[J].range);
      if (F.suggestion)
        D.Report(Locs->toClang(F.range.begin), NoteID) << F.suggestion;
    }
  }
};

class FtcheckAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    std::unique_ptr<ftc_tu, TUDeleter> TU(ftc_tu_new());
    if (!TU || !S)
      return std::make_unique<ASTConsumer>();
    auto Locs = std::make_unique<LocationMap>(CI.getSourceManager(), TU.get());
    Preprocessor &PP = CI.getPreprocessor();
    auto Watcher =
        std::make_unique<PreprocessorWatcher>(PP, *Locs, TU.get(), S->Cfg);
    PreprocessorWatcher *W = Watcher.get();
    PP.addPPCallbacks(std::move(Watcher));
    return std::make_unique<FtcheckConsumer>(CI, S, std::move(TU),
                                             std::move(Locs), W);
  }

  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    auto Fresh = std::make_shared<Settings>();
    ftc_config &Cfg = Fresh->Cfg;
    ftc_config_init(&Cfg);
    bool Ok = ftc_config_env(&Cfg) == 0;
    for (const std::string &A : Args) {
      if (!Ok)
        break;
      Fresh->Args.push_back(A);  // ftc_config keeps pointers into these
      Ok = ftc_config_arg(&Cfg, Fresh->Args.back().c_str()) == 0;
    }
    S = Fresh;
    DiagnosticsEngine &D = CI.getDiagnostics();
    if (!Ok) {
      D.Report(D.getCustomDiagID(DiagnosticsEngine::Error, "ftcheck: %0"))
          << Cfg.error;
      return false;
    }
    if (Cfg.help)
      llvm::errs() << ftc_config_help();
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

private:
  std::shared_ptr<const Settings> S;
};

} // namespace
} // namespace ftcheck

static clang::FrontendPluginRegistry::Add<ftcheck::FtcheckAction>
    X("ftcheck", "free-threading checks for CPython extensions");

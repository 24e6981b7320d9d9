// LocationMap.h - Clang source locations to IR locations and back.
//
// Files get an IR index when the preprocessor enters them; every later
// question ("is this declaration in a project file?") is a hash lookup on
// its FileID, which is what lets the traversal skip Python's and system
// headers at the first step.
#ifndef FTCHECK_PLUGIN_LOCATIONMAP_H
#define FTCHECK_PLUGIN_LOCATIONMAP_H

#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

#include "ftc_ir.h"

namespace ftcheck {

class LocationMap {
public:
  LocationMap(clang::SourceManager &SM, ftc_tu *TU) : SM(SM), TU(TU) {}

  // Called for each file entered; classification is the C side's call.
  int32_t enterFile(clang::FileID FID, clang::FileID Includer, bool IsSystem);

  int32_t fileIndex(clang::FileID FID) const {
    auto It = Index.find(FID);
    return It == Index.end() ? -1 : It->second;
  }
  // Index of the file a location's expansion site is in, -1 if none.
  int32_t fileOf(clang::SourceLocation L) const {
    if (L.isInvalid())
      return -1;
    return fileIndex(SM.getFileID(SM.getFileLoc(L)));
  }
  bool isProjectIndex(int32_t F) const {
    return F >= 0 && TU->files.items[F].kind == FTC_FILE_PROJECT;
  }
  bool isProject(clang::SourceLocation L) const {
    return mayBeProject(L) && isProjectIndex(fileOf(L));
  }

  // The preprocessor now lexes FID: just entered, or returned to.
  void lexing(clang::FileID FID, bool Entered);
  // False when L cannot be in a project file: its offset was allocated
  // while no project file was being lexed. Exact answers walk macro
  // expansions, which is most of our cost on headers that declare through
  // macros (the C library's math.h, Python's own); this answers them
  // with one search.
  bool mayBeProject(clang::SourceLocation L) const;

  ftc_loc loc(clang::SourceLocation L) const;  // cached: nodes share locations
  ftc_range range(clang::SourceRange R) const;
  ftc_range range(clang::SourceLocation B, clang::SourceLocation E) const {
    return range(clang::SourceRange(B, E));
  }

  // Back to Clang, for diagnostics and fix-its.
  clang::SourceLocation toClang(ftc_loc L) const;

  // Point each file's content at the SourceManager's buffer (no copy).
  void attachContents();

private:
  clang::SourceManager &SM;
  ftc_tu *TU;
  llvm::DenseMap<clang::FileID, int32_t> Index;
  std::vector<clang::FileID> FileIDs;
  // Converting a macro location walks the SourceManager's expansion table;
  // a parent and its first child start at the same place, so remember.
  mutable llvm::DenseMap<unsigned, ftc_loc> Cache;
  mutable llvm::DenseMap<unsigned, ftc_loc> EndCache;  // range ends in macros
  // Offset stretches [first, second) allocated while a project file was
  // current, in order; the last may still be open (second == ~0).
  std::vector<std::pair<clang::SourceLocation::UIntTy,
                        clang::SourceLocation::UIntTy>> ProjectSpans;
};

} // namespace ftcheck

#endif

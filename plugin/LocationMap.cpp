// LocationMap.cpp - see LocationMap.h.
#include "LocationMap.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace ftcheck {

int32_t LocationMap::enterFile(clang::FileID FID, clang::FileID Includer,
                               bool IsSystem) {
  auto It = Index.find(FID);
  if (It != Index.end())
    return It->second;
  llvm::StringRef Name = SM.getFilename(SM.getLocForStartOfFile(FID));
  llvm::SmallString<256> Path(Name);
  if (!Name.empty())
    llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/false);
  std::string P(Path.str());
  ftc_file_kind Kind = ftc_tu_classify_file(TU, P.c_str(), IsSystem);
  int32_t Idx = ftc_tu_add_file(TU, P.c_str(), Kind,
                                FID == SM.getMainFileID(), fileIndex(Includer));
  if (Idx < 0)
    return -1;
  Index[FID] = Idx;
  if (FileIDs.size() <= static_cast<size_t>(Idx))
    FileIDs.resize(Idx + 1);
  FileIDs[Idx] = FID;
  return Idx;
}

using Offset = clang::SourceLocation::UIntTy;
static constexpr Offset OpenEnd = ~Offset(0);

static Offset offsetOf(clang::SourceLocation L) {
  constexpr Offset MacroBit = Offset(1) << (8 * sizeof(Offset) - 1);
  return L.getRawEncoding() & ~MacroBit;
}

void LocationMap::lexing(clang::FileID FID, bool Entered) {
  // An entered file's own text was allocated just before; on a return,
  // whatever is allocated from now on is the includer's.
  Offset From = Entered && FID.isValid()
                    ? offsetOf(SM.getLocForStartOfFile(FID))
                    : SM.getNextLocalOffset();
  if (!ProjectSpans.empty() && ProjectSpans.back().second == OpenEnd)
    ProjectSpans.back().second = From;
  // A file we could not index is not known to be foreign: keep it.
  int32_t Idx = FID.isValid() ? fileIndex(FID) : -1;
  if (Idx < 0 || TU->files.items[Idx].kind == FTC_FILE_PROJECT)
    ProjectSpans.push_back({From, OpenEnd});
}

bool LocationMap::mayBeProject(clang::SourceLocation L) const {
  if (L.isInvalid())
    return false;
  if (SM.isLoadedSourceLocation(L))   // from a PCH or module: not tracked
    return true;
  Offset Off = offsetOf(L);
  auto It = std::upper_bound(
      ProjectSpans.begin(), ProjectSpans.end(), Off,
      [](Offset O, const std::pair<Offset, Offset> &S) { return O < S.second; });
  return It != ProjectSpans.end() && It->first <= Off;
}

ftc_loc LocationMap::loc(clang::SourceLocation L) const {
  ftc_loc Out = {-1, 0, 0, 0};
  if (L.isInvalid())
    return Out;
  auto Hit = Cache.find(L.getRawEncoding());
  if (Hit != Cache.end())
    return Hit->second;
  unsigned Key = L.getRawEncoding();
  // A macro argument is located where it was written (`items` in
  // GET_ITEM(items, i)); anything else at the expansion site.
  L = SM.getFileLoc(L);
  std::pair<clang::FileID, unsigned> D = SM.getDecomposedLoc(L);
  Out.file = fileIndex(D.first);
  if (Out.file >= 0) {
    Out.offset = D.second;
    Out.line = SM.getLineNumber(D.first, D.second);
    Out.col = SM.getColumnNumber(D.first, D.second);
  }
  Cache[Key] = Out;
  return Out;
}

ftc_range LocationMap::range(clang::SourceRange R) const {
  ftc_range Out;
  Out.begin = loc(R.getBegin());
  clang::SourceLocation E = R.getEnd();
  // For a macro body, the end of the whole expansion (the ')' of a call);
  // for a macro argument, where the argument was written.
  if (E.isMacroID()) {
    auto Hit = EndCache.find(E.getRawEncoding());
    if (Hit != EndCache.end()) {
      Out.end = Hit->second;
    } else {
      clang::SourceLocation F =
          SM.isMacroArgExpansion(E) ? E : SM.getExpansionRange(E).getEnd();
      Out.end = EndCache[E.getRawEncoding()] = loc(F);
    }
  } else {
    Out.end = loc(E);
  }
  if (Out.end.file != Out.begin.file || Out.end.offset < Out.begin.offset)
    Out.end = Out.begin;
  return Out;
}

clang::SourceLocation LocationMap::toClang(ftc_loc L) const {
  if (L.file < 0 || static_cast<size_t>(L.file) >= FileIDs.size())
    return clang::SourceLocation();
  return SM.getLocForStartOfFile(FileIDs[L.file]).getLocWithOffset(L.offset);
}

void LocationMap::attachContents() {
  for (size_t I = 0; I < FileIDs.size(); ++I) {
    ftc_file &F = TU->files.items[I];
    if (F.kind != FTC_FILE_PROJECT || F.content)
      continue;
    bool Invalid = false;
    llvm::StringRef Buf = SM.getBufferData(FileIDs[I], &Invalid);
    if (!Invalid) {
      F.content = Buf.data();
      F.content_len = Buf.size();
    }
  }
}

} // namespace ftcheck

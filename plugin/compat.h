// compat.h - every difference between the Clang versions ftcheck supports
// (14 through 19) lives here, so the rest of plugin/ is version-free.
#ifndef FTCHECK_PLUGIN_COMPAT_H
#define FTCHECK_PLUGIN_COMPAT_H

#include "clang/Basic/Version.h"
#include "llvm/ADT/StringRef.h"

namespace ftcheck {

inline bool startsWith(llvm::StringRef s, llvm::StringRef prefix) {
#if CLANG_VERSION_MAJOR >= 16
  return s.starts_with(prefix);
#else
  return s.startswith(prefix);
#endif
}

// CFGElement::getAs returns llvm::Optional before LLVM 16 and std::optional
// after; both convert to bool and dereference alike, so `auto` covers it.

} // namespace ftcheck

#endif

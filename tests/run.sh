#!/usr/bin/env bash
# The quick start's second command (and what CI runs): build and test
# ftcheck against LLVM 19 and LLVM 14.
#     tests/run.sh            both
#     tests/run.sh default    LLVM 19 only (presets: default, llvm14, debug)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cmake/bootstrap.sh"

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(llvm14 default)

packages="$FTC_PACKAGES_BUILD"
for p in "${presets[@]}"; do
    [ "$p" = llvm14 ] && packages="$packages $FTC_PACKAGES_LLVM14"
done
ftc_ensure_packages $packages
ftc_ensure_npm
ftc_ensure_node_tools

failed=0
for p in "${presets[@]}"; do
    echo "=== preset $p" >&2
    ftc_build "$p" >&2 || { failed=1; continue; }
    (cd "$FTC_ROOT" && ctest --preset "$p" -j "$(nproc)") || failed=1
done
exit $failed

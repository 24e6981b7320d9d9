#!/usr/bin/env bash
# The quick start's first command: build ftcheck and run the plugin on the
# bundled example extensions, printing the findings and where the side files are.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cmake/bootstrap.sh"

ftc_ensure_packages $FTC_PACKAGES_BUILD
ftc_build default >/dev/null

plugin="$FTC_ROOT/build/plugin/libftcheck.so"
out="$FTC_ROOT/build/example-report"
rm -rf "$out"; mkdir -p "$out"
includes=$(python3-config --includes)
status=0
for src in "$FTC_ROOT"/examples/*/*.c; do
    echo "== clang-19 -fplugin=build/plugin/libftcheck.so -fsyntax-only \$(python3-config --includes) ${src#$FTC_ROOT/}"
    (cd "$FTC_ROOT" && clang-19 -fplugin="$plugin" -fsyntax-only $includes \
        -fplugin-arg-ftcheck-project=examples \
        -fplugin-arg-ftcheck-output-dir="$out" "$src") || status=$?
done
echo
echo "Side files (SARIF 2.1.0, one per translation unit):"
ls -1 "$out"/*.sarif | sed "s|^$FTC_ROOT/|  |"
exit $status

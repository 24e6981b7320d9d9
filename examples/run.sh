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
cd "$FTC_ROOT"
for src in examples/*/*.c; do
    echo "== clang-19 -fplugin=build/plugin/libftcheck.so -fsyntax-only \$(python3-config --includes) $src"
    clang-19 -fplugin="$plugin" -fsyntax-only $includes \
        -fplugin-arg-ftcheck-project=examples \
        -fplugin-arg-ftcheck-output-dir="$out" "$src" || status=$?
done
echo
echo "Side files (SARIF 2.1.0, one per translation unit, for GitHub code scanning):"
python3 - "$out"/*.sarif <<'PY'
import collections, json, os, sys
for path in sys.argv[1:]:
    run = json.load(open(path))["runs"][0]
    facts = run["properties"]["ftcheck"]
    rules = collections.Counter(r["ruleId"] for r in run["results"])
    summary = ", ".join(f"{n} {rule}" for rule, n in sorted(rules.items())) or "no findings"
    print(f"  {os.path.relpath(path)}: {facts['mainFile']} ({facts['status']}, "
          f"Python {facts['pythonVersion']} headers): {summary}")
PY
exit $status

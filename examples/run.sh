#!/usr/bin/env bash
# The quick start's first command: build ftcheck and audit the bundled
# example extensions with it, printing the findings and where the report is.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../cmake/bootstrap.sh"

ftc_ensure_packages $FTC_PACKAGES_BUILD
ftc_build default >/dev/null

cd "$FTC_ROOT"
echo "== ftcheck audit examples/"
status=0
build/driver/ftcheck audit --out build/example-report examples/ || status=$?
echo
echo "Findings (ftcheck-collect --text):"
build/collector/ftcheck-collect --text build/example-report/examples || true
# 1 means "findings", which is what the examples are for.
[ "$status" -le 1 ] || exit "$status"

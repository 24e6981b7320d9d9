#!/bin/sh
# validate_sarif.sh FILE... - check SARIF files with the SARIF Multitool,
# GitHub's ingestion rules included (--rule-kind "Gh;Sarif").
#
# Exit 0 when no file has an error-level result, 1 when one has (or the
# multitool fails), 77 (ctest's "skipped") when the multitool is missing.
#
# The multitool is the native binary of @microsoft/sarif-multitool-linux:
# the npm `bin` wrapper runs it through a shell, which splits "Gh;Sarif" at
# the semicolon. Found as $SARIF_MULTITOOL, else under $FTCHECK_NODE_MODULES,
# else under the repository's node_modules (npm ci).
#
# Multitool 5.7.0 does not check the JSON schema itself, so when python3 has
# jsonschema the files are also checked against the sarif-2.1.0.json the
# package ships.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
native=@microsoft/sarif-multitool-linux/Sarif.Multitool

if [ $# -eq 0 ]; then
    echo "usage: $0 FILE.sarif..." >&2
    exit 2
fi

tool=${SARIF_MULTITOOL:-}
if [ -z "$tool" ]; then
    for dir in "${FTCHECK_NODE_MODULES:-}" "$repo/node_modules"; do
        if [ -n "$dir" ] && [ -x "$dir/$native" ]; then
            tool=$dir/$native
            break
        fi
    done
fi
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
    echo "validate_sarif.sh: SARIF Multitool not found (run 'npm ci' in" \
         "$repo, or set SARIF_MULTITOOL or FTCHECK_NODE_MODULES); skipping" >&2
    exit 77
fi
schema=$(dirname "$tool")/sarif-2.1.0.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/validate_sarif.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# Print the error-level findings of a multitool output log; exit 1 if any.
# A result without "level" is a warning (SARIF's default).
errors_in() {
    python3 - "$1" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
bad = 0
for run in log.get("runs", []):
    for r in run.get("results", []):
        if r.get("level", "warning") == "error":
            bad += 1
            msg = r.get("message", {})
            args = msg.get("arguments", [])
            print("  error %s: %s" % (r.get("ruleId"),
                                      " | ".join(map(str, args))
                                      or msg.get("text", "")))
    for inv in run.get("invocations", []):
        for key in ("toolExecutionNotifications",
                    "toolConfigurationNotifications"):
            for n in inv.get(key, []):
                if n.get("level", "warning") == "error":
                    bad += 1
                    print("  tool error: %s" % n.get("message", {}).get("text"))
sys.exit(1 if bad else 0)
EOF
}

schema_errors_in() {
    python3 - "$schema" "$1" <<'EOF'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(0)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
errs = list(cls(schema).iter_errors(json.load(open(sys.argv[2],
                                                   encoding="utf-8"))))
for e in errs[:20]:
    print("  schema: %s: %s" % ("/".join(map(str, e.absolute_path)),
                                e.message[:200]))
sys.exit(1 if errs else 0)
EOF
}

have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1

status=0
n=0
for file in "$@"; do
    n=$((n + 1))
    out=$tmp/out$n.sarif
    console=$tmp/console$n.txt
    if [ ! -f "$file" ]; then
        echo "FAIL $file: no such file" >&2
        status=1
        continue
    fi
    # --log is a list option: keep it away from the file argument.
    "$tool" validate --log ForceOverwrite --rule-kind "Gh;Sarif" \
        --output "$out" "$file" >"$console" 2>&1
    rc=$?
    ok=1
    if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
        echo "FAIL $file: the multitool failed (exit $rc)" >&2
        cat "$console" >&2
        ok=0
    elif [ $have_python -eq 1 ]; then
        errors_in "$out" >"$tmp/errors" || ok=0
        [ $ok -eq 1 ] || { echo "FAIL $file:" >&2; cat "$tmp/errors" >&2; }
    elif grep -q ': error ' "$console"; then
        echo "FAIL $file:" >&2
        grep ': error ' "$console" >&2
        ok=0
    fi
    if [ $ok -eq 1 ] && [ $have_python -eq 1 ] && [ -f "$schema" ]; then
        if ! schema_errors_in "$file" >"$tmp/errors"; then
            echo "FAIL $file: not valid against $schema" >&2
            cat "$tmp/errors" >&2
            ok=0
        fi
    fi
    if [ $ok -eq 1 ]; then
        warnings=$(grep -c ': warning ' "$console")
        echo "ok   $file ($warnings warning(s))"
        grep ': warning ' "$console"
    else
        status=1
    fi
done
exit $status

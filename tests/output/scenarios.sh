#!/bin/sh
# Output and robustness scenarios for the plugin, one per ctest test:
#   scenarios.sh NAME
# Environment: CLANG, PLUGIN, FIXTURE (fixture include dir), SRCDIR (this
# directory), WORK (a scratch directory), PYTHON3, VALIDATE (validate_sarif.sh).
set -eu

fail() { echo "FAIL: $*" >&2; exit 1; }
plugin() { "$CLANG" -fplugin="$PLUGIN" -I"$FIXTURE" "$@"; }
json() { "$PYTHON3" - "$@"; }   # a short Python assertion reading stdin code

rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"

case "$1" in
golden)
    # SARIF and JSON side files equal the golden files after normalisation.
    plugin -fsyntax-only -fplugin-arg-ftcheck-diagnostics=off \
        -fplugin-arg-ftcheck-project=demo \
        -fplugin-arg-ftcheck-source-root="$SRCDIR" \
        -fplugin-arg-ftcheck-sarif="$WORK/module.sarif" \
        -fplugin-arg-ftcheck-json="$WORK/module.json" \
        "$SRCDIR/inputs/module.c"
    "$PYTHON3" "$SRCDIR/../tools/compare_json.py" "$WORK/module.sarif" "$SRCDIR/golden/module.sarif"
    "$PYTHON3" "$SRCDIR/../tools/compare_json.py" "$WORK/module.json" "$SRCDIR/golden/module.json"
    # Each rule's help is its documentation page, word for word.
    json "$WORK/module.sarif" "$SRCDIR/../../docs/checks" <<'PY'
import json, os, sys
rules = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]
assert rules, "no rules"
for r in rules:
    page = open(os.path.join(sys.argv[2], r["id"] + ".md")).read()
    assert r["help"]["markdown"] == page, r["id"]
PY
    ;;
validate)
    # Every SARIF file the plugin writes passes the SARIF Multitool with
    # GitHub's ingestion rules.
    for cfg in "" "-DPy_GIL_DISABLED=1"; do
        plugin -fsyntax-only $cfg -fplugin-arg-ftcheck-diagnostics=off \
            -fplugin-arg-ftcheck-source-root="$SRCDIR" \
            -fplugin-arg-ftcheck-output-dir="$WORK/out" "$SRCDIR/inputs/module.c"
    done
    plugin -fsyntax-only -fplugin-arg-ftcheck-output-dir="$WORK/out" \
        "$SRCDIR/inputs/no_python.c"
    plugin -fsyntax-only -fplugin-arg-ftcheck-debug-crash -fplugin-arg-ftcheck-diagnostics=off \
        -fplugin-arg-ftcheck-output-dir="$WORK/out" -o crash.o "$SRCDIR/inputs/module.c" 2>/dev/null
    "$VALIDATE" "$WORK"/out/*.sarif
    ;;
concurrent)
    # 32 compiles at once into one directory leave 32 complete, valid files.
    i=0
    while [ $i -lt 32 ]; do
        plugin -c -o "$WORK/obj$i.o" -fplugin-arg-ftcheck-diagnostics=off \
            -fplugin-arg-ftcheck-output-dir="$WORK/side" "$SRCDIR/inputs/module.c" &
        i=$((i + 1))
    done
    wait
    n=$(ls "$WORK/side" | grep -c '\.sarif$' || true)
    [ "$n" -eq 32 ] || fail "expected 32 side files, found $n: $(ls "$WORK/side")"
    ls "$WORK/side" | grep -q '\.tmp\.' && fail "temporary files left behind"
    json "$WORK"/side/*.sarif <<'PY'
import json, sys
for p in sys.argv[1:]:
    d = json.load(open(p))
    assert d["version"] == "2.1.0", p
    assert len(d["runs"][0]["results"]) == 3, (p, len(d["runs"][0]["results"]))
PY
    ;;
skipped)
    # A TU without Python.h is not analysed, and its side file says so.
    plugin -fsyntax-only -fplugin-arg-ftcheck-sarif="$WORK/s.sarif" \
        -fplugin-arg-ftcheck-json="$WORK/s.json" "$SRCDIR/inputs/no_python.c"
    json "$WORK/s.sarif" "$WORK/s.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
facts = run["properties"]["ftcheck"]
assert facts["status"] == "skipped", facts
assert "Python.h" in facts["skipReason"], facts
assert run["results"] == [], run["results"]
j = json.load(open(sys.argv[2]))
assert j["tu"]["status"] == "skipped", j["tu"]
PY
    ;;
crash)
    # A failure inside the analysis is a warning; the compile goes on and
    # the side file records it.
    plugin -c -o "$WORK/m.o" -fplugin-arg-ftcheck-debug-crash \
        -fplugin-arg-ftcheck-sarif="$WORK/c.sarif" "$SRCDIR/inputs/module.c" 2> err.txt \
        || fail "the compile failed: $(cat err.txt)"
    [ -s "$WORK/m.o" ] || fail "no object file was written"
    grep -q 'ftcheck failed while analysing' err.txt || fail "no warning: $(cat err.txt)"
    json "$WORK/c.sarif" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))["runs"][0]["invocations"][0]
assert inv["executionSuccessful"] is False, inv
ids = [n["descriptor"]["id"] for n in inv["toolExecutionNotifications"]]
assert "internal-error" in ids, ids
PY
    ;;
bad-args)
    # Unknown arguments and check names are errors that list valid ones.
    if plugin -fsyntax-only -fplugin-arg-ftcheck-bogus "$SRCDIR/inputs/module.c" 2> e1.txt; then
        fail "unknown argument accepted"
    fi
    grep -q "unknown argument -fplugin-arg-ftcheck-bogus; valid arguments: checks, sarif" e1.txt \
        || fail "$(cat e1.txt)"
    if plugin -fsyntax-only -fplugin-arg-ftcheck-checks=nonesuch "$SRCDIR/inputs/module.c" 2> e2.txt; then
        fail "unknown check accepted"
    fi
    grep -q "unknown check 'nonesuch'; valid checks: all, borrowed-ref, static-global, missing-mod-gil" e2.txt || fail "$(cat e2.txt)"
    if FTCHECK_DIAGNOSTICS=loud plugin -fsyntax-only "$SRCDIR/inputs/module.c" 2> e3.txt; then
        fail "bad FTCHECK_DIAGNOSTICS accepted"
    fi
    grep -q "FTCHECK_DIAGNOSTICS: unknown value 'loud'" e3.txt || fail "$(cat e3.txt)"
    if plugin -fsyntax-only -fplugin-arg-ftcheck-lock-functions=db_enter "$SRCDIR/inputs/module.c" 2> e4.txt; then
        fail "lock-functions without a release accepted"
    fi
    grep -q "lock-functions: 'db_enter' is not ACQUIRE:RELEASE" e4.txt || fail "$(cat e4.txt)"
    if FTCHECK_LOCK_FUNCTIONS="a:b,c:d:e" plugin -fsyntax-only "$SRCDIR/inputs/module.c" 2> e5.txt; then
        fail "bad FTCHECK_LOCK_FUNCTIONS accepted"
    fi
    grep -q "FTCHECK_LOCK_FUNCTIONS: 'c:d:e' is not ACQUIRE:RELEASE" e5.txt || fail "$(cat e5.txt)"
    plugin -fsyntax-only -fplugin-arg-ftcheck-help -fplugin-arg-ftcheck-diagnostics=off \
        "$SRCDIR/inputs/no_python.c" 2> help.txt
    grep -q "output-dir=DIR" help.txt && grep -q "missing-mod-gil" help.txt && grep -q "borrowed-ref" help.txt \
        && grep -q "lock-functions=LIST" help.txt && grep -q "dump-ir" help.txt || fail "$(cat help.txt)"
    ;;
werror)
    # Findings are warnings by default, yet a -Werror build stays green:
    # Clang does not promote a plugin's diagnostics. diagnostics=remark
    # prints them as remarks (for CI that fails on any "warning:" line),
    # off prints nothing.
    plugin -fsyntax-only -Werror "$SRCDIR/inputs/module.c" 2> w.txt \
        || fail "-Werror build failed: $(cat w.txt)"
    grep -q "warning: module 'spam' does not declare Py_mod_gil" w.txt || fail "$(cat w.txt)"
    plugin -fsyntax-only -Werror -fplugin-arg-ftcheck-diagnostics=remark "$SRCDIR/inputs/module.c" 2> r.txt
    grep -q "remark: module 'spam' does not declare Py_mod_gil" r.txt || fail "$(cat r.txt)"
    FTCHECK_DIAGNOSTICS=off plugin -fsyntax-only -Werror "$SRCDIR/inputs/module.c" 2> o.txt
    [ ! -s o.txt ] || fail "diagnostics=off printed: $(cat o.txt)"
    ;;
environment)
    # CFLAGS=-fplugin=... alone: settings come from FTCHECK_* variables.
    FTCHECK_OUTPUT_DIR="$WORK/env" FTCHECK_PROJECT=envproj FTCHECK_DIAGNOSTICS=off \
    FTCHECK_SOURCE_ROOT="$SRCDIR" \
        plugin -c -O2 -o "$WORK/m.o" "$SRCDIR/inputs/module.c"
    json "$WORK"/env/*.sarif <<'PY'
import json, sys
assert len(sys.argv) == 2, sys.argv
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["properties"]["ftcheck"]["project"] == "envproj"
assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "inputs/module.c"
PY
    ;;
errors)
    # A TU with errors is still analysed as far as Clang recovered; the
    # side file says the analysis may be incomplete.
    if plugin -fsyntax-only -fplugin-arg-ftcheck-sarif="$WORK/e.sarif" \
        "$SRCDIR/inputs/with_errors.c" 2> e.txt; then
        fail "the compile error went unnoticed"
    fi
    grep -q "module 'broken' does not declare Py_mod_gil" e.txt || fail "$(cat e.txt)"
    json "$WORK/e.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["properties"]["ftcheck"]["hasErrors"] is True
assert len(run["results"]) == 1, run["results"]
ids = [n["descriptor"]["id"] for n in run["invocations"][0]["toolExecutionNotifications"]]
assert "analysis-incomplete" in ids, ids
PY
    ;;
libraries)
    # Python's headers through -I and system headers are never reported;
    # the project's own code beside them is.
    "$CLANG" -fplugin="$PLUGIN" -fsyntax-only -I"$SRCDIR/inputs/libdir" -I"$FIXTURE" \
        -isystem "$SRCDIR/inputs/sysdir" -fplugin-arg-ftcheck-json="$WORK/l.json" \
        "$SRCDIR/inputs/uses_libraries.c" 2> l.txt
    json "$WORK/l.json" <<'PY'
import json, sys
found = [f["message"] for f in json.load(open(sys.argv[1]))["findings"]]
assert len(found) == 1 and "module 'own'" in found[0], found
PY
    ;;
fixit)
    # The fix-it applies cleanly and the fixed file has no finding left.
    cp "$SRCDIR/inputs/module.c" fixme.c
    plugin -fsyntax-only -Xclang -fixit fixme.c 2>/dev/null || true
    grep -q "{Py_mod_gil, Py_MOD_GIL_NOT_USED}," fixme.c || fail "fix-it not applied: $(cat fixme.c)"
    plugin -fsyntax-only -Werror -fplugin-arg-ftcheck-json="$WORK/f.json" fixme.c
    json "$WORK/f.json" <<'PY'
import json, sys
left = [f for f in json.load(open(sys.argv[1]))["findings"]
        if f["level"] != "note" and not f["suppressed"]]
assert left == [], left
PY
    # Py_NewRef(PyList_GetItem(...)) and friends become the ...Ref call.
    cp "$SRCDIR/inputs/newref.c" newref.c
    plugin -fsyntax-only -Xclang -fixit newref.c 2>/dev/null || true
    grep -q "return PyList_GetItemRef(st->items, 0);" newref.c || fail "$(cat newref.c)"
    grep -q "return PyCell_Get(st->cell);" newref.c || fail "$(cat newref.c)"
    grep -q 'return PyImport_AddModuleRef("spam");' newref.c || fail "$(cat newref.c)"
    plugin -fsyntax-only -Werror newref.c
    ;;
developer-options)
    # profile prints the time of lowering and of each check; dump-ir the IR.
    plugin -fsyntax-only -fplugin-arg-ftcheck-diagnostics=off -fplugin-arg-ftcheck-profile \
        "$SRCDIR/inputs/module.c" 2> p.txt
    for what in lowering borrowed-ref static-global missing-mod-gil; do
        grep -q "ftcheck profile: .*module.c: $what [0-9.]* ms" p.txt || fail "no $what in: $(cat p.txt)"
    done
    plugin -fsyntax-only -fplugin-arg-ftcheck-diagnostics=off -fplugin-arg-ftcheck-dump-ir \
        "$SRCDIR/inputs/module.c" 2> d.txt
    grep -q "^global [0-9]* spam_slots : " d.txt || fail "no globals in the dump: $(head d.txt)"
    grep -q "^function [0-9]* PyInit_spam " d.txt || fail "no functions in the dump: $(head d.txt)"
    ;;
*)
    fail "unknown scenario $1"
    ;;
esac
echo "ok: $1"

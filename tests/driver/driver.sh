#!/bin/sh
# driver.sh SCENARIO: one end-to-end test of the `ftcheck` driver. Run by
# ctest with FTCHECK, CLANG, PLUGIN, FIXTURE, ROOT, SRCDIR, WORK, PYTHON3
# set. Exit 77 skips.
set -eu
scenario=$1
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect STATUS COMMAND...: run it, its stderr in err.txt, stdout in out.txt
expect() {
    want=$1; shift
    set +e; "$@" >out.txt 2>err.txt; got=$?; set -e
    if [ "$got" != "$want" ]; then
        cat out.txt err.txt >&2
        fail "exit status $got, expected $want: $*"
    fi
}
has() { grep -q -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks: $2"; }; }
collector() {
    for c in "$(dirname "$FTCHECK")/ftcheck-collect" \
             "$(dirname "$FTCHECK")/../collector/ftcheck-collect"; do
        [ -x "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}
side() { "$PYTHON3" "$SRCDIR/sidefindings.py" "$@"; }

case $scenario in
version)
    expect 0 "$FTCHECK" --version
    has out.txt "^ftcheck 0\."
    has out.txt "built for Clang [0-9][0-9]*\.[0-9]"
    expect 0 "$FTCHECK" --plugin-path
    [ "$(cat out.txt)" = "$PLUGIN" ] || fail "--plugin-path: $(cat out.txt)"
    # the path works as documented: -fplugin=$(ftcheck --plugin-path)
    "$CLANG" -fsyntax-only -fplugin="$("$FTCHECK" --plugin-path)" \
        -I"$FIXTURE" -fplugin-arg-ftcheck-json=x.json \
        "$ROOT/examples/spam/spammodule.c" 2>/dev/null
    has x.json '"status":"analysed"'
    ;;

usage-errors)
    expect 2 "$FTCHECK"
    expect 2 "$FTCHECK" frobnicate
    has err.txt "unknown command 'frobnicate'"
    expect 2 "$FTCHECK" audit
    has err.txt "no project directory given"
    expect 2 "$FTCHECK" audit "$WORK/missing"
    has err.txt "missing: not a directory"
    expect 2 "$FTCHECK" audit --list "$WORK/nolist.txt"
    has err.txt "nolist.txt: No such file"
    printf '# projects\n%s\n\n%s/gone\n' "$ROOT/examples" "$WORK" > list.txt
    expect 2 "$FTCHECK" audit --list list.txt
    has err.txt "list.txt:4: $WORK/gone: not a directory"
    for bad in 0/2 3/2 2 a/b 1/0 1/2x; do
        expect 2 "$FTCHECK" audit --shard "$bad" "$ROOT/examples"
        has err.txt "--shard $bad: expected K/N"
    done
    expect 2 "$FTCHECK" audit -j 0 "$ROOT/examples"
    has err.txt "\-j 0: expected"
    expect 2 "$FTCHECK" audit --timeout soon "$ROOT/examples"
    expect 2 "$FTCHECK" audit --python-include "$WORK/nowhere" "$ROOT/examples"
    has err.txt "nowhere: not a directory"
    expect 2 "$FTCHECK" build
    has err.txt "no build command given"
    # a broken compilation database is named, never a crash
    mkdir -p broken && printf '[{"directory": "/tmp", "file": ' \
        > broken/compile_commands.json
    expect 2 "$FTCHECK" audit --out out broken
    has err.txt "broken/compile_commands.json: cannot be read as a compilation database"
    # a directory without sources: nothing to analyse, status 3
    mkdir -p empty
    expect 3 "$FTCHECK" audit -q --out out empty
    has err.txt "nothing could be analysed"
    ;;

audit-examples)
    expect 1 "$FTCHECK" audit --out out "$ROOT/examples"
    has out.txt "Report: $WORK/out/report.html"
    has err.txt "2 analysed, 0 skipped (no Python.h), 0 failed; 8 findings"
    side out > found.txt
    [ "$(grep -c '^finding .* static-global ' found.txt)" = 3 ] || fail "static-global"
    [ "$(grep -c '^finding .* borrowed-ref ' found.txt)" = 4 ] || fail "borrowed-ref"
    [ "$(grep -c '^finding .* missing-mod-gil ' found.txt)" = 1 ] || fail "missing-mod-gil"
    # paths are relative to the project root, which is the source root
    has found.txt "spam/spammodule.c:"
    if collector >/dev/null; then
        for f in report.html report.md summary.json results.sarif; do
            [ -s "out/$f" ] || fail "no out/$f"
        done
    fi
    # a second audit replaces the first's side files, never mixes with them
    touch out/examples/stale-0000000000000000.sarif
    expect 1 "$FTCHECK" audit -q --out out "$ROOT/examples"
    [ ! -e out/examples/stale-0000000000000000.sarif ] || fail "stale side file"
    # -q: no progress at all (the collector's own summary remains)
    if grep -q "^ftcheck: " err.txt; then cat err.txt; fail "-q printed progress"; fi
    ;;

compdb)
    mkdir -p proj/src "proj/my inc" proj/build
    cp "$ROOT/examples/spam/spammodule.c" proj/src/
    cp "$ROOT/examples/eggs/eggsmodule.c" proj/src/
    echo '#define EXTRA 1' > "proj/my inc/extra.h"
    # "command" with shell quoting, and "arguments"; an unrelated entry
    cat > proj/build/compile_commands.json <<JSON
[
 {"directory": "$WORK/proj/build",
  "command": "gcc -c -O2 -MD -MF spam.d -I'$WORK/proj/my inc' -DNAME=\\"x y\\" -I$FIXTURE -o spam.o ../src/spammodule.c",
  "file": "../src/spammodule.c"},
 {"directory": "$WORK/proj",
  "arguments": ["cc", "-c", "-I$FIXTURE", "-include", "my inc/extra.h", "src/eggsmodule.c", "-o", "build/eggs.o"],
  "file": "src/eggsmodule.c"},
 {"directory": "$WORK/proj", "command": "as -o x.o x.s", "file": "x.s"}
]
JSON
    # (the fixture's 3.14 headers: spam has 5 findings, eggs 2)
    expect 1 "$FTCHECK" audit --no-report --out out -p proj/build proj
    has err.txt "2 analysed, 0 skipped (no Python.h), 0 failed; 7 findings"
    [ ! -e proj/build/spam.d ] || fail "the audit wrote the build's depfile"
    side out > found.txt
    has found.txt "src/spammodule.c:"
    # found on its own in DIR/build/
    expect 0 "$FTCHECK" audit --no-report --dry-run proj
    has out.txt "^cd $WORK/proj/build && $CLANG -O2 '-I$WORK/proj/my inc' '-DNAME=x y' "
    has out.txt "-o spam.o ../src/spammodule.c -fsyntax-only"
    has out.txt "-fplugin=$PLUGIN"
    has out.txt "-fplugin-arg-ftcheck-sarif=$WORK/ftcheck-report/proj/spammodule.c-"
    ;;

failures)
    # A fake compiler: one file hangs, one crashes, the rest are compiled
    # by the real clang. The audit must record both and go on.
    mkdir -p proj
    cp "$ROOT/examples/spam/spammodule.c" proj/
    echo 'int slow;' > proj/slow.c
    echo 'int crash;' > proj/crash.c
    echo 'int broken(void) { return }' > proj/broken.c
    cat > fakeclang <<SH
#!/bin/sh
for a; do
    case \$a in
    slow.c) exec sleep 60 ;;
    crash.c) kill -SEGV \$\$ ;;
    esac
done
exec "$CLANG" "\$@"
SH
    chmod +x fakeclang
    start=$(date +%s)
    expect 1 "$FTCHECK" audit --no-report --clang "$WORK/fakeclang" \
        --timeout 2 -j 4 --python-include "$FIXTURE" --out out proj
    [ $(( $(date +%s) - start )) -lt 30 ] || fail "the timeout did not kill"
    has err.txt "proj/slow.c: failed: timed out after 2s"
    has err.txt "proj/crash.c: failed: clang crashed (signal 11"
    has err.txt "1 analysed, 1 skipped (no Python.h), 2 failed; 5 findings"
    side out > found.txt
    has found.txt "^tu proj slow.c-[0-9a-f]*.json failed slow.c"
    has found.txt "^tu proj crash.c-[0-9a-f]*.json failed crash.c"
    grep -q '"id":"timeout"' out/proj/slow.c-*.json || fail "timeout id"
    grep -q 'timed out after 2s' out/proj/slow.c-*.json || fail "reason"
    # a file with a syntax error is analysed as far as Clang got
    has found.txt "^tu proj broken.c-[0-9a-f]*.sarif skipped broken.c"
    ls out/proj/logs/crash.c-*.log >/dev/null || fail "no log kept"
    # no stray processes: the hung compile was killed with its group
    if pgrep -f "sleep 60" >/dev/null 2>&1; then
        pgrep -af "sleep 60" | grep -q "$WORK" && fail "sleep left running"
    fi
    # every file failing: nothing analysed, status 3
    rm proj/spammodule.c
    expect 3 "$FTCHECK" audit --no-report --clang "$WORK/fakeclang" \
        --timeout 1 --python-include "$FIXTURE" --out out2 proj
    ;;

progress)
    # In a pipe: one plain line per file.
    expect 1 "$FTCHECK" audit -j 1 --no-report --out out "$ROOT/examples"
    has err.txt "^ftcheck: \[1/2\] examples/eggs/eggsmodule.c: analysed, 2 findings"
    has err.txt "^ftcheck: \[2/2\] examples/spam/spammodule.c: analysed, 6 findings"
    # On a terminal: the bar, redrawn in place.
    "$PYTHON3" - "$FTCHECK" "$ROOT/examples" "$WORK/out2" > tty.txt <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "audit", "--no-report", "--out",
                           sys.argv[3], sys.argv[2]])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY
    has tty.txt "\] 2/2 files  8 findings  0:0[0-9] elapsed  0:00 left"
    if grep -q "^ftcheck: \[" tty.txt; then fail "plain lines on a terminal"; fi
    ;;

shard)
    # N shards' side files together are exactly one unsharded run's.
    mkdir -p eco
    cp -r "$ROOT/tests/checks/borrowed-ref" "$ROOT/tests/checks/static-global" \
          "$ROOT/tests/checks/missing-mod-gil" "$ROOT/examples" eco/
    set -- eco/borrowed-ref eco/static-global eco/missing-mod-gil eco/examples
    expect 1 "$FTCHECK" audit -q --no-report --python-include "$FIXTURE" \
        --out one "$@"
    side one > one.txt
    n=3
    for k in 1 2 3; do
        set +e
        "$FTCHECK" audit -q --no-report --python-include "$FIXTURE" \
            --shard $k/$n --out shard$k "$@" 2>/dev/null
        set -e
        side shard$k > shard$k.txt
    done
    sort shard1.txt shard2.txt shard3.txt > merged.txt
    cmp one.txt merged.txt || { diff one.txt merged.txt | head; fail "shards differ"; }
    # every shard got a share, and no TU is in two
    for k in 1 2 3; do grep -q '^tu ' shard$k.txt || fail "shard $k empty"; done
    [ "$(grep '^tu ' merged.txt | sort | uniq -d | wc -l)" = 0 ] || fail "overlap"
    # the same share on every run (and so every machine)
    "$FTCHECK" audit --dry-run --shard 2/3 --python-include "$FIXTURE" \
        eco/examples eco/missing-mod-gil eco/static-global eco/borrowed-ref \
        | grep -o -- '-fplugin-arg-ftcheck-sarif=[^ ]*' | sort > b.txt
    "$FTCHECK" audit --dry-run --shard 2/3 --python-include "$FIXTURE" "$@" \
        | grep -o -- '-fplugin-arg-ftcheck-sarif=[^ ]*' | sort > c.txt
    cmp b.txt c.txt || fail "the share depends on the order of projects"
    ;;

shard-collect)
    c=$(collector) || { echo "ftcheck-collect not built: skipped"; exit 77; }
    mkdir -p eco
    cp -r "$ROOT/tests/checks/borrowed-ref" "$ROOT/tests/checks/static-global" \
          "$ROOT/examples" eco/
    set -- eco/borrowed-ref eco/static-global eco/examples
    expect 1 "$FTCHECK" audit -q --python-include "$FIXTURE" --out one "$@"
    for k in 1 2 3 4; do
        set +e
        "$FTCHECK" audit -q --python-include "$FIXTURE" --shard $k/4 \
            --out shard$k "$@" >/dev/null 2>&1
        set -e
    done
    # ftcheck-collect merges the shards' side files into the same report
    set +e
    "$c" --json merged.json --markdown merged.md \
        shard1/borrowed-ref shard1/static-global shard1/examples \
        shard2/borrowed-ref shard2/static-global shard2/examples \
        shard3/borrowed-ref shard3/static-global shard3/examples \
        shard4/borrowed-ref shard4/static-global shard4/examples \
        2>/dev/null >/dev/null
    set -e
    "$PYTHON3" "$SRCDIR/normalise_summary.py" one/summary.json > one.txt
    "$PYTHON3" "$SRCDIR/normalise_summary.py" merged.json > merged.txt
    cmp one.txt merged.txt || { diff one.txt merged.txt | head -20; fail "merged shards differ"; }
    cmp one/report.md merged.md || { diff one/report.md merged.md | head; fail "markdown differs"; }
    ;;

build-setuptools)
    "$PYTHON3" -c 'import setuptools' 2>/dev/null || {
        echo "setuptools not installed: skipped"; exit 77; }
    cp -r "$ROOT/examples/spam" spam
    cd spam
    expect 1 "$FTCHECK" build --out ../out -- "$PYTHON3" setup.py build_ext --inplace
    has err.txt "1 translation unit analysed; 6 findings"
    ls spam*.so >/dev/null 2>&1 || fail "the build produced no extension"
    cd ..
    side out > found.txt
    has found.txt "^tu spam spammodule.c-[0-9a-f]*.sarif analysed spammodule.c"
    [ "$(grep -c '^finding spam .* static-global ' found.txt)" = 3 ] || fail "findings"
    has found.txt "spammodule.c:[0-9]*:[0-9]* "
    if collector >/dev/null; then
        has spam/out.txt "Report: $WORK/out/report.html"
        [ -s out/summary.json ] || fail "no summary"
    fi
    # a failing build: status 4, and what it compiled is still collected
    cd spam
    expect 4 "$FTCHECK" build -q --no-report --out ../out2 -- sh -c \
        "$PYTHON3 setup.py build_ext --inplace --force >/dev/null 2>&1; exit 5"
    has err.txt "the build command failed (status 5)"
    ;;

python-config)
    # python3-config's answer is remembered per script, re-asked when the
    # script changes or its directory lost Python.h, and a version
    # manager's shim is asked every time.
    mkdir -p bin vm/shims
    ln -s "$FIXTURE" pyA
    ln -s "$FIXTURE" pyB
    echo "-I$WORK/pyA" > answer
    printf '#!/bin/sh\necho x >> "%s/calls"\ncat "%s/answer"\n' \
        "$WORK" "$WORK" > bin/python3-config
    chmod +x bin/python3-config
    cp bin/python3-config vm/shims/python3-config
    calls() { [ "$(wc -l < calls)" = "$1" ] || fail "asked $(wc -l < calls) times, expected $1"; }
    run() { PATH="$1:$PATH" expect 0 "$FTCHECK" audit --dry-run "$ROOT/examples"; }
    run "$WORK/bin"; calls 1; has out.txt " -I$WORK/pyA "
    run "$WORK/bin"; calls 1; has out.txt " -I$WORK/pyA "
    # the answer's directory lost Python.h: asked again
    rm pyA
    echo "-I$WORK/pyB" > answer
    run "$WORK/bin"; calls 2; has out.txt " -I$WORK/pyB "
    # the script changed: asked again
    sleep 1
    printf '# changed\n' >> bin/python3-config
    run "$WORK/bin"; calls 3
    run "$WORK/bin"; calls 3
    # a shim: every time
    run "$WORK/vm/shims"; calls 4
    run "$WORK/vm/shims"; calls 5
    # an unwritable cache is only slower
    FTCHECK_CACHE_DIR=/proc/ftcheck-cache PATH="$WORK/bin:$PATH" \
        expect 0 "$FTCHECK" audit --dry-run "$ROOT/examples"
    calls 6; has out.txt " -I$WORK/pyB "
    # a pyenv shim is followed to the version's own script when the pick
    # is unambiguous, and asked otherwise
    pe=$WORK/pyenv
    mkdir -p "$pe/libexec" "$pe/shims" "$pe/versions/9.9.9/bin" "$pe/versions/venv/bin"
    touch "$pe/libexec/pyenv"
    printf '#!/bin/sh\necho x >> "%s/shim-calls"\necho "-I%s/pyB"\n' \
        "$WORK" "$WORK" > "$pe/shims/python3-config"
    printf '#!/bin/sh\necho x >> "%s/calls"\necho "-I%s/pyB"\n' \
        "$WORK" "$WORK" > "$pe/versions/9.9.9/bin/python3-config"
    cp "$pe/versions/9.9.9/bin/python3-config" "$pe/versions/venv/bin/"
    touch "$pe/versions/venv/pyvenv.cfg"
    chmod +x "$pe/shims/python3-config" "$pe/versions"/*/bin/python3-config
    : > shim-calls
    shims() { [ "$(wc -l < shim-calls)" = "$1" ] || fail "shim asked $(wc -l < shim-calls) times, expected $1"; }
    pyenv_run() { env -u PYENV_VERSION -u PYENV_DIR -u PYENV_HOOK_PATH \
        PYENV_ROOT="$pe" "$@" PATH="$pe/shims:$PATH" \
        "$FTCHECK" audit --dry-run "$ROOT/examples" >out.txt 2>err.txt ||
        { cat err.txt; fail "audit through a pyenv shim"; }; }
    printf '# the project\n9.9.9\n' > .python-version
    pyenv_run; calls 7; shims 0; has out.txt " -I$WORK/pyB "
    pyenv_run; calls 7; shims 0
    pyenv_run PYENV_VERSION=9.9;         shims 1   # a prefix: pyenv resolves it
    pyenv_run PYENV_VERSION=venv;        shims 2   # a virtualenv
    printf '9.9.9\n3.12.0\n' > .python-version
    pyenv_run;                           shims 3   # several versions
    printf '9.9.9\n' > .python-version
    mkdir -p "$pe/plugins/x/etc/pyenv.d/version-name"
    pyenv_run;                           shims 4   # a hook could change it
    rm -r "$pe/plugins"
    pyenv_run; calls 7; shims 4
    ;;

*)
    fail "unknown scenario $scenario"
    ;;
esac
echo "PASS: $scenario"

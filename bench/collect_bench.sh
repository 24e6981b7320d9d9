#!/bin/sh
# collect_bench.sh [SIZES] - ftcheck-collect's throughput against
# `sarif-multitool merge` on the same synthetic side files.
#
#   bench/collect_bench.sh             # 100k and 1M findings (100 per file)
#   bench/collect_bench.sh 1000 10000  # file counts
#
# Prints wall time and peak memory (GNU time's %M) of each, and the ratio.
# The inputs are generated once under $BENCH_DIR (default /tmp/ftc-bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
collect=${COLLECT:-$repo/build/collector/ftcheck-collect}
multitool=${SARIF_MULTITOOL:-$repo/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}
dir=${BENCH_DIR:-/tmp/ftc-bench}
[ $# -gt 0 ] || set -- 1000 10000

measure() {  # label command... ; prints "label: S s, M MB"
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1 || true
    read -r secs kb <"$dir/time.txt"
    echo "$label: ${secs} s, $((kb / 1024)) MB"
    echo "$secs" >"$dir/last"
}

for files in "$@"; do
    in=$dir/in-$files
    if [ ! -d "$in" ]; then
        python3 "$here/gen_sidefiles.py" "$in" --files "$files" --findings 100
    fi
    cat "$in"/*/* >/dev/null    # both tools start from a warm cache
    echo "== $files files, $((files * 100)) findings ($(du -sh "$in" | cut -f1))"
    measure "ftcheck-collect --sarif --json" "$collect" "$in" \
        --sarif "$dir/out.sarif" --json "$dir/out.json" --quiet \
        --fail-on never
    ours=$(cat "$dir/last")
    rm -f "$dir"/out*.sarif "$dir/out.json"
    if [ -x "$multitool" ]; then
        rm -rf "$dir/mm"
        mkdir -p "$dir/mm"
        measure "sarif-multitool merge" "$multitool" merge "$in/*.sarif" \
            --recurse --output-directory "$dir/mm" \
            --output-file merged.sarif --log ForceOverwrite
        theirs=$(cat "$dir/last")
        rm -rf "$dir/mm"
        python3 -c "import sys; print('ratio: %.1fx faster' % (float(sys.argv[2]) / float(sys.argv[1])))" "$ours" "$theirs"
    else
        echo "sarif-multitool not found (npm ci): no comparison"
    fi
done

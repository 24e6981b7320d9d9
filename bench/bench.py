#!/usr/bin/env python3
"""The plugin's cost as a ratio to the same compile without it.

    bench/bench.py [--plugin build/plugin/libftcheck.so] [--clang clang-19] [--runs 7]

Compiles each translation unit with and without -fplugin, interleaved so
machine noise hits both alike, in two modes (-fsyntax-only and -c -O2), and
prints the median time per unit and the ratio of summed medians. Units: the
bundled examples, a generated 300-method extension (real Python headers),
and a generated file without Python.h (which must cost nothing extra).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_includes():
    out = subprocess.run(["python3-config", "--includes"], capture_output=True,
                         text=True, check=True).stdout
    return shlex.split(out)


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plugin", default=os.path.join(ROOT, "build/plugin/libftcheck.so"))
    ap.add_argument("--clang", default="/usr/lib/llvm-19/bin/clang")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--methods", type=int, default=300)
    args = ap.parse_args()
    if not os.path.exists(args.plugin):
        sys.exit(f"bench: no plugin at {args.plugin}; build first (cmake --build --preset default)")

    tmp = tempfile.mkdtemp(prefix="ftcheck-bench-")
    big = os.path.join(tmp, "bench_module.c")
    plain = os.path.join(tmp, "plain.c")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen_module.py"),
                    str(args.methods), big], check=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen_plain.py"),
                    str(args.methods), plain], check=True)
    examples = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(ROOT, "examples"))
                      for f in fs if f.endswith(".c"))
    inc = python_includes()
    python_units = examples + [big]
    plugin_flags = [f"-fplugin={args.plugin}", "-fplugin-arg-ftcheck-diagnostics=off",
                    f"-fplugin-arg-ftcheck-output-dir={tmp}/side"]

    print(f"clang: {args.clang}   runs: {args.runs}   (median per unit; ratio of sums)")
    for mode, flags in (("-fsyntax-only", ["-fsyntax-only"]),
                        ("-c -O2", ["-c", "-O2", "-o", os.path.join(tmp, "out.o")])):
        for label, units in (("with Python.h", python_units), ("without Python.h", [plain])):
            base_total = plug_total = 0.0
            for unit in units:
                base, plug = [], []
                cmd = [args.clang] + flags + inc + [unit]
                timed(cmd)  # warm the page cache
                for _ in range(args.runs):
                    base.append(timed(cmd))
                    plug.append(timed(cmd[:1] + plugin_flags + cmd[1:]))
                base_total += statistics.median(base)
                plug_total += statistics.median(plug)
            print(f"{mode:14} {label:17} {len(units):2} TUs  "
                  f"ratio {plug_total / base_total:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

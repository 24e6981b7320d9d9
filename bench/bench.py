#!/usr/bin/env python3
"""The plugin's cost as a ratio to the same compile without it.

    bench/bench.py [--plugin build/plugin/libftcheck.so] [--clang clang-19] [--runs 7]
    bench/bench.py --compdb path/to/compile_commands.json   # your own project

Compiles each translation unit with and without -fplugin, interleaved so
machine noise hits both alike, in two modes (-fsyntax-only and -c -O2), and
prints the ratio of summed median times. Default units: the bundled
examples, a generated 300-method extension (real Python headers), and a
generated file without Python.h (which must cost nothing extra). The
generated extension is a stress test: every function uses borrowed-reference
APIs and writes statics, so every one gets the full analysis; real modules
cost less (measure yours with --compdb).
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


def compdb_commands(path):
    """(directory, argv) for each entry, with the output and mode removed."""
    import json
    for entry in json.load(open(path)):
        argv = entry.get("arguments") or shlex.split(entry["command"])
        keep, skip = [], False
        for a in argv[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if a in ("-c", "-S", "-E", "-fsyntax-only", "-MD", "-MMD"):
                continue
            keep.append(a)
        yield entry["directory"], keep


def bench_compdb(args, tmp):
    plugin_flags = [f"-fplugin={args.plugin}", "-fplugin-arg-ftcheck-diagnostics=off",
                    f"-fplugin-arg-ftcheck-output-dir={tmp}/side"]
    units = list(compdb_commands(args.compdb))
    print(f"clang: {args.clang}   runs: {args.runs}   {len(units)} TUs from {args.compdb}")
    for mode, flags in (("-fsyntax-only", ["-fsyntax-only"]),
                        ("-c -O2", ["-c", "-O2", "-o", os.path.join(tmp, "out.o")])):
        base_total = plug_total = 0.0
        for directory, argv in units:
            cmd = [args.clang] + flags + argv
            run = lambda c: timed_in(directory, c)
            run(cmd)
            base, plug = [], []
            for _ in range(args.runs):
                base.append(run(cmd))
                plug.append(run(cmd[:1] + plugin_flags + cmd[1:]))
            base_total += statistics.median(base)
            plug_total += statistics.median(plug)
        print(f"{mode:14} ratio {plug_total / base_total:.3f}x")
    return 0


def timed_in(directory, cmd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plugin", default=os.path.join(ROOT, "build/plugin/libftcheck.so"))
    ap.add_argument("--clang", default="/usr/lib/llvm-19/bin/clang")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--methods", type=int, default=300)
    ap.add_argument("--compdb", help="time the C/C++ entries of this compile_commands.json")
    args = ap.parse_args()
    if not os.path.exists(args.plugin):
        sys.exit(f"bench: no plugin at {args.plugin}; build first (cmake --build --preset default)")

    tmp = tempfile.mkdtemp(prefix="ftcheck-bench-")
    if args.compdb:
        return bench_compdb(args, tmp)
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

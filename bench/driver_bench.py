#!/usr/bin/env python3
"""`ftcheck audit` against plain `clang -fsyntax-only` over the same files,
with the same flags and the same parallelism.

    bench/driver_bench.py [--ftcheck build/driver/ftcheck] [-j N] [--runs 5]
                          [--breakdown] DIR...

The plain side runs the exact commands `ftcheck audit --dry-run` prints,
without the plugin's arguments, N at a time from a thread pool. The audit
side is the whole command: discovery, compiles with the plugin, side
files, and the collector's report. Runs alternate so machine noise hits
both alike; the ratio is of median wall times (target: at most 1.10).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def audit_commands(ftcheck, dirs, jobs, out, plugin):
    """The compiles `ftcheck audit --dry-run` prints, with or without the
    plugin's arguments."""
    res = subprocess.run([ftcheck, "audit", "--dry-run", "-j", str(jobs),
                          "--out", out] + dirs,
                         capture_output=True, text=True, check=True)
    cmds = []
    for line in res.stdout.splitlines():
        words = shlex.split(line)
        assert words[0] == "cd" and words[2] == "&&"
        argv = [w for w in words[3:]
                if plugin or not w.startswith("-fplugin")]
        cmds.append((words[1], argv))
    return cmds


def plain_commands(ftcheck, dirs, jobs):
    return audit_commands(ftcheck, dirs, jobs, "ftcheck-report", False)


def run_plain(cmds, jobs):
    def one(c):
        subprocess.run(c[1], cwd=c[0], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, cmds))
    return time.perf_counter() - start


def run_audit(ftcheck, dirs, jobs, out, extra=()):
    start = time.perf_counter()
    subprocess.run([ftcheck, "audit", "-q", "-j", str(jobs), "--out", out]
                   + list(extra) + dirs,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ftcheck", default=os.path.join(ROOT, "build/driver/ftcheck"))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--breakdown", action="store_true",
                    help="also time the compiles with the plugin alone, and "
                         "the audit without its report (--no-report)")
    ap.add_argument("dirs", nargs="*", default=[os.path.join(ROOT, "examples")])
    args = ap.parse_args()
    cmds = plain_commands(args.ftcheck, args.dirs, args.jobs)
    times = {"plain": [], "audit": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        with_plugin = audit_commands(args.ftcheck, args.dirs, args.jobs, out,
                                     True)
        if args.breakdown:
            times.update({"plugin": [], "no-report": []})
        run_plain(cmds, args.jobs)          # warm the caches
        for _ in range(args.runs):
            times["plain"].append(run_plain(cmds, args.jobs))
            times["audit"].append(run_audit(args.ftcheck, args.dirs,
                                            args.jobs, out))
            if args.breakdown:
                times["plugin"].append(run_plain(with_plugin, args.jobs))
                times["no-report"].append(run_audit(
                    args.ftcheck, args.dirs, args.jobs, out, ["--no-report"]))
    med = {k: statistics.median(v) for k, v in times.items()}
    p = med["plain"]
    print(f"{len(cmds)} translation units, -j {args.jobs}, {args.runs} runs")
    print(f"plain clang -fsyntax-only: {p:.3f}s")
    if args.breakdown:
        print(f"  + the plugin:            {med['plugin']:.3f}s "
              f"({med['plugin'] / p:.3f}x)")
        print(f"  + the driver:            {med['no-report']:.3f}s "
              f"({med['no-report'] / p:.3f}x)")
    print(f"ftcheck audit:             {med['audit']:.3f}s")
    print(f"ratio: {med['audit'] / p:.3f}x (target <= 1.10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Re-run ftcheck over the precision corpus and score it against the labels.

    bench/precision/run.py --mirrors /work/.mirror \
        --gil-include /usr/include/python3.11 --ft-include /path/to/ft-headers

The corpus is `labels.json` beside this script: the projects (repository,
commit, and "generate": "cython" where the C comes from Cython, which
Debian's cython3 then writes; "export": other files to take from the
commit; "setup": shell commands that do what the
project's build does before compiling, such as writing a generated header
or expanding templates, run in the exported tree) and one label per judged finding (repo, commit, path, line, rule,
level, verdict, reason). No project code is kept here; the mirrors are git
directories as `fetch` leaves them (`MIRRORS/owner+name/repo`).

Each project's commit (its C and C++ files) is exported to a scratch
directory and audited with `ftcheck audit` twice: with GIL headers and with free-threaded headers
(`Py_GIL_DISABLED` defined). A finding is the tuple (path, line, rule,
level); it is matched to the label with the same tuple.

Prints a table per project and rule (real, false, unsure, unlabelled, and
labelled-real findings that are no longer reported: "lost"), then one
summary line per rule and level. `--unlabelled FILE` writes the findings
that have no label yet (JSON lines), to be judged and added.

Precision is real / (real + false + unsure): an unsure verdict counts
against the tool.

The audit finds NumPy's headers through the first `python3` on PATH that
imports numpy (Debian: python3-numpy; put /usr/bin first under pyenv), and
pybind11's under /usr/include (Debian: pybind11-dev). Without them those
projects' files have compile errors and different findings.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RULES = ("borrowed-ref", "static-global")
CONFIGS = ("gil", "ft")


SOURCE_SUFFIXES = (".c", ".h", ".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx",
                   ".h++", ".inc", ".inl", ".ipp", ".def", ".tcc", ".pyx", ".pxd", ".pxi")


def export(mirrors, repo, commit, dest, also=()):
    """The commit's C and C++ files, and the paths in `also` (what setup
    steps need), into dest. A mirror lacks files of 4 MiB and more; those
    are left out (and named on stderr)."""
    git_dir = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    if not os.path.isdir(git_dir):
        raise SystemExit(f"run.py: no mirror for {repo} at {git_dir} (fetch it first)")
    tree = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
                          capture_output=True, check=False)
    if tree.returncode != 0:
        raise SystemExit(f"run.py: {repo}: commit {commit} not in the mirror: "
                         f"{tree.stderr.decode(errors='replace').strip()}")
    wanted = []
    for entry in tree.stdout.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode != b"120000" and \
                (path.decode(errors="replace").lower().endswith(SOURCE_SUFFIXES) or
                 path.decode(errors="replace") in also):
            wanted.append((oid.decode(), path.decode(errors="replace")))
    batch = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "--batch"],
                           input="".join(oid + "\n" for oid, _ in wanted).encode(),
                           capture_output=True, check=False).stdout
    pos = 0
    for oid, path in wanted:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            print(f"run.py: {repo}: {path} is not in the mirror, left out", file=sys.stderr)
            continue
        size = int(header[2])
        out = os.path.join(dest, path)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            f.write(batch[pos:pos + size])
        pos += size + 1


def generate_cython(repo, src):
    """Cython output for a project marked "generate": "cython": Debian's
    cython3 (0.29) on each .pyx, C++ where the file asks for it. A .pyx it
    cannot translate is named and left out."""
    for dirpath, _, names in os.walk(src):
        for name in names:
            if not name.endswith(".pyx"):
                continue
            pyx = os.path.join(dirpath, name)
            with open(pyx, encoding="utf-8", errors="replace") as f:
                text = f.read()
            cmd = ["cython3", "-3", pyx]
            if "language = c++" in text:
                cmd.insert(2, "--cplus")
            done = subprocess.run(cmd, capture_output=True, check=False)
            if done.returncode != 0:
                print(f"run.py: {repo}: cython3 could not translate {os.path.relpath(pyx, src)}",
                      file=sys.stderr)


def run_setup(repo, src, commands):
    """The project's own pre-build steps ("setup"), each with sh -c in src."""
    for command in commands:
        done = subprocess.run(["sh", "-c", command], cwd=src, capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"run.py: {repo}: setup step failed ({command}): "
                             f"{done.stderr.decode(errors='replace').strip()}")


def audit(ftcheck, src, include, out, jobs):
    subprocess.run([ftcheck, "audit", "-q", "--no-report", "-j", str(jobs),
                    "--python-include", include, "--out", out, src],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_findings(out):
    """(path, line, rule, level) -> message, from every SARIF side file."""
    found = {}
    for dirpath, _, names in os.walk(out):
        for name in names:
            if not name.endswith(".sarif"):
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                try:
                    sarif = json.load(f)
                except ValueError:
                    continue
            for run in sarif.get("runs", []):
                for r in run.get("results", []):
                    if r.get("ruleId") not in RULES or r.get("suppressions"):
                        continue
                    loc = r["locations"][0]["physicalLocation"]
                    key = (loc["artifactLocation"]["uri"], loc["region"]["startLine"],
                           r["ruleId"], r.get("level", "warning"))
                    found[key] = r["message"]["text"]
    return found


def run_project(args, project, scratch):
    repo, commit = project["repo"], project["commit"]
    src = os.path.join(scratch, repo.replace("/", "+"))
    export(args.mirrors, repo, commit, src, project.get("export", ()))
    if project.get("generate") == "cython":
        generate_cython(repo, src)
    run_setup(repo, src, project.get("setup", []))
    findings = {}
    for config, include in (("gil", args.gil_include), ("ft", args.ft_include)):
        out = os.path.join(scratch, "out-" + config)
        shutil.rmtree(out, ignore_errors=True)
        audit(args.ftcheck, src, include, out, args.jobs)
        for key, message in read_findings(out).items():
            entry = findings.setdefault(key, {"message": message, "configs": []})
            entry["configs"].append(config)
    shutil.rmtree(src, ignore_errors=True)
    return findings


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mirrors", required=True, help="directory of fetched mirrors")
    p.add_argument("--gil-include", required=True, help="directory of GIL-build Python.h")
    p.add_argument("--ft-include", required=True,
                   help="directory of free-threaded Python.h (pyconfig.h defines Py_GIL_DISABLED)")
    p.add_argument("--labels", default=os.path.join(HERE, "labels.json"))
    p.add_argument("--ftcheck", default=os.path.join(ROOT, "build", "driver", "ftcheck"))
    p.add_argument("--projects", help="comma list of repos to run (default: all)")
    p.add_argument("--unlabelled", help="write findings without a label here (JSON lines)")
    p.add_argument("--findings", help="write every finding here (JSON lines)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = p.parse_args()

    try:
        with open(args.labels, encoding="utf-8") as f:
            corpus = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"run.py: {args.labels}: {e}")
    labels = {}
    for lab in corpus.get("labels", []):
        labels[(lab["repo"], lab["path"], lab["line"], lab["rule"], lab["level"])] = lab
    wanted = set(args.projects.split(",")) if args.projects else None

    table = collections.defaultdict(collections.Counter)   # (repo, rule) -> counts
    totals = collections.defaultdict(collections.Counter)  # (rule, level) -> counts
    unlabelled, every = [], []
    with tempfile.TemporaryDirectory(prefix="ftc-precision-") as scratch:
        for project in corpus["projects"]:
            repo = project["repo"]
            if wanted and repo not in wanted:
                continue
            findings = run_project(args, project, scratch)
            seen = set()
            for (path, line, rule, level), info in sorted(findings.items()):
                key = (repo, path, line, rule, level)
                seen.add(key)
                row = {"repo": repo, "commit": project["commit"], "path": path,
                       "line": line, "rule": rule, "level": level,
                       "configs": info["configs"], "message": info["message"]}
                every.append(row)
                lab = labels.get(key)
                verdict = lab["verdict"] if lab else "unlabelled"
                if not lab:
                    unlabelled.append(row)
                table[(repo, rule)][verdict] += 1
                if level != "note":
                    totals[(rule, level)][verdict] += 1
                else:
                    totals[(rule, "note")][verdict] += 1
            for key, lab in labels.items():
                if key[0] == repo and key not in seen and lab["verdict"] == "real":
                    table[(repo, key[3])]["lost"] += 1
                    totals[(key[3], key[4])]["lost"] += 1
                    print(f"lost: {repo} {key[1]}:{key[2]} {key[3]} {key[4]}: "
                          f"{lab['reason']}", file=sys.stderr)

    cols = ("real", "false", "unsure", "unlabelled", "lost")
    print(f"{'project':38} {'rule':14} " + " ".join(f"{c:>10}" for c in cols))
    for (repo, rule), c in sorted(table.items()):
        print(f"{repo:38} {rule:14} " + " ".join(f"{c[k]:>10}" for k in cols))
    print()
    for (rule, level), c in sorted(totals.items()):
        judged = c["real"] + c["false"] + c["unsure"]
        share = f"{100.0 * c['real'] / judged:.0f}%" if judged else "n/a"
        print(f"summary: {rule} {level}: {c['real']} real of {judged} judged ({share}), "
              f"{c['false']} false, {c['unsure']} unsure, {c['unlabelled']} unlabelled, "
              f"{c['lost']} lost")
    for path, rows in ((args.unlabelled, unlabelled), (args.findings, every)):
        if path:
            with open(path, "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

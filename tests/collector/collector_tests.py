#!/usr/bin/env python3
"""collector_tests.py SCENARIO - end-to-end tests of ftcheck-collect.

Environment: COLLECT (the executable), SRCDIR (this folder), WORK (a scratch
folder), VALIDATE (tests/tools/validate_sarif.sh), GEN (the bench generator).
Exit 0 pass, 1 fail, 77 skipped. FTCHECK_UPDATE_GOLDEN=1 rewrites goldens.
"""
import copy
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys

COLLECT = os.environ["COLLECT"]
SRC = os.environ["SRCDIR"]
WORK = os.environ["WORK"]
INPUTS = os.path.join(SRC, "inputs")
BROKEN = os.path.join(SRC, "broken")
GOLDEN = os.path.join(SRC, "golden")
ESCALATION = os.path.join(INPUTS, "alpha",
                          "escalation.c-97dd299d0e285db9.sarif")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, expect=None):
    p = subprocess.run([COLLECT, *args], capture_output=True, text=True,
                       cwd=WORK)
    if expect is not None and p.returncode not in (
            expect if isinstance(expect, tuple) else (expect,)):
        print(p.stderr)
        check(False, "exit %d, wanted %s: %s" % (p.returncode, expect,
                                                   " ".join(args)))
    check(p.returncode >= 0, "killed by a signal: %s" % " ".join(args))
    return p


def w(*parts):
    return os.path.join(WORK, *parts)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


# ---- modules ------------------------------------------------------------------

def scenario_modules():
    """Every module a side file lists is in the summary with its GIL status,
    the worst over all TUs; modules with no finding included."""
    with open(ESCALATION, encoding="utf-8") as f:
        doc = json.load(f)
    facts = doc["runs"][0]["properties"]["ftcheck"]
    facts["project"] = "mods"
    facts["modules"] = [
        {"name": "eggs", "gil": "declared-not-used", "file": "eggs.c", "line": 3},
        {"name": "spam", "gil": "missing", "file": "spam.c", "line": 9},
        {"name": "ham", "gil": "unknown", "file": "ham.c", "line": 1},
        {"name": 42, "gil": "missing"},          # malformed: skipped
    ]
    save(w("in", "a.sarif"), doc)
    # Another TU (another configuration) says eggs needs the GIL: worst wins.
    facts["mainFile"] = "other.c"
    facts["modules"] = [{"name": "eggs", "gil": "declares-used", "file": "eggs.c",
                         "line": 3}]
    save(w("in", "b.sarif"), doc)
    run("--json", w("summary.json"), w("in"), expect=(0, 1))
    mods = {m["name"]: m for m in project(load(w("summary.json")), "mods")["modules"]}
    check(mods.get("spam", {}).get("gil") == "missing", "spam missing: %s" % mods)
    check(mods.get("eggs", {}).get("gil") == "declares-used", "eggs worst: %s" % mods)
    check(mods.get("ham", {}).get("gil") == "unknown", "ham unknown: %s" % mods)
    check(list(mods) == sorted(mods), "modules in name order: %s" % list(mods))


# ---- golden ------------------------------------------------------------------

def normalise(name, text):
    """Structured outputs pretty-printed, without the rules' doc pages (they
    change with the checks, not the collector)."""
    if name.endswith(".sarif") or name.endswith(".json"):
        doc = json.loads(text)
        for run_ in doc.get("runs", []) if isinstance(doc, dict) else []:
            for rule in run_["tool"]["driver"]["rules"]:
                rule.pop("help", None)
                rule.pop("fullDescription", None)
        return json.dumps(doc, indent=1, sort_keys=True) + "\n"
    return text


def scenario_golden():
    outs = {"merged.sarif": "--sarif", "summary.json": "--json",
            "report.md": "--markdown", "report.html": "--html",
            "findings.csv": "--csv", "gitlab.json": "--gitlab"}
    args = []
    for name, opt in outs.items():
        args += [opt, w(name)]
    run(*args, INPUTS, expect=1)
    gh = run("--github", INPUTS, expect=1).stdout
    text = run("--text", INPUTS, expect=1).stdout
    with open(w("github.txt"), "w") as f:
        f.write(gh)
    with open(w("text.txt"), "w") as f:
        f.write(text)
    update = os.environ.get("FTCHECK_UPDATE_GOLDEN") == "1"
    for name in list(outs) + ["github.txt", "text.txt"]:
        with open(w(name), encoding="utf-8", newline="") as f:
            got = normalise(name, f.read())
        gpath = os.path.join(GOLDEN, name)
        if update:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(gpath, "w", encoding="utf-8", newline="") as f:
                f.write(got)
            continue
        with open(gpath, encoding="utf-8", newline="") as f:
            want = f.read()
        if got != want:
            import difflib
            sys.stdout.writelines(list(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), gpath,
                name))[:60])
            check(False, "golden %s differs" % name)
    # The same inputs in another order, on one thread: the same bytes.
    run("--json", w("again.json"), "--jobs", "1",
        os.path.join(INPUTS, "gamma"), os.path.join(INPUTS, "beta"),
        os.path.join(INPUTS, "alpha"), expect=1)
    a, b = load(w("summary.json")), load(w("again.json"))
    check(a == b, "output depends on argument order or threads")


# ---- dedup -------------------------------------------------------------------

def scenario_dedup():
    s = load_summary(INPUTS)
    alpha = project(s, "alpha")
    # escalation.c is given as SARIF and as JSON: one TU, findings once.
    check(alpha["coverage"]["tusAnalysed"] == 3,
          "the SARIF and JSON twin of one TU counted twice: %s" %
          alpha["coverage"])
    fps = [(f["project"], f["fingerprint"]) for f in s["findings"]]
    check(len(fps) == len(set(fps)), "a finding listed twice")
    gamma = project(s, "gamma")
    check(gamma["coverage"]["tusSkipped"] == 1 and
          gamma["verdict"] == "not-analysed",
          "a skipped TU must read as not analysed: %s" % gamma)

    # A header finding reported by three TUs counts once, with tus == 3.
    src = load(ESCALATION)
    d = w("dedup")
    shutil.rmtree(d, ignore_errors=True)
    for i in range(3):
        doc = copy.deepcopy(src)
        doc["runs"][0]["properties"]["ftcheck"]["mainFile"] = "tu%d.c" % i
        save(os.path.join(d, "p", "tu%d.sarif" % i), doc)
    s = load_summary(d)
    n_src = len(src["runs"][0]["results"])
    check(len(s["findings"]) == n_src, "dedup: %d findings from 3 TUs of %d"
          % (len(s["findings"]), n_src))
    check(all(f["translationUnits"] == 3 for f in s["findings"]),
          "dedup: each finding should name 3 TUs")
    check(project(s, "alpha")["coverage"]["tusAnalysed"] == 3,
          "dedup: 3 TUs analysed")

    # Moving the code (every line + 40) keeps every fingerprint.
    before = {f["fingerprint"] for f in s["findings"]}
    moved = copy.deepcopy(src)
    for r in moved["runs"][0]["results"]:
        for loc in r["locations"] + r.get("relatedLocations", []):
            reg = loc["physicalLocation"]["region"]
            reg["startLine"] += 40
            reg["endLine"] += 40
    save(w("moved", "p", "tu.sarif"), moved)
    after = {f["fingerprint"] for f in load_summary(w("moved"))["findings"]}
    check(before == after, "fingerprints changed when lines moved")

    # The JSON side file fingerprints like its SARIF twin (source at hand).
    sarif_only = load_summary(ESCALATION)
    json_only = load_summary(os.path.join(INPUTS, "alpha", "escalation.json"))
    check({f["fingerprint"] for f in sarif_only["findings"]} ==
          {f["fingerprint"] for f in json_only["findings"]},
          "SARIF and JSON side files of one TU fingerprint differently")

    # Suppressed findings are kept, shown, and never open.
    sup = [f for f in s["findings"] if f["suppressed"]]
    full = load_summary(INPUTS)
    sup = [f for f in full["findings"] if f["suppressed"]]
    check(len(sup) > 0, "the suppressed findings are missing")
    check(full["totals"]["suppressed"] == len(sup) and
          full["totals"]["open"] == len(full["findings"]) - len(sup),
          "suppressed findings counted as open")
    p = run("--text", os.path.join(INPUTS, "alpha",
                                   "suppressed.c-c37a23ecafab91f4.sarif"))
    check("ignore" not in p.stdout, "--text prints suppressed findings")


def load_summary(*paths, extra=()):
    out = w("summary-%d.json" % len(os.listdir(WORK)))
    run("--json", out, "--fail-on", "never", *extra, *paths, expect=0)
    return load(out)


def project(s, name):
    return next(p for p in s["projects"] if p["name"] == name)


# ---- baseline ----------------------------------------------------------------

def scenario_baseline():
    old = w("old")
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(INPUTS, old)
    # The old tree lacks static-global's patterns.c; the new one lacks
    # multiphase_missing.c.
    os.remove(glob.glob(os.path.join(old, "beta", "patterns.c-*"))[0])
    new = w("new")
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(INPUTS, new)
    gone = glob.glob(os.path.join(new, "alpha", "multiphase_missing.c-*"))[0]
    gone_results = load(gone)["runs"][0]["results"]
    os.remove(gone)
    run("--json", w("base.json"), "--sarif", w("base.sarif"), "--fail-on",
        "never", old, expect=0)
    for base in ("base.json", "base.sarif"):
        run("--json", w("cmp.json"), "--sarif", w("cmp.sarif"), "--csv",
            w("cmp.csv"), "--markdown", w("cmp.md"), "--baseline", w(base),
            "--fail-on", "never", new, expect=0)
        s = load(w("cmp.json"))
        states = {}
        for f in s["findings"]:
            states.setdefault(f["state"], []).append(f)
        patterns = load(glob.glob(os.path.join(INPUTS, "beta",
                                               "patterns.c-*"))[0])
        n_pat = len(patterns["runs"][0]["results"])
        check(len(states.get("new", [])) == n_pat,
              "%s: %d new, wanted %d" % (base, len(states.get("new", [])),
                                         n_pat))
        check(len(states.get("absent", [])) == len(gone_results),
              "%s: %d absent, wanted %d" % (base,
                                            len(states.get("absent", [])),
                                            len(gone_results)))
        check(all(f["file"].endswith("multiphase_missing.c")
                  for f in states.get("absent", [])),
              "%s: the wrong findings are absent" % base)
        t = s["totals"]["baseline"]
        check(t["new"] == n_pat and t["absent"] == len(gone_results),
              "%s: totals %s" % (base, t))
        sarif = load(w("cmp.sarif"))
        bs = [r.get("baselineState") for run_ in sarif["runs"]
              for r in run_["results"]]
        check("absent" not in bs and bs.count("new") == n_pat and
              None not in bs, "%s: SARIF baselineState %s" % (base, set(bs)))
        check("**%d new**" % n_pat in open(w("cmp.md")).read(),
              "%s: Markdown lacks the new count" % base)
        check(",new," in open(w("cmp.csv")).read(),
              "%s: CSV lacks states" % base)
    # Gating: new findings fail --fail-on new; the same tree does not.
    run("--baseline", w("base.json"), "--fail-on", "new", new, expect=1)
    run("--baseline", w("base.json"), "--fail-on", "new", old, expect=0)
    run("--baseline", w("base.json"), "--fail-on", "any", old, expect=1)
    run("--baseline", w("base.json"), "--fail-on", "never", new, expect=0)
    gh = run("--baseline", w("base.json"), "--github", new, expect=1).stdout
    check(gh.count("\n") == n_pat, "--github with a baseline annotates only "
          "new findings")
    run("--baseline", os.path.join(BROKEN, "truncated.sarif"), new,
        expect=2)


# ---- split -------------------------------------------------------------------

def sarif_files(base):
    stem, ext = os.path.splitext(base)
    single = [base] if os.path.exists(base) else []
    return single + sorted(glob.glob("%s-*%s" % (stem, ext)),
                           key=lambda p: int(p[len(stem) + 1:-len(ext)]))


def check_split(files, total, max_results, max_runs):
    ids, n = set(), 0
    for path in files:
        doc = load(path)
        check(len(doc["runs"]) <= max_runs, "%s: %d runs" % (path,
                                                            len(doc["runs"])))
        for r in doc["runs"]:
            check(len(r["results"]) <= max_results, "%s: %d results in a run"
                  % (path, len(r["results"])))
            aid = r["automationDetails"]["id"]
            check(aid not in ids, "automationDetails.id %s twice" % aid)
            ids.add(aid)
            n += len(r["results"])
    check(n == total, "split: %d results written, %d collected" % (n, total))


def scenario_split():
    s = load_summary(INPUTS)
    total = len(s["findings"])
    out = w("split", "out.sarif")
    os.makedirs(w("split"), exist_ok=True)
    run("--sarif", out, "--max-results", "5", "--max-runs", "2", INPUTS,
        expect=1)
    files = sarif_files(out)
    check(len(files) > 2 and not os.path.exists(out),
          "split: want numbered files, got %s" % files)
    check_split(files, total, 5, 2)
    # GitHub's real limit: one project with more than 25,000 results.
    big = w("big")
    shutil.rmtree(big, ignore_errors=True)
    subprocess.run([sys.executable, os.environ["GEN"], big, "--files", "300",
                    "--findings", "100", "--projects", "1",
                    "--template", ESCALATION], check=True)
    out = w("big.sarif")
    run("--sarif", out, "--json", w("big.json"), big, expect=1)
    total = len(load(w("big.json"))["findings"])
    check(total > 25000, "the big input has only %d findings" % total)
    doc = load(out)
    check(len(doc["runs"]) == 2, "25,000 results per run: %d runs" %
          len(doc["runs"]))
    check_split([out], total, 25000, 20)
    ids = [r["automationDetails"]["id"] for r in doc["runs"]]
    check(ids == ["ftcheck/proj000/part-1/", "ftcheck/proj000/part-2/"],
          "part categories: %s" % ids)
    if os.environ.get("VALIDATE"):
        # (the 25,000-result file is over the multitool's 10 MB default)
        p = subprocess.run(["sh", os.environ["VALIDATE"], files[0]],
                           capture_output=True, text=True)
        if p.returncode not in (0, 77):
            print(p.stdout, p.stderr)
            check(False, "the split SARIF does not validate")


# ---- broken input ------------------------------------------------------------

BROKEN_REASONS = {
    "array.json": "not an object",
    "bad-status.sarif": "status is weird",
    "deep-nesting.sarif": "nested deeper",
    "deep.json": "not an object",
    "empty.sarif": "empty file",
    "foreign.json": "foreign",
    "invalid.sarif": "invalid JSON at line 1",
    "json-no-findings.json": "without \"tu\" object and \"findings\"",
    "json-v2.json": "version 2",
    "no-facts.sarif": "no properties.ftcheck",
    "nul.json": "NUL byte",
    "old-version.sarif": "version 2.0.0",
    "other-tool.sarif": "another tool",
    "results-object.sarif": "results is not an array",
    "runs-not-array.sarif": "not SARIF",
    "truncated.sarif": "truncated",
    "utf16.sarif": "UTF-16",
    "whitespace.json": "white space",
}


def scenario_broken():
    # Every broken file named with its reason; the good ones still read.
    p = run("--json", w("mixed.json"), "--fail-on", "never", BROKEN, INPUTS,
            expect=0)
    for name, reason in BROKEN_REASONS.items():
        line = [l for l in p.stderr.splitlines()
                if os.path.join(BROKEN, name) + ":" in l]
        check(line and reason in line[0] and "skipped" in line[0],
              "%s: wanted '%s', got %s" % (name, reason, line))
    for i in range(3):
        check("partly-bad.sarif: runs[0].results[%d]" % i in p.stderr,
              "partly-bad.sarif: result %d not reported" % i)
    s = load(w("mixed.json"))
    good = load_summary(INPUTS)
    n_partial = len(load(os.path.join(BROKEN, "partly-bad.sarif"))
                    ["runs"][0]["results"]) - 3
    check(len(s["findings"]) == len(good["findings"]) + n_partial,
          "broken files cost good findings: %d vs %d + %d" %
          (len(s["findings"]), len(good["findings"]), n_partial))
    check(s["inputs"]["filesSkipped"] == len(BROKEN_REASONS),
          "files skipped: %s" % s["inputs"])
    # Only broken files: nothing collected.
    run("--json", w("none.json"), os.path.join(BROKEN, "empty.sarif"),
        os.path.join(BROKEN, "foreign.json"), expect=3)
    run(w("does-not-exist"), expect=3)
    os.makedirs(w("emptydir"), exist_ok=True)
    run(w("emptydir"), expect=3)
    # A merged report is not a side file.
    run("--sarif", w("m.sarif"), "--json", w("m.json"), INPUTS, expect=1)
    p = run(w("m.sarif"), w("m.json"), expect=3)
    check("merged by ftcheck-collect" in p.stderr and
          "summary written by ftcheck-collect" in p.stderr,
          "merged reports given as input: %s" % p.stderr)
    # Usage errors.
    for args in (["--fail-on", "sometimes", INPUTS], ["--bogus", INPUTS],
                 [], ["--project", "noequals", INPUTS],
                 ["--max-results", "30000", INPUTS], ["--sarif"]):
        run(*args, expect=2)
    # An output that cannot be written.
    run("--json", "/nonexistent-dir/x.json", INPUTS, expect=4)
    # Random corruption of a real file never crashes.
    import random
    rnd = random.Random(7)
    data = open(ESCALATION, "rb").read()
    os.makedirs(w("fuzz"), exist_ok=True)
    for i in range(200):
        b = bytearray(data)
        for _ in range(rnd.randrange(1, 8)):
            pos = rnd.randrange(len(b))
            b[pos] = rnd.choice(b'{}[]",:0 \\x\x00\xff')
        if rnd.random() < 0.3:
            b = b[:rnd.randrange(len(b))]
        with open(w("fuzz", "f%03d.sarif" % i), "wb") as f:
            f.write(bytes(b))
    p = run("--json", w("fuzz.json"), "--sarif", w("fuzz.sarif"), w("fuzz"),
            expect=(0, 1, 3))


# ---- project names -----------------------------------------------------------

def scenario_projects():
    d = w("names")
    shutil.rmtree(d, ignore_errors=True)
    doc = load(ESCALATION)
    doc["runs"][0]["properties"]["ftcheck"]["project"] = None
    save(os.path.join(d, "numpy", "build", "a.sarif"), doc)
    save(os.path.join(d, "scipy", "b.sarif"), doc)
    s = load_summary(d)
    check([p["name"] for p in s["projects"]] == ["numpy", "scipy"],
          "projects from directories: %s" % [p["name"] for p in s["projects"]])
    s = load_summary(d, extra=("--project", "np=%s" %
                               os.path.join(d, "numpy")))
    check([p["name"] for p in s["projects"]] == ["np", "scipy"],
          "--project mapping: %s" % [p["name"] for p in s["projects"]])
    s = load_summary(ESCALATION, extra=("--project", "np=%s" % d))
    check([p["name"] for p in s["projects"]] == ["alpha"],
          "the run's project property wins")


# ---- validation --------------------------------------------------------------

def scenario_validate():
    run("--sarif", w("v.sarif"), "--baseline", ESCALATION, INPUTS,
        expect=1)
    p = subprocess.run(["sh", os.environ["VALIDATE"], w("v.sarif")],
                       capture_output=True, text=True)
    print(p.stdout, p.stderr)
    if p.returncode == 77:
        sys.exit(77)
    check(p.returncode == 0, "the merged SARIF does not validate")


# ---- HTML in a browser -------------------------------------------------------

def scenario_html():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium not installed; skipping")
        sys.exit(77)
    hist = w("html.db")
    if os.path.exists(hist):
        os.remove(hist)
    run("--history", hist, "--time", "2025-01-01T00:00:00Z", INPUTS,
        expect=1)
    run("--html", w("report.html"), "--history", hist, "--time",
        "2025-02-01T00:00:00Z", "--baseline", ESCALATION, INPUTS, expect=1)
    html = open(w("report.html"), encoding="utf-8").read()
    check("http://" not in html.replace("http://www.w3.org/2000/svg", "")
          and "https://" not in html and "<link" not in html
          and "src=" not in html, "the page refers to external assets")
    check(html.count("<svg") >= 3, "the page lacks its charts")
    png = w("report.png")
    if os.path.exists(png):
        os.remove(png)
    p = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update", "--no-first-run",
                        "--user-data-dir=" + w("chromium-profile"),
                        "--window-size=1280,2000", "--screenshot=" + png,
                        "file://" + w("report.html")],
                       capture_output=True, text=True, timeout=120)
    check(os.path.exists(png) and os.path.getsize(png) > 20000,
          "no screenshot: %s" % p.stderr[-500:])
    if os.path.exists(png):
        # A rendered page has many colours; a blank or error page few.
        data = open(png, "rb").read()
        check(data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
        print("screenshot:", png, os.path.getsize(png), "bytes")


# ---- history -----------------------------------------------------------------

def scenario_history():
    db = w("h.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    old = w("hold")
    shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(INPUTS, old)
    gone = glob.glob(os.path.join(old, "beta", "patterns.c-*"))[0]
    n_pat = len(load(gone)["runs"][0]["results"])
    fixed_src = glob.glob(os.path.join(INPUTS, "alpha",
                                       "multiphase_missing.c-*"))[0]
    os.remove(gone)
    run("--history", db, "--time", "2025-01-01T00:00:00Z", "--label", "jan",
        old, expect=1)
    new = w("hnew")
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(INPUTS, new)
    os.remove(glob.glob(os.path.join(new, "alpha",
                                     "multiphase_missing.c-*"))[0])
    run("--history", db, "--time", "2025-02-01T00:00:00Z", "--label", "feb",
        "--json", w("h.json"), "--markdown", w("h.md"), new, expect=1)
    s = load(w("h.json"))
    h = s["history"]
    check(h["run"] == 2 and h["previousRun"] == 1, "history runs: %s" %
          {k: h[k] for k in ("run", "previousRun")})
    check(h["appeared"] == n_pat, "appeared %d, wanted %d" % (h["appeared"],
                                                             n_pat))
    check(h["fixed"] == len(load(fixed_src)["runs"][0]["results"]),
          "fixed %d" % h["fixed"])
    md = open(w("h.md"), encoding="utf-8").read()
    check("## Trend" in md and "Appeared since the previous run (%d)" % n_pat
          in md and "→" in md, "the Markdown lacks the trend")
    con = sqlite3.connect(db)
    check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "database not intact")
    labels = [r[0] for r in con.execute("SELECT label FROM runs ORDER BY id")]
    check(labels == ["jan", "feb"], "runs: %s" % labels)
    n = con.execute("SELECT count(*) FROM findings WHERE run_id = 2"
                    ).fetchone()[0]
    check(n == len([f for f in s["findings"] if f["state"] != "absent"]),
          "findings stored for run 2: %d" % n)
    con.close()
    # Not a database.
    bad = w("not-a-db")
    with open(bad, "w") as f:
        f.write("hello, I am not SQLite" * 100)
    p = run("--history", bad, INPUTS, expect=4)
    check("not-a-db" in p.stderr, "history error does not name the file")


def scenario_concurrent():
    db = w("c.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    n = 24
    procs = [subprocess.Popen([COLLECT, "--history", db, "--label",
                               "w%d" % i, "--fail-on", "never", "--quiet",
                               INPUTS], cwd=WORK,
                              stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    for p in procs:
        err = p.communicate()[1]
        check(p.returncode == 0, "a concurrent writer failed: %s" % err)
    s = load_summary(INPUTS)
    want = len(s["findings"])
    con = sqlite3.connect(db)
    check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "database corrupted by concurrent writers")
    runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    check(runs == n, "%d runs recorded, wanted %d" % (runs, n))
    counts = {r[0] for r in con.execute(
        "SELECT count(*) FROM findings GROUP BY run_id")}
    check(counts == {want}, "findings per run %s, wanted %d" % (counts, want))
    con.close()


def main():
    name = sys.argv[1]
    os.makedirs(WORK, exist_ok=True)
    globals()["scenario_" + name]()
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

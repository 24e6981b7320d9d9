#!/usr/bin/env python3
"""gen_sidefiles.py - synthetic ftcheck SARIF side files for the collector
benchmark.

    gen_sidefiles.py OUTDIR --files 10000 --findings 100 [--projects 100]

Each file is a real side file (the template, written by the plugin) with its
results replaced by FINDINGS results cloned from the template's own results,
moved to other files, lines and functions. About a tenth of each file's
results sit in a header shared by every TU of its project, as a header
included everywhere would, so the collector has duplicates to fold.
"""
import argparse
import copy
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "tests", "collector", "inputs", "alpha",
                        "escalation.c-97dd299d0e285db9.sarif")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--findings", type=int, default=100)
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--template", default=TEMPLATE)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    with open(a.template, encoding="utf-8") as f:
        doc = json.load(f)
    run = doc["runs"][0]
    samples = run["results"]
    run.pop("artifacts", None)
    shared = max(1, a.findings // 10)
    for i in range(a.files):
        project = "proj%03d" % (i % a.projects)
        tu = "src/mod%05d.c" % i
        results = []
        for k in range(a.findings):
            r = copy.deepcopy(samples[k % len(samples)])
            in_header = k < shared
            uri = "include/%s_common.h" % project if in_header else tu
            line = 10 + k * 7 if in_header else 10 + rnd.randrange(5000)
            loc = r["locations"][0]["physicalLocation"]
            loc["artifactLocation"] = {"uri": uri, "uriBaseId": "%SRCROOT%"}
            reg = loc["region"]
            reg["startLine"] = reg["endLine"] = line
            reg["snippet"] = {"text": "PyObject *v%d = PyDict_GetItem(d%d, key);" %
                              (k if in_header else rnd.randrange(10**6), k)}
            r.pop("ruleIndex", None)
            fn = "helper_%d" % k if in_header else "func_%d_%d" % (i, k)
            r["locations"][0]["logicalLocations"] = [{"name": fn,
                                                      "kind": "function"}]
            for rel in r.get("relatedLocations", []):
                rl = rel["physicalLocation"]
                rl["artifactLocation"] = {"uri": uri,
                                          "uriBaseId": "%SRCROOT%"}
                rl["region"]["startLine"] = rl["region"]["endLine"] = line
            r["partialFingerprints"] = {
                "primaryLocationLineHash": "%016x:1" % rnd.getrandbits(64)}
            results.append(r)
        run["results"] = results
        facts = run["properties"]["ftcheck"]
        facts["project"] = project
        facts["mainFile"] = tu
        facts["workingDirectory"] = facts["sourceRoot"] = "/src/" + project
        run["automationDetails"] = {"id": "ftcheck/%s/mod%05d.c" % (project, i)}
        d = os.path.join(a.outdir, project)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "mod%05d.c-%016x.sarif" % (i, i)), "w",
                  encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Print, sorted, what the side files under the given directories say:
one line per TU (side file name, status) and one per finding. Two audits
that analysed the same TUs print the same text."""
import json
import os
import sys

lines = []
for top in sys.argv[1:]:
    for dirpath, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "logs"]
        for name in files:
            path = os.path.join(dirpath, name)
            project = os.path.basename(dirpath)
            if name.endswith(".sarif") and name != "results.sarif":
                run = json.load(open(path))["runs"][0]
                facts = run["properties"]["ftcheck"]
                lines.append(f"tu {project} {name} {facts['status']} "
                             f"{facts['mainFile']}")
                for r in run["results"]:
                    loc = r["locations"][0]["physicalLocation"]
                    reg = loc["region"]
                    lines.append(
                        f"finding {project} {name} {r['ruleId']} "
                        f"{loc['artifactLocation']['uri']}:{reg['startLine']}:"
                        f"{reg.get('startColumn', 0)} {r['message']['text']}")
            elif name.endswith(".json") and name != "summary.json":
                doc = json.load(open(path))
                lines.append(f"tu {project} {name} {doc['tu']['status']} "
                             f"{doc['tu']['mainFile']}")
for line in sorted(lines):
    print(line)

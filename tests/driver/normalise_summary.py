#!/usr/bin/env python3
"""Print a collector summary.json without what differs between runs of the
same analysis (times, how many input files held it)."""
import json
import re
import sys

VOLATILE = re.compile(r"time|seconds|date|generated|inputs", re.I)


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if not VOLATILE.search(k)}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v


print(json.dumps(clean(json.load(open(sys.argv[1]))), indent=1,
                 sort_keys=True))

#!/usr/bin/env python3
"""Compare a JSON/SARIF side file with its golden copy after normalisation.

    compare_json.py ACTUAL GOLDEN

Timing, the Clang version and machine paths change from run to run; they are
replaced by placeholders before comparing. FTCHECK_UPDATE_GOLDEN=1 rewrites
the golden file from ACTUAL instead (review the diff before committing).
"""
import difflib
import json
import os
import sys

# help.markdown is the rule's doc page: checked against docs/checks/ by the
# golden scenario itself, so editing a page does not touch golden files.
VOLATILE_KEYS = {"analysisSeconds", "clangVersion", "markdown"}
REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))


def normalise(value):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE_KEYS else normalise(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        # The scratch directory first: it may lie inside the repository.
        work = os.environ.get("WORK")
        if work:
            value = value.replace(os.path.realpath(work), "<WORK>")
        value = value.replace(REPO, "<REPO>")
    return value


def main():
    actual_path, golden_path = sys.argv[1], sys.argv[2]
    with open(actual_path) as f:
        actual = normalise(json.load(f))
    text = json.dumps(actual, indent=2, sort_keys=True) + "\n"
    if os.environ.get("FTCHECK_UPDATE_GOLDEN") == "1":
        with open(golden_path, "w") as f:
            f.write(text)
        print(f"updated {golden_path}")
        return 0
    with open(golden_path) as f:
        golden = f.read()
    if golden == text:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        golden.splitlines(True), text.splitlines(True), golden_path, actual_path))
    print(f"{actual_path} differs from {golden_path} "
          "(FTCHECK_UPDATE_GOLDEN=1 rewrites it)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

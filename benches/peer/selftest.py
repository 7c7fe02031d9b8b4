#!/usr/bin/env python3
"""Self-check of the DuckDB peer: runs duckdb_permissions.py on every testdata/NAME.json that has a
testdata/NAME.expected.json (written by hand from docs/permission-model.md) and compares bytes.

The expected files are hand-written in a compact layout; they are normalised with the official byte
format (json.dumps(indent=2, sort_keys=True) + newline) before the byte comparison, so list order, key
set and values are all checked. worked_example.expected.json is already in that exact form.

Usage: selftest.py [--bin PERMAUDIT]   (with --bin, the same cases are also run through
       `PERMAUDIT user list-permissions --org FILE` and compared to the same expectations)
Exit status 0 when every case passes.
"""
import argparse
import difflib
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
PEER = HERE / "duckdb_permissions.py"


def canonical(path: pathlib.Path) -> str:
    with open(path, encoding="utf-8") as f:
        return json.dumps(json.load(f), indent=2, sort_keys=True) + "\n"


def run(cmd):
    p = subprocess.run(cmd, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", help="also check this permaudit binary against the same expectations")
    args = ap.parse_args()

    cases = sorted(p for p in (HERE / "testdata").glob("*.json") if not p.name.endswith(".expected.json"))
    passed = failed = 0
    for snap in cases:
        exp_path = snap.with_name(snap.stem + ".expected.json")
        if not exp_path.exists():
            continue
        expected = canonical(exp_path)
        impls = [("duckdb", [sys.executable, str(PEER), "--quiet", str(snap)])]
        if args.bin:
            impls.append(("permaudit", [args.bin, "user", "list-permissions", "--org", str(snap)]))
        for name, cmd in impls:
            rc, out, err = run(cmd)
            if rc == 0 and out == expected:
                passed += 1
                print(f"ok    {name:9} {snap.name}")
            else:
                failed += 1
                print(f"FAIL  {name:9} {snap.name} (exit {rc})")
                if err.strip():
                    print("  stderr: " + err.strip().replace("\n", "\n  stderr: "))
                diff = difflib.unified_diff(expected.splitlines(), out.splitlines(), "expected", name, lineterm="", n=2)
                print("\n".join("  " + l for l in list(diff)[:60]))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Creates (idempotently) the Python virtual environment of the DuckDB peer benchmark:
#   <repo root>/target/bench-venv  with the pinned packages of benches/peer/requirements.txt.
# Prints the venv's python path on stdout as its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/bench-venv"
req="$here/requirements.txt"
py="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating $venv" >&2
    mkdir -p "$root/target"
    "$py" -m venv "$venv"
fi
# Reinstall only when requirements.txt changed since the last successful install.
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing $(grep -v '^#' "$req" | tr '\n' ' ')" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
    echo "$want" > "$stamp"
fi
"$venv/bin/python" -c 'import duckdb, sys; print("setup: duckdb", duckdb.__version__, file=sys.stderr)'
echo "$venv/bin/python"

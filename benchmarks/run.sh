#!/usr/bin/env bash
# make bench: benchmarks/run.sh [CLAIM] [OPTIONS]. One script per claim (docs/performance.md lists
# them); without CLAIM every claim runs with OPTIONS (e.g. --quick). make runs this with .venv/dev
# first on PATH and ANSIBLE_COLLECTIONS_PATH=build/stage; run directly, each script copies the
# collection itself. Not part of CI: numbers, not tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-${VENV:+$VENV/bin/python}}
python=${python:-$here/../.venv/dev/bin/python}
claims="pacer vs_sdk fixed_cost memory writes"
case "${1:-}" in
  -h | --help) echo "usage: benchmarks/run.sh [CLAIM] [OPTIONS]; CLAIM: $claims; benchmarks/run.sh CLAIM --help lists its options"; exit 0 ;;
  -* | '') for claim in $claims; do "$python" "$here/$claim.py" "$@"; done ;;
  *) claim=$1; shift
     if [ -f "$here/$claim.sh" ]; then exec bash "$here/$claim.sh" "$@"; fi
     [ -f "$here/$claim.py" ] || { echo "benchmarks/run.sh: no claim $claim (claims: $claims)" >&2; exit 2; }
     exec "$python" "$here/$claim.py" "$@" ;;
esac

#!/usr/bin/env bash
# make bench: benchmarks/run.sh [CLAIM] [OPTIONS]. One script per claim (docs/performance.md lists
# them): CLAIM.py, or CLAIM.sh for one that needs more than Python (day-one finds day_one.sh).
# Without CLAIM every claim in $claims runs with OPTIONS (e.g. --quick). make bench runs this in the
# nox session bench (VENV: its venv, with ansible-core 2.19 and the SDK); run directly, it uses that
# venv once make bench has made it, and copies the collection to build/bench/stage. Not part of CI:
# numbers, not tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-${VENV:+$VENV/bin/python}}
python=${python:-$here/../.venv/sessions/bench/bin/python}
[ -x "$python" ] || { echo "benchmarks/run.sh: no $python: run make bench once (it makes the bench session's venv)" >&2; exit 2; }
claims="pacer vs_sdk fixed_cost memory writes"
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: benchmarks/run.sh [CLAIM] [OPTIONS]; CLAIM: $claims; benchmarks/run.sh CLAIM --help lists its options"
  exit 0
fi
PATH=$(dirname "$python"):$PATH  # ansible-playbook beside the Python that runs the benchmarks
export PATH
if [ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ]; then
  ANSIBLE_COLLECTIONS_PATH=$("$python" -c 'import sys; sys.path.insert(0, sys.argv[1]); import harness; print(harness.stage(sys.argv[2]))' \
    "$here" "$here/../build/bench/stage")
  export ANSIBLE_COLLECTIONS_PATH
fi
case "${1:-}" in
  -* | '') for claim in $claims; do "$python" "$here/$claim.py" "$@"; done ;;
  *) claim=${1//-/_}; shift
     if [ -f "$here/$claim.sh" ]; then exec bash "$here/$claim.sh" "$@"; fi
     [ -f "$here/$claim.py" ] || { echo "benchmarks/run.sh: no claim $claim (claims: $claims)" >&2; exit 2; }
     exec "$python" "$here/$claim.py" "$@" ;;
esac

#!/usr/bin/env bash
# make bench: times tccc_extension_info against the official SDK and tccli on the local TCCC
# emulator (benchmarks/bench.py does the work; --help lists its options). make runs this with
# .venv/dev first on PATH and ANSIBLE_COLLECTIONS_PATH=build/stage; run directly, it stages the
# collection itself. Not part of CI: numbers, not tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-${VENV:+$VENV/bin/python}}
python=${python:-python3}
if [ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ]; then
  collection=$("$root/tools/stage-collection" "$root/build/bench-stage")
  export ANSIBLE_COLLECTIONS_PATH=${collection%/ansible_collections/tencentcloud/tccc}
fi
exec "$python" "$root/benchmarks/bench.py" "$@"

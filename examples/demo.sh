#!/usr/bin/env bash
# make demo: start the TCCC emulator with the demo instance, run examples/sip_configs.yml against
# it (the role tencentcloud.tccc.sip_client, every kind), say where the files are, stop the emulator.
# Needs ansible-core, requests and PyYAML on PATH's python3 (make demo puts .venv/demo first on
# PATH). No Tencent Cloud account is involved: the keys
# below exist only in examples/demo-data.yml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
output=${DEMO_OUTPUT:-$root/demo-output}
# ansible-playbook finds the collection in an ansible_collections/tencentcloud/tccc tree: a link to
# this one, kept (unlike the emulator's files) so that the command printed at the end works as pasted.
collections=$root/build/demo/collections
work=$(mktemp -d)
emulator_pid=
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$collections/ansible_collections/tencentcloud"
ln -sfn "$root" "$collections/ansible_collections/tencentcloud/tccc"

"$python" "$root/tests/emulator" --port 0 --port-file "$work/port" --data "$root/examples/demo-data.yml" 2>"$work/emulator.log" >/dev/null &
emulator_pid=$!
# polled every 20 ms (it is up in under a second), for 10 s at most
for _ in $(seq 500); do [ -s "$work/port" ] && break; sleep 0.02; done
[ -s "$work/port" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }
port=$(cat "$work/port")
echo "TCCC emulator on http://127.0.0.1:$port (pid $emulator_pid)"

export TENCENTCLOUD_CCC_ENDPOINT="http://127.0.0.1:$port"
export TENCENTCLOUD_SECRET_ID=AKIDDEMO0000000000000000000000000000
export TENCENTCLOUD_SECRET_KEY=demo-secret-key-only-valid-on-the-emulator
export ANSIBLE_COLLECTIONS_PATH="$collections"
# One process per module run instead of a temporary directory, a copy and a chmod first.
export ANSIBLE_PIPELINING=true
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-}
start=$EPOCHREALTIME
ansible-playbook "$root/examples/sip_configs.yml" -e "output_dir=$output"
end=$EPOCHREALTIME

# The playbook showed the summary; here: where the files are and how to aim at a real instance.
echo
echo "Playbook time: $("$python" -c "print('%.1f' % ($end - $start))") s. Files in $output (the configurations hold SIP passwords: mode 0600, or 0640 for a service group):"
find "$output" -type f | sort | sed 's/^/  /'
cat <<EOT

Against a real TCCC instance, the same playbook (no emulator, your own key):
  export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...   # or a tccli profile
  ANSIBLE_COLLECTIONS_PATH=$collections $(command -v ansible-playbook) $root/examples/sip_configs.yml -e tccc_sdk_app_id=<SdkAppId> -e output_dir=<directory>
EOT

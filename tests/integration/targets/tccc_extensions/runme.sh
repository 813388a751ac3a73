#!/usr/bin/env bash
# tccc_extensions against two emulators (extensions.yml): "plain" behaves, "lossy" applies every
# create, modify, delete and password reset and then drops the connection without an answer, the
# ambiguous failure the module settles by reading the extension again. The whole run is at -vvv
# and its output, with both emulator logs, is scanned for every SIP password the run saw.
set -eux

source ../setup_tccc_emulator/emulator.sh

# extensions.yml pins every request by answer code. On a loaded machine a request the pacer
# released inside one window can leave late and reach the server beside the next window's first,
# drawing a refusal that the client retries correctly but that changes the count; the server's
# window of 0.8 s against the pacer's 1.03 s leaves room for that. The 20-per-window guarantee
# itself is proven by tests/unit/emulator/test_pacing_forks.py, the retry of a refusal by tccc_faults.
tccc_emulator_launch plain --data data.json --rate-window 0.8
tccc_emulator_launch lossy --data data.json --drop-rate 1 \
  --fault-actions CreateExtension,ModifyExtension,DeleteExtension,ResetExtensionPassword
tccc_emulator_port plain
plain=$TCCC_PORT
tccc_emulator_port lossy
lossy=$TCCC_PORT

output="$TCCC_WORK/ansible-output.txt"
passwords="$TCCC_WORK/passwords.txt"
export ANSIBLE_NOCOLOR=1
status=0
ansible-playbook -i localhost, extensions.yml -vvv \
  -e "port_plain=$plain port_lossy=$lossy passwords_file=$passwords" "$@" >"$output" 2>&1 || status=$?
set +x  # what follows handles the passwords themselves: keep them out of this script's trace
if [ "$status" -ne 0 ]; then
  echo "ansible-playbook failed ($status); the end of its output:" >&2
  tail -n 150 "$output" >&2
  exit "$status"
fi
# The scan must see what was asked for: a -vvv run whose changes and failures were shown.
for expected in "ESTABLISH LOCAL CONNECTION" "InvalidParameterValue.AccountNotExist" "Done before the failure" "2030"; do
  grep -qF -- "$expected" "$output" || { echo "the output lacks \"$expected\": not the -vvv output the scan needs" >&2; exit 1; }
done
# The passwords the playbook saw: data.json's, and those of every extension that exists at its end.
"$TCCC_PYTHON" -c '
import json, sys
data = json.load(open("data.json"))
print("\n".join(ext["password"] for ext in data["instances"][0]["extensions"]))
' >>"$passwords"
count=$(sort -u "$passwords" | grep -c . || true)
[ "$count" -ge 20 ] || { echo "only $count passwords to scan for: the playbook did not write them" >&2; exit 1; }
tccc_scan_secrets "$passwords" "$output" "$(tccc_emulator_log plain)" "$(tccc_emulator_log lossy)"

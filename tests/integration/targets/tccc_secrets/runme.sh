#!/usr/bin/env bash
# No secret of data.json (secret keys, the session token, SIP passwords) may appear in what
# ansible-playbook prints at -vvv, for no_log tasks and for failing tasks alike, while the
# passwords stay usable by the tasks that follow (secrets_read.yml, secrets_profiles.yml).
set -eux

source ../setup_tccc_emulator/emulator.sh
# Ansible's default: each module copied to a temporary file on the host, the path that logs the most.
export ANSIBLE_PIPELINING=false

tccc_emulator_launch plain --data data.json
# Five DescribeExtension reads a minute: the sixth read is refused, after five passwords were read.
tccc_emulator_launch strict --data data.json --rate-limit 5 --rate-window 60

output="$TCCC_WORK/ansible-output.txt"
secrets="$TCCC_WORK/secrets.txt"
rendered="$TCCC_WORK/phones.txt"
# A home directory every user can traverse (TCCC_WORK is private), for a key file others can read.
open_home=$(mktemp -d "${TMPDIR:-/tmp}/tccc-open-home.XXXXXX")
tccc_track_path "$open_home"
chmod 755 "$open_home"
# Malformed answers carrying random secrets, which it adds to $secrets for the scan below.
"$TCCC_PYTHON" stub.py "$secrets" "$TCCC_WORK/stub.port" 2>"$TCCC_WORK/stub.log" &
stub=$!
tccc_track_pid "$stub"
tccc_wait_ready stub "$stub" "$TCCC_WORK/stub.log" test -s "$TCCC_WORK/stub.port"
port_stub=$(cat "$TCCC_WORK/stub.port")
tccc_emulator_port plain
plain=$TCCC_PORT
tccc_emulator_port strict
strict=$TCCC_PORT

set +x  # what follows handles the secrets themselves: keep them out of this script's trace
"$TCCC_PYTHON" - data.json "$secrets" "$TCCC_WORK" "$open_home" <<'EOF'
import json
import os
import sys

data_file, secrets_file, work = sys.argv[1:4]
with open(data_file) as handle:
    data = json.load(handle)
accounts = data["accounts"]
found = [value for account in accounts for value in (account["secret_key"], account.get("token")) if value]
found += [ext["password"] for instance in data["instances"] for ext in instance["extensions"]]
with open(secrets_file, "w") as handle:
    handle.write("".join(value + "\n" for value in found))

# tccli profiles for secrets_profiles.yml: the permanent key as it is, and with a trailing space.
permanent = accounts[1]
for home, key in (("home-profile", permanent["secret_key"]), ("home-spaced", permanent["secret_key"] + " ")):
    os.makedirs(os.path.join(work, home, ".tccli"), mode=0o700)
    path = os.path.join(work, home, ".tccli", "default.credential")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"secretId": permanent["secret_id"], "secretKey": key}, handle)

# The SDK's INI file as many write it: 0644 in an open ~/.tencentcloud, which the module must use
# with a warning. Only the token that secrets_malformed.yml sends is planted here besides.
open_home = sys.argv[4]
os.makedirs(os.path.join(open_home, ".tencentcloud"))
os.chmod(os.path.join(open_home, ".tencentcloud"), 0o755)
path = os.path.join(open_home, ".tencentcloud", "credentials")
with open(path, "w") as handle:
    handle.write("[default]\nsecret_id = %s\nsecret_key = %s\n" % (permanent["secret_id"], permanent["secret_key"]))
os.chmod(path, 0o644)
with open(secrets_file, "a") as handle:
    handle.write("ZqBadTokenA1b2\n")
    # the password of the endpoint that secrets_profiles.yml gives with user info
    handle.write("Ep-Password-never-shown-7\n")
EOF
# The temporary key and its token come from the environment, which -vvv does not print (a task's
# environment keyword would be: it is part of the command line shown).
eval "$("$TCCC_PYTHON" -c '
import json, shlex
temporary = json.load(open("data.json"))["accounts"][0]
for name, field in (("ID", "secret_id"), ("KEY", "secret_key")):
    print("export TENCENTCLOUD_SECRET_%s=%s" % (name, shlex.quote(temporary[field])))
print("export TENCENTCLOUD_SECURITY_TOKEN=%s" % shlex.quote(temporary["token"]))
')"
set -x

export ANSIBLE_NOCOLOR=1
: >"$output"
status=0
ansible-playbook -i localhost, secrets_read.yml -vvv \
  -e "port_plain=$plain port_strict=$strict rendered=$rendered" >>"$output" 2>&1 || status=$?
unset TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_SECURITY_TOKEN
ansible-playbook -i localhost, secrets_profiles.yml -vvv \
  -e "port_plain=$plain tccc_tmp=$TCCC_WORK" >>"$output" 2>&1 || status=$?
ansible-playbook -i localhost, secrets_malformed.yml -vvv \
  -e "port_stub=$port_stub port_plain=$plain open_home=$open_home" >>"$output" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  set +x
  echo "ansible-playbook failed ($status); the end of its output:" >&2
  tail -n 150 "$output" >&2
  exit "$status"
fi

set +x
# The scan must see what was asked for: two -vvv runs, the no_log result, the failures.
for expected in "ESTABLISH LOCAL CONNECTION" "no_log: true" "InvalidParameterValue.InstanceNotExist" "RequestLimitExceeded" \
  "leading or trailing whitespace" "not a JSON API answer" "holds a control character" "every user on this machine can read"; do
  if ! grep -qF -- "$expected" "$output"; then
    echo "the captured output lacks \"$expected\": it is not the -vvv output the scan needs" >&2
    exit 1
  fi
done
[ "$(grep -c '^PLAY RECAP' "$output")" -eq 3 ]
# ansible-core 2.22 and later mask the passwords the module registers as secrets.
if "$TCCC_PYTHON" -c 'import sys, ansible.release as r; sys.exit(tuple(map(int, r.__version__.split(".")[:2])) < (2, 22))'; then
  grep -qF "registered password: \$REDACTED\$" "$output" || { echo "ansible-core >= 2.22 did not mask a registered password" >&2; exit 1; }
fi
# The patterns work: the file templated from the no_log result holds every password.
passwords=0
while IFS= read -r secret; do
  case $secret in SipPw*)
    passwords=$((passwords + 1))
    grep -qF -- "$secret" "$rendered" || { echo "a password is missing from the templated file" >&2; exit 1; } ;;
  esac
done <"$secrets"
[ "$passwords" -eq 8 ]
tccc_scan_secrets "$secrets" "$output" "$(tccc_emulator_log plain)" "$(tccc_emulator_log strict)"

#!/usr/bin/env bash
# Every example a user is shown (module and filter EXAMPLES, the YAML of README.md and the role's
# README, the playbooks of examples/), found by extract_examples.py in the collection as a user
# installs it (built into a tarball, installed from it into a fresh directory) and run as written,
# each against the emulator's sample instance as it started (one emulator, reset before each run):
# README's playbooks first with --check --diff (which must show what the write modules would
# change), then for real. Every run is at -vvv, and no key or SIP password of the emulator may
# appear in any output. Last, make demo, which runs examples/sip_configs.yml, and its command
# "against a real instance", the same playbook pasted as printed into a shell without the demo's
# settings, must run.
set -eux

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
  echo "tccc_examples: needs root and unshare (util-linux): the examples write into ~/.baresip, which each run gets empty, in a mount namespace" >&2
  exit 1
fi
source ../setup_tccc_emulator/emulator.sh
here=$PWD
# The emulator starts while the collection is built.
tccc_emulator_launch examples
# Examples write into ~/.baresip (where baresip keeps its accounts), which Ansible expands with the
# home of the user it runs as, whatever $HOME says: each run gets it empty, on a tmpfs in a mount
# namespace of its own, so that the machine's own stays untouched (an empty one made here goes at exit).
baresip_home="$(getent passwd "$(id -un)" | cut -d: -f6)/.baresip"
if [ ! -e "$baresip_home" ]; then
  mkdir -m 0700 "$baresip_home"
  tccc_track_path "$baresip_home"
fi
# shellcheck disable=SC2016  # expanded by the inner bash, from its arguments
in_private_home=(unshare --mount bash -c 'mount -t tmpfs tccc-baresip "$0" && exec "$@"' "$baresip_home")
work=$TCCC_WORK/examples
mkdir -p "$work/home/.tccli"

ansible-galaxy collection build --output-path "$work/dist" "$TCCC_COLLECTION"
# Into a directory of its own, as a user installs it, whatever the collection path of this run.
ANSIBLE_COLLECTIONS_PATH=$work/collections ansible-galaxy collection install --offline -p "$work/collections" \
  "$work"/dist/tencentcloud-tccc-*.tar.gz
installed=$work/collections/ansible_collections/tencentcloud/tccc
# With the demo's data, it stands in for the real service in the last check; it starts meanwhile.
tccc_emulator_launch pasted --data "$installed/examples/demo-data.yml"
"$TCCC_PYTHON" "$here/extract_examples.py" "$installed" "$work/plays"

# The emulator's sample: its key for the environment and for the tccli profile an example names,
# and every secret it holds, for the scan.
"$TCCC_PYTHON" - "$installed/tests/emulator" "$work" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from tccc_emulator.sample import SAMPLE
work = sys.argv[2]
account = SAMPLE["accounts"][0]
open(work + "/key.env", "w").write("TENCENTCLOUD_SECRET_ID=%s\nTENCENTCLOUD_SECRET_KEY=%s\n" % (account["secret_id"], account["secret_key"]))
json.dump({"secretId": account["secret_id"], "secretKey": account["secret_key"]}, open(work + "/home/.tccli/contact-center.credential", "w"))
secrets = [account["secret_key"]] + [e["password"] for i in SAMPLE["instances"] for e in i["extensions"]]
open(work + "/secrets.txt", "w").write("".join(s + "\n" for s in secrets))
PY
chmod 0700 "$work/home/.tccli"
set -a
# shellcheck disable=SC1091
source "$work/key.env"
set +a
export HOME=$work/home ANSIBLE_COLLECTIONS_PATH=$work/collections ANSIBLE_LOCALHOST_WARNING=false

tccc_emulator_port examples
export TENCENTCLOUD_CCC_ENDPOINT="http://127.0.0.1:$TCCC_PORT"
outputs=("$(tccc_emulator_log examples)")
mapfile -t plan < <("$TCCC_PYTHON" -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    print("\t".join([e["name"], e["playbook"], str(e["readme"]).lower()]))' "$work/plays/plan.json")
for entry in "${plan[@]}"; do
  IFS=$'\t' read -r name playbook readme <<<"$entry"
  modes=(run)
  if [ "$readme" = true ]; then modes=(check run); fi
  for mode in "${modes[@]}"; do
    tccc_emulator_reset examples
    out="$work/$(basename "$playbook" .yml).$mode.out"
    flags=()
    if [ "$mode" = check ]; then flags=(--check --diff); fi
    if ! "${in_private_home[@]}" ansible-playbook -vvv -i "$here/inventory.yml" "${flags[@]}" "$playbook" >"$out" 2>&1; then
      tail -n 60 "$out" >&2
      echo "tccc_examples: the example '$name' failed (${flags[*]:-without --check})" >&2
      exit 1
    fi
    grep -E '^[a-z0-9-]+ +: ok=' "$out"
    outputs+=("$out")
  done
done

# What the examples say they print, they print; what README's playbooks would change in check mode
# shows in the diff.
"$TCCC_PYTHON" - "$work/plays/plan.json" "$work" <<'PY'
import json, os, re, sys
problems = []
for example in json.load(open(sys.argv[1])):
    base = os.path.join(sys.argv[2], os.path.basename(example["playbook"])[:-4])
    run = open(base + ".run.out").read()
    for text in example["expected"]:
        if '"msg": %s' % json.dumps(text) not in run:
            problems.append("%s: does not print %s, as its comment says" % (example["name"], text))
    if example["readme"] and re.search(r"tencentcloud\.tccc\.tccc_extensions?:", open(example["playbook"]).read()):
        check = open(base + ".check.out").read()
        if not re.search(r'^\+ +"extension_name": ', check, re.MULTILINE):
            problems.append("%s: --check --diff shows no change of an extension" % example["name"])
        if "not written, since tccc_extensions would create them" not in check:
            problems.append("%s: under --check the role did not name the extensions still to be created" % example["name"])
print("\n".join(problems) or "every example printed what it says, and README's --check --diff showed the changes")
sys.exit(1 if problems else 0)
PY

# make demo (examples/demo.sh) from the installed collection, then the command it prints for a real
# instance, placeholders filled in, in a shell that has none of the demo's settings (at -vvv, for the
# scan); an emulator with the demo's data and keys stands in for the real service.
PYTHON=$TCCC_PYTHON DEMO_OUTPUT=$work/demo-output "${in_private_home[@]}" bash "$installed/examples/demo.sh" >"$work/demo.out" 2>&1 ||
  { tail -n 40 "$work/demo.out" >&2; exit 1; }
pasted=$(grep -A2 '^Against a real TCCC instance' "$work/demo.out" | grep -F 'ansible-playbook' |
  sed -e 's/<SdkAppId>/1400000000/' -e "s|<directory>|$work/pasted|")
tccc_emulator_port pasted
read -r demo_id demo_key < <("$TCCC_PYTHON" -c 'import sys, yaml; a = yaml.safe_load(open(sys.argv[1]))["accounts"][0]
print(a["secret_id"], a["secret_key"])' "$installed/examples/demo-data.yml")
if ! env -u ANSIBLE_COLLECTIONS_PATH TENCENTCLOUD_CCC_ENDPOINT="http://127.0.0.1:$TCCC_PORT" ANSIBLE_VERBOSITY=3 \
    TENCENTCLOUD_SECRET_ID="$demo_id" TENCENTCLOUD_SECRET_KEY="$demo_key" "${in_private_home[@]}" bash -c "$pasted" \
    >"$work/pasted.out" 2>&1; then
  tail -n 40 "$work/pasted.out" >&2
  echo "tccc_examples: make demo's command for a real instance failed as pasted: $pasted" >&2
  exit 1
fi
test -s "$work/pasted/baresip/accounts"
outputs+=("$work/demo.out" "$work/pasted.out")
echo "$demo_key" >>"$work/secrets.txt"
"$TCCC_PYTHON" -c 'import sys, yaml
for i in yaml.safe_load(open(sys.argv[1]))["instances"]:
    for e in i["extensions"]:
        print(e["password"])' "$installed/examples/demo-data.yml" >>"$work/secrets.txt"

tccc_scan_secrets "$work/secrets.txt" "${outputs[@]}"

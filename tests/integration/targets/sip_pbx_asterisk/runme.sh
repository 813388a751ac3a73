#!/usr/bin/env bash
# tencentcloud.tccc.sip_client on a running Asterisk, with the role's files used unchanged, against
# Kamailio as the TCCC registrar, all in a private network namespace with its own resolver
# (setup_sip_pbx). The Asterisk on PATH, else the one tools/build-pbx built; which one ran is printed.
#  1. the role runs while Asterisk does not: the files are written, the reload is skipped, saying why
#  2. Asterisk starts on them: the udp4 cell registers
#  3. the role adds every cell (UDP, TCP, TLS x IPv4 literal, IPv6 literal, names resolving to IPv4,
#     IPv6, both) and the negative controls: the handler restarts Asterisk, which started without
#     those transports; every extension registers, counted on both sides (check_asterisk.py); the
#     wrong password is rejected, the other CA's and the misnamed certificate refused
#  4. the role runs again unchanged: no handler runs
#  5. a call each way through the registrar: Asterisk calls baresip (1001), sipp (1002) calls Asterisk
#  6. day two: a password reset and a purge at TCCC, the role again: within 10 s the new password is
#     registered and the deleted extension unregistered
#  7. an Asterisk without res_pjsip refuses the handler's commands: the handler fails
set -eux

source ../setup_sip_pbx/pbx_world.sh
pbx_enter_namespace "$@"
source ../setup_tccc_emulator/emulator.sh
here=$PWD

pbx_find asterisk
asterisk=$PBX_BINARY
echo "sip_pbx_asterisk: running $("$asterisk" -V) ($asterisk)"
pbx_world asterisk
work=$PBX_WORK
pbx_asterisk_etc
etc=$PBX_ETC

run=0
play() {
  local playbook=$1 out
  shift
  run=$((run + 1))
  out=$work/play-$run-${playbook%.yml}.out
  # At -vvv, so that the secret scan sees everything Ansible could show.
  if ! ansible-playbook -vvv -i localhost, "$here/$playbook" -e "tccc_port=$TCCC_PORT" -e "pbx_work=$work" \
    -e "asterisk_etc=$etc" "$@" >"$out" 2>&1; then
    tail -n 80 "$out" >&2
    return 1
  fi
  grep -E '^(PLAY RECAP|localhost +:)' "$out"
}
check() {
  "$TCCC_PYTHON" "$here/check_asterisk.py" "$work" "$@"
}
# set -e ignores a command inverted with '!': this fails when COMMAND succeeds.
refute() {
  if "$@"; then
    echo "sip_pbx_asterisk: unexpectedly true: $*" >&2
    exit 1
  fi
}
# What a handler did in the last run: changed, ok, skipping or failed (Ansible prints the header of
# every handler notified, the skipped ones too).
handler_did() {
  awk -v name="RUNNING HANDLER [tencentcloud.tccc.sip_client : $1" '
    index($0, name) == 1 { found = 1; next }
    found && match($0, /^(changed|ok|skipping|failed|fatal):/) { print substr($0, 1, RLENGTH - 1); exit }
  ' "$work/play-$run-apply.out"
}
seconds_since() {
  "$TCCC_PYTHON" -c "import sys; print('%.1f' % ($EPOCHREALTIME - float(sys.argv[1])))" "$1"
}

# 1. Not running: written, no handler, and the role says why it reloads nothing.
play apply.yml -e '{"cells": ["udp4"]}' -e phones=true
grep -q 'Asterisk does not run' "$work/play-$run-apply.out"
refute grep -q 'RUNNING HANDLER' "$work/play-$run-apply.out"
grep -q '^#include pjsip_tccc.conf$' "$etc/pjsip.conf"

# 2. Asterisk starts on the files as written.
pbx_asterisk_start
"$asterisk" -rx 'pjsip set logger on' >/dev/null
check --cells udp4 --wait 20

# 3. Every cell: new transports, so the handler restarts Asterisk.
phase=$EPOCHREALTIME
play apply.yml
echo "sip_pbx_asterisk: the role's run took $(seconds_since "$phase") s"
[ "$(handler_did 'Restart Asterisk')" = changed ]
tccc_wait_ready asterisk "$(cat /run/asterisk/asterisk.pid)" "$work/asterisk.out" "$asterisk" -rx 'core waitfullybooted'
echo "sip_pbx_asterisk: Asterisk restarted $(seconds_since "$phase") s after the role's start"
"$asterisk" -rx 'pjsip set logger on' >/dev/null
check --wait 30
echo "sip_pbx_asterisk: from the role's start to the last registration: $(seconds_since "$phase") s"

# 4. Nothing changed: nothing reloaded.
play apply.yml -e '{"fresh": []}'
refute grep -q 'RUNNING HANDLER' "$work/play-$run-apply.out"

# 5. A call each way through the registrar. baresip (1001) answers by itself.
sed -i 's/$/;answermode=auto/' "$work/baresip/accounts"
printf 'poll_method epoll\nmodule_path /usr/lib/baresip/modules\nmodule g711.so\nmodule_tmp uuid.so\nmodule_tmp account.so\nsip_listen 127.0.0.1:5070\nnet_interface 127.0.0.1\n' \
  >"$work/baresip/config"
baresip -f "$work/baresip" </dev/null >"$work/baresip.log" 2>&1 &
tccc_track_pid $! "$work/baresip.log"
check --phones --wait 20
"$TCCC_PYTHON" "$here/calls.py" "$work" --wait 20

# 6. Day two.
play rotate.yml
rotated=$("$TCCC_PYTHON" -c 'import json, sys; print([e for e in json.load(open(sys.argv[1]))["registered"] if e["cell"] == "udp4"][0]["aor"])' "$work/expected.json")
pbx_set_password "$rotated" "$work/new-password"
mark=$(wc -l <"$work/kamailio.log")
phase=$EPOCHREALTIME
play apply.yml -e '{"fresh": ["udp4", "tcp4"]}'
[ "$(handler_did 'Reload res_pjsip')" = changed ]
[ "$(handler_did 'Restart Asterisk')" = skipping ]
[ "$(handler_did 'Register anew')" = changed ]
check --day-two "$rotated" --since-line "$mark" --wait 10
echo "sip_pbx_asterisk: from the role's start to the new password registered: $(seconds_since "$phase") s"

# No password (nor one stripped of its spaces), no secret key appears in the -vvv output of any
# playbook or in the emulator's log.
"$TCCC_PYTHON" - "$work/data.json" "$work/new-password" "$work/secrets.txt" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
found = [a["secret_key"] for a in data["accounts"]] + [open(sys.argv[2]).read()]
for password in (e["password"] for i in data["instances"] for e in i["extensions"]):
    found += [password, password.strip()]
open(sys.argv[3], "w").write("".join(value + "\n" for value in found))
EOF
tccc_scan_secrets "$work/secrets.txt" "$work"/play-*.out "$(tccc_emulator_log pbx)"

# 7. An Asterisk whose PJSIP is not loaded refuses the handler's commands: the handler fails.
"$asterisk" -rx 'core stop now' >/dev/null || true
# shellcheck disable=SC2016  # expanded by the inner bash
tccc_wait_ready "asterisk stop" $$ /dev/null bash -c '! kill -0 "$(cat /run/asterisk/asterisk.pid)"'
printf 'noload => res_pjsip.so\n' >>"$etc/modules.conf"
pbx_asterisk_start
sed -i 's/^expiration=.*/expiration=1800/' "$etc/pjsip_tccc.conf"
refute play apply.yml -e '{"fresh": []}'
grep -q "Asterisk refused" "$work/play-$run-apply.out"

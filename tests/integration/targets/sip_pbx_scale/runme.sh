#!/usr/bin/env bash
# A contact center's PBX: tencentcloud.tccc.sip_client renders 1,000 TCCC extensions onto one
# running Asterisk, which registers every one with Kamailio, the TCCC registrar, over TLS to a
# proxy name as TCCC's own (sip.tccc.qcloud.com:5061) is, all in the private network namespace of
# setup_sip_pbx. Asserts that all of them register, counted on both sides (check_pbx.py of
# setup_sip_pbx); prints the role's time, the time from the role's start to the last
# registration and Asterisk's memory (docs/pbx.md records them). Only a generous cap on the wait:
# no assertion on speed.
set -eux

source ../setup_sip_pbx/pbx_world.sh
pbx_enter_namespace "$@"
source ../setup_tccc_emulator/emulator.sh
here=$PWD
seats=1000

pbx_find asterisk
echo "sip_pbx_scale: running $("$PBX_BINARY" -V) ($PBX_BINARY)"
pbx_world asterisk --scale "$seats"
work=$PBX_WORK
pbx_asterisk_etc
pbx_asterisk_start

seconds_since() {
  "$TCCC_PYTHON" -c "import sys; print('%.1f' % ($EPOCHREALTIME - float(sys.argv[1])))" "$1"
}
memory() {
  # resident now and at its peak, of the Asterisk that runs now
  awk '/^Vm(RSS|HWM):/ { printf "%s %d MB ", $1, $2 / 1024 }' "/proc/$(cat /run/asterisk/asterisk.pid)/status"
}
echo "sip_pbx_scale: Asterisk without TCCC extensions: $(memory)"

# The role writes every seat; Asterisk runs without the TLS transport they need, so its handler
# restarts Asterisk.
start=$EPOCHREALTIME
if ! ansible-playbook -i localhost, "$here/scale.yml" -e "pbx_work=$work" -e "asterisk_etc=$PBX_ETC" >"$work/play.out" 2>&1; then
  tail -n 80 "$work/play.out" >&2
  exit 1
fi
echo "sip_pbx_scale: the role's run for $seats extensions took $(seconds_since "$start") s"
grep -q 'RUNNING HANDLER \[tencentcloud.tccc.sip_client : Restart Asterisk' "$work/play.out"
[ "$(grep -c '^\[tccc-[0-9]*-[0-9a-z-]*-reg\]$' "$PBX_ETC/pjsip_tccc.conf")" = "$seats" ]
tccc_wait_ready asterisk "$(cat /run/asterisk/asterisk.pid)" "$work/asterisk.out" "$PBX_BINARY" -rx 'core waitfullybooted'
echo "sip_pbx_scale: Asterisk restarted $(seconds_since "$start") s after the role's start"
if ! "$TCCC_PYTHON" "$PBX_SETUP/check_pbx.py" "$work" --cells scale --wait 300 >"$work/check.out"; then
  grep -v '  Registered  ' "$work/check.out" | tail -n 40 >&2
  exit 1
fi
echo "sip_pbx_scale: from the role's start to the last of $seats registrations: $(seconds_since "$start") s"
tail -n 1 "$work/check.out"
echo "sip_pbx_scale: Asterisk with $seats TCCC extensions registered: $(memory)"

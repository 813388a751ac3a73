#!/usr/bin/env bash
# A contact center's PBX: tencentcloud.tccc.sip_client renders 1,000 TCCC extensions onto one
# running Asterisk, then onto one running FreeSWITCH, each of which registers every one with
# Kamailio, the TCCC registrar, over TLS to a proxy name as TCCC's own (sip.tccc.qcloud.com:5061)
# is; each PBX in a private network namespace of its own (setup_sip_pbx), with its own registrar.
# Asserts that all of them register, counted on both sides (check_pbx.py of setup_sip_pbx); prints
# the role's time, the time from the role's start to the last registration and the PBX's memory
# (docs/pbx.md records them). Only a generous cap on the wait: no assertion on speed.
set -eux

source ../setup_sip_pbx/pbx_world.sh
if [ -z "${PBX_SCALE_KIND:-}" ]; then
  for kind in asterisk freeswitch; do PBX_SCALE_KIND=$kind bash "$0" "$@"; done
  exit 0
fi
pbx_enter_namespace "$@"
source ../setup_tccc_emulator/emulator.sh
here=$PWD
seats=1000
kind=$PBX_SCALE_KIND

pbx_find "$kind"
pbx_world "$kind" --scale "$seats"
work=$PBX_WORK
if [ "$kind" = asterisk ]; then
  echo "sip_pbx_scale: running $(asterisk -V) ($PBX_BINARY)"
  pbx_asterisk_etc
  pbx_asterisk_start
  config_dir=$PBX_ETC
  pid_file=/run/asterisk/asterisk.pid
else
  echo "sip_pbx_scale: running FreeSWITCH $(freeswitch -version | sed -n 's/^FreeSWITCH version: //p') ($PBX_BINARY)"
  pbx_freeswitch_conf "$work/fs"
  pbx_freeswitch_start "$work/fs"
  config_dir=$work/fs/conf/sip_profiles
  pid_file=/run/freeswitch/freeswitch.pid
fi

memory() {
  # resident now and at its peak, of the PBX that runs now
  awk '/^Vm(RSS|HWM):/ { printf "%s %d MB ", $1, $2 / 1024 }' "/proc/$(cat "$pid_file")/status"
}
echo "sip_pbx_scale: $kind without TCCC extensions: $(memory)"

# The role writes every seat. Asterisk runs without the TLS transport they need, so its handler
# restarts Asterisk; FreeSWITCH runs no profile of the role's yet, so its handler starts one.
start=$EPOCHREALTIME
if ! ansible-playbook -i localhost, "$here/scale.yml" -e "pbx_work=$work" -e "pbx_kind=$kind" -e "pbx_config_dir=$config_dir" \
  >"$work/play.out" 2>&1; then
  tail -n 80 "$work/play.out" >&2
  exit 1
fi
echo "sip_pbx_scale: the role's run for $seats extensions took $(pbx_seconds_since "$start") s"
if [ "$kind" = asterisk ]; then
  grep -q 'RUNNING HANDLER \[tencentcloud.tccc.sip_client : Restart Asterisk' "$work/play.out"
  [ "$(grep -c '^\[tccc-[0-9]*-[0-9a-z-]*-reg\]$' "$config_dir/pjsip_tccc.conf")" = "$seats" ]
  tccc_wait_ready asterisk "$(cat "$pid_file")" "$work/asterisk.out" asterisk -rx 'core waitfullybooted'
  echo "sip_pbx_scale: Asterisk restarted $(pbx_seconds_since "$start") s after the role's start"
else
  grep -q 'RUNNING HANDLER \[tencentcloud.tccc.sip_client : Restart the profiles written' "$work/play.out"
  [ "$(grep -c '<gateway name=' "$config_dir/tccc.xml")" = "$seats" ]
fi
if ! pbx_check --cells scale --wait 300 >"$work/check.out"; then
  grep -v '  \(Registered\|REGED\)  ' "$work/check.out" | tail -n 40 >&2
  exit 1
fi
echo "sip_pbx_scale: from the role's start to the last of $seats registrations: $(pbx_seconds_since "$start") s"
tail -n 1 "$work/check.out"
echo "sip_pbx_scale: $kind with $seats TCCC extensions registered: $(memory)"

# Passed: the PBX's graceful stop at exit (FreeSWITCH: 4 s, unregistering every gateway) would prove
# nothing more.
kill -KILL "$(cat "$pid_file")"

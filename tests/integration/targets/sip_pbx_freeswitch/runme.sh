#!/usr/bin/env bash
# tencentcloud.tccc.sip_client on a running FreeSWITCH, with the role's Sofia profile used unchanged,
# against Kamailio as the TCCC registrar, all in a private network namespace with its own resolver
# (setup_sip_pbx). The FreeSWITCH on PATH, else the one tools/build-pbx built; which one ran is printed.
#  1. the role runs while FreeSWITCH does not: the profile is written, the reload is skipped, saying why
#  2. FreeSWITCH starts on it: the udp4 cell registers
#  3. the role adds every cell (UDP, TCP, TLS x IPv4 literal, IPv6 literal, names resolving to IPv4,
#     IPv6, both) and the negative controls: the handler restarts the tccc profile, which started
#     without TLS, and starts tccc-ipv6; every extension registers, counted on both sides (setup_sip_pbx/check_pbx.py); the
#     wrong password is rejected, the other CA's and the misnamed certificate refused
#  4. the role runs again unchanged: no handler runs
#  5. a call each way through the registrar: FreeSWITCH calls baresip (1001), sipp (1002) calls
#     FreeSWITCH, whose call reaches the context the role wrote (public)
#  6. day two: a password reset and a purge at TCCC, the role again: within 10 s the new password is
#     registered and the deleted extension unregistered
#  7. a FreeSWITCH without mod_sofia refuses the handler's commands: the handler fails
set -eux

source ../setup_sip_pbx/pbx_world.sh
pbx_enter_namespace "$@"
source ../setup_tccc_emulator/emulator.sh

pbx_find freeswitch
echo "sip_pbx_freeswitch: running FreeSWITCH $(freeswitch -version | sed -n 's/^FreeSWITCH version: //p') ($PBX_BINARY)"
pbx_world freeswitch
work=$PBX_WORK
# What an administrator's FreeSWITCH has before the role: its own freeswitch.xml, whose Sofia
# configuration loads sip_profiles/*.xml, and a dialplan with the context the role's profile uses.
pbx_freeswitch_conf "$work/fs"
PBX_CONFIG_DIR=$work/fs/conf/sip_profiles

# 1. Not running: written, no handler, and the role says why it reloads nothing.
pbx_play apply.yml -e '{"cells": ["udp4"]}' -e phones=true
grep -q 'FreeSWITCH does not run' "$(pbx_play_output)"
pbx_refute grep -q 'RUNNING HANDLER' "$(pbx_play_output)"

# 2. FreeSWITCH starts on the profile as written.
pbx_freeswitch_start "$work/fs"
fs_cli -x 'sofia global siptrace on' >/dev/null
pbx_check --cells udp4 --wait 20

# 3. Every cell: the tccc profile restarts (now with TLS), tccc-ipv6 starts. udp4's extensions,
# read in 1, come from that run's copy.
phase=$EPOCHREALTIME
pbx_play apply.yml -e '{"known": ["udp4"]}'
echo "sip_pbx_freeswitch: the role's run took $(pbx_seconds_since "$phase") s"
[ "$(pbx_handler_did 'Restart the profiles written')" = changed ]
pbx_check --wait 30
echo "sip_pbx_freeswitch: from the role's start to the last registration: $(pbx_seconds_since "$phase") s"

# 4. Nothing changed: nothing reloaded.
pbx_play apply.yml -e '{"fresh": []}'
pbx_refute grep -q 'RUNNING HANDLER' "$(pbx_play_output)"

# 5. A call each way through the registrar. baresip (1001) answers by itself.
pbx_calls

# 6. Day two.
pbx_rotate
mark=$(wc -l <"$work/kamailio.log")
phase=$EPOCHREALTIME
pbx_play apply.yml -e '{"fresh": ["udp4", "tcp4"]}'
[ "$(pbx_handler_did 'Restart the profiles written')" = changed ]
pbx_check --day-two "$PBX_ROTATED" --since-line "$mark" --wait 10
echo "sip_pbx_freeswitch: from the role's start to the new password registered: $(pbx_seconds_since "$phase") s"

pbx_scan_secrets

# 7. A FreeSWITCH without mod_sofia answers the handler's sofia commands with an error (and exit
# status 0): the handler fails, saying so.
fs_cli -x 'unload mod_sofia' >/dev/null
sed -i 's/name="expire-seconds" value="[0-9]*"/name="expire-seconds" value="1800"/' "$PBX_CONFIG_DIR/tccc.xml"
pbx_refute pbx_play apply.yml -e '{"fresh": []}'
grep -q "FreeSWITCH refused 'sofia xmlstatus'" "$(pbx_play_output)"

# Passed: FreeSWITCH's graceful stop at exit (4 s) would prove nothing more.
kill -KILL "$(cat /run/freeswitch/freeswitch.pid)"

#!/usr/bin/env bash
# tencentcloud.tccc.sip_client on a running Asterisk, with the role's files used unchanged, against
# Kamailio as the TCCC registrar, all in a private network namespace with its own resolver
# (setup_sip_pbx). The Asterisk on PATH, else the one tools/build-pbx built; which one ran is printed.
#  1. the role runs while Asterisk does not: the files are written, the reload is skipped, saying why
#  2. Asterisk starts on them: the udp4 cell registers
#  3. the role adds every cell (UDP, TCP, TLS x IPv4 literal, IPv6 literal, names resolving to IPv4,
#     IPv6, both) and the negative controls: the handler restarts Asterisk, which started without
#     those transports; every extension registers, counted on both sides (setup_sip_pbx/check_pbx.py); the
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

pbx_find asterisk
asterisk=$PBX_BINARY
echo "sip_pbx_asterisk: running $("$asterisk" -V) ($asterisk)"
pbx_world asterisk
work=$PBX_WORK
pbx_asterisk_etc
etc=$PBX_ETC

# shellcheck disable=SC2034  # read by pbx_play (setup_sip_pbx/pbx_world.sh)
PBX_CONFIG_DIR=$etc

# 1. Not running: written, no handler, and the role says why it reloads nothing.
pbx_play apply.yml -e '{"cells": ["udp4"]}' -e phones=true
grep -q 'Asterisk does not run' "$(pbx_play_output)"
pbx_refute grep -q 'RUNNING HANDLER' "$(pbx_play_output)"
grep -q '^#include pjsip_tccc.conf$' "$etc/pjsip.conf"

# 2. Asterisk starts on the files as written.
pbx_asterisk_start
"$asterisk" -rx 'pjsip set logger on' >/dev/null
pbx_check --cells udp4 --wait 20

# 3. Every cell: new transports, so the handler restarts Asterisk. udp4's extensions, read in 1,
# come from that run's copy.
phase=$EPOCHREALTIME
pbx_play apply.yml -e '{"known": ["udp4"]}'
echo "sip_pbx_asterisk: the role's run took $(pbx_seconds_since "$phase") s"
[ "$(pbx_handler_did 'Restart Asterisk')" = changed ]
tccc_wait_ready asterisk "$(cat /run/asterisk/asterisk.pid)" "$work/asterisk.out" "$asterisk" -rx 'core waitfullybooted'
echo "sip_pbx_asterisk: Asterisk restarted $(pbx_seconds_since "$phase") s after the role's start"
"$asterisk" -rx 'pjsip set logger on' >/dev/null
pbx_check --wait 30
echo "sip_pbx_asterisk: from the role's start to the last registration: $(pbx_seconds_since "$phase") s"

# 4. Nothing changed: nothing reloaded.
pbx_play apply.yml -e '{"fresh": []}'
pbx_refute grep -q 'RUNNING HANDLER' "$(pbx_play_output)"

# 5. A call each way through the registrar. baresip (1001) answers by itself.
pbx_calls

# 6. Day two.
pbx_rotate
rotated=$PBX_ROTATED
mark=$(wc -l <"$work/kamailio.log")
phase=$EPOCHREALTIME
pbx_play apply.yml -e '{"fresh": ["udp4", "tcp4"]}'
[ "$(pbx_handler_did 'Reload res_pjsip')" = changed ]
[ "$(pbx_handler_did 'Restart Asterisk')" = skipping ]
[ "$(pbx_handler_did 'Register anew')" = changed ]
pbx_check --day-two "$rotated" --since-line "$mark" --wait 10
echo "sip_pbx_asterisk: from the role's start to the new password registered: $(pbx_seconds_since "$phase") s"

pbx_scan_secrets

# 7. An Asterisk whose PJSIP is not loaded refuses the handler's commands: the handler fails.
"$asterisk" -rx 'core stop now' >/dev/null || true
# shellcheck disable=SC2016  # expanded by the inner bash
tccc_wait_ready "asterisk stop" $$ /dev/null bash -c '! kill -0 "$(cat /run/asterisk/asterisk.pid)"'
printf 'noload => res_pjsip.so\n' >>"$etc/modules.conf"
pbx_asterisk_start
sed -i 's/^expiration=.*/expiration=1800/' "$etc/pjsip_tccc.conf"
pbx_refute pbx_play apply.yml -e '{"fresh": []}'
grep -q "Asterisk refused" "$(pbx_play_output)"

#!/usr/bin/env bash
# Day one of a 1,000-seat contact center, timed (docs/performance.md, "Day one"): from an empty TCCC
# instance (the emulator, 200 ms per request), one playbook (playbooks/day_one.yml) creates the
# extensions with tccc_extensions, reads their passwords with tccc_extension_info and renders them
# onto one running Asterisk with the sip_client role, whose handler restarts Asterisk for the TLS
# transport; then Kamailio, the registrar, must hold every one (counted on both sides, as the
# sip_pbx_scale target does). Prints each phase's time and the total against the API's floor:
# N creates and N reads at 20 per second, 100 s for 1,000.
#
#   benchmarks/run.sh day-one [--together] [N]      (N: extensions, default 1000)
#
# --together: tccc_extensions reads each password as soon as its extension exists
# (include_registration: true), alongside the creates, instead of tccc_extension_info after them.
#
# Needs what the sip_pbx_* integration targets need: root, Kamailio, dnsmasq, and an Asterisk on
# PATH or built by tools/build-pbx. run.sh gives it the staged collection and ansible-playbook.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=$root/tests/integration/targets
latency_ms=200

# shellcheck source=../tests/integration/targets/setup_sip_pbx/pbx_world.sh
source "$targets/setup_sip_pbx/pbx_world.sh"
pbx_enter_namespace "$@"
# shellcheck source=../tests/integration/targets/setup_tccc_emulator/emulator.sh
source "$targets/setup_tccc_emulator/emulator.sh"
together=false
if [ "${1:-}" = --together ]; then together=true && shift; fi
seats=${1:-1000}

pbx_find asterisk
pbx_world asterisk --day-one "$seats" -- --latency "$latency_ms" --quiet
work=$PBX_WORK
pbx_asterisk_etc
pbx_asterisk_start

load=$(cut -d' ' -f1 /proc/loadavg)
started=$EPOCHREALTIME
if ! ansible-playbook -i localhost, "$root/benchmarks/playbooks/day_one.yml" -e "pbx_work=$work" -e "tccc_port=$TCCC_PORT" \
  -e "asterisk_etc=$PBX_ETC" -e "together=$together" >"$work/play.out" 2>&1; then
  tail -n 60 "$work/play.out" >&2
  exit 1
fi
if ! pbx_check --cells scale --wait 600 >"$work/check.out"; then
  grep -v '  Registered  ' "$work/check.out" | tail -n 20 >&2
  exit 1
fi
registered=$EPOCHREALTIME
rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$(cat /run/asterisk/asterisk.pid)/status")

"$TCCC_PYTHON" - "$work/marks.json" "$started" "$registered" "$seats" "$latency_ms" "$load" "$rss" "$together" <<'PYTHON'
import json
import sys

TARGET = 1.15

marks = json.load(open(sys.argv[1]))
started, registered, seats, latency, load, rss = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
together = sys.argv[8] == "true"
if marks["created_count"] != seats or marks["read_count"] != seats:
    sys.exit("day one: %d extensions created and %d passwords read, not %d each" % (marks["created_count"], marks["read_count"], seats))
floor = 2 * seats / 20.0
steps = [
    ("ansible-playbook start-up", started, float(marks["started"]), None),
    ("tccc_extensions: %d creates%s" % (seats, " and their passwords" if together else ""), float(marks["started"]),
     float(marks["created"]), seats / 20.0),
    ("tccc_extension_info: " + ("left out" if together else "%d passwords" % seats), float(marks["created"]), float(marks["read"]),
     None if together else seats / 20.0),
    ("registrar told the passwords (emulation)", float(marks["read"]), float(marks["registrar"]), None),
    ("sip_client role: pjsip_tccc.conf written", float(marks["registrar"]), float(marks["rendered"]), None),
    ("its handler: Asterisk restarts", float(marks["rendered"]), float(marks["handled"]), None),
    ("until Kamailio holds all %d" % seats, float(marks["handled"]), registered, None),
]
print("day one, %d seats, %s ms per request, 1-minute load %s at the start%s"
      % (seats, latency, load, ", passwords read by tccc_extensions (--together)" if together else ""))
print("%-50s %8s %8s" % ("phase", "seconds", "floor"))
for name, begin, end, low in steps:
    print("%-50s %8.1f %8s" % (name, end - begin, "%.1f" % low if low else ""))
total = registered - started
emulation = float(marks["registrar"]) - float(marks["read"])
print("%-50s %8.1f %8.1f  %.2fx the floor" % ("total", total, floor, total / floor))
print("%-50s %8.1f %8.1f  %.2fx the floor" % ("total without the emulation's step", total - emulation, floor, (total - emulation) / floor))
print("Asterisk with %d extensions registered: %s MB resident" % (seats, rss))
print("target: within %.2fx of the floor end to end: %s" % (TARGET, "met" if total <= TARGET * floor else "missed"))
PYTHON

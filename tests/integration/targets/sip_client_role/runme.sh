#!/usr/bin/env bash
# tencentcloud.tccc.sip_client without SIP software (the sip_client target runs the clients): role.yml
# asserts what is written, refused and removed; the checks below read what the role reported, at
# -vvv, where no password may appear.
set -eux

source ../setup_tccc_emulator/emulator.sh
work=$TCCC_WORK/role
mkdir -p "$work"

if ! ansible-playbook -vvv -i localhost, role.yml -e "work=$work" "$@" >"$work/role.out" 2>&1; then
  tail -n 80 "$work/role.out" >&2
  exit 1
fi
grep -E '^(PLAY RECAP|localhost +:)' "$work/role.out"

# The report lists the extensions a run changed, and only those; never a password.
expect() {
  grep -qF -- "$1" "$work/role.out" || { echo "sip_client_role: the role did not report: $1" >&2; exit 1; }
}
expect "baresip in $work/baresip: extensions written: 1001, 1002"
# three runs changed the file (written, 1002's new password, emptied), the unchanged one said nothing
reports=$(grep -cF "\"msg\": \"baresip in $work/baresip: " "$work/role.out" || true)
[ "$reports" -eq 3 ] || { echo "sip_client_role: $reports reports for the baresip directory, not 3" >&2; exit 1; }
expect "baresip in $work/baresip: changed: 1002"
expect "baresip in $work/baresip: removed: 1001, 1002"
expect "yealink in $work/yealink: removed: 1003; files of extensions no longer listed removed: 1003.cfg"
expect "check mode, nothing written: extensions written: 2002; not written, since tccc_extensions would create them (check mode: they have no password yet): 2001"
printf '%s\n' secret-1001-aaaa secret-1002-bbbb secret-1002-cccc secret-1003-dddd secret-2002-eeee >"$work/secrets.txt"
tccc_scan_secrets "$work/secrets.txt" "$work/role.out"

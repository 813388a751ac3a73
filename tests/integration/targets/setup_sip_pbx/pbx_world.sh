# shellcheck shell=bash
# Sourced by the sip_pbx_* targets (alias needs/target/setup_sip_pbx), which run a real PBX on the
# files the sip_client role writes, against Kamailio as the TCCC registrar:
#   pbx_enter_namespace ARGS...   re-run the calling runme.sh in a private network and mount
#                                 namespace (root only): loopback up, /run private, a resolver
#   pbx_find NAME                 PBX_BINARY: the PBX on PATH, else the one tools/build-pbx built,
#                                 whose directory then goes first on PATH (the role's handlers
#                                 call it by name)
#   pbx_world KIND [OPTION...] [-- EMULATOR_OPTION...]   certificates, pbx_world.py's files (its
#                                 OPTIONs: --scale N, --day-one N), dnsmasq, Kamailio and the
#                                 emulator (TCCC_PORT; e.g. -- --latency 200), all in PBX_WORK
#   pbx_asterisk_etc              PBX_ETC: the configuration directory the Asterisk found reads by
#                                 default (the handler's asterisk -rx reads it too), with PBX_WORK/etc
#                                 mounted over it (in this mount namespace only), holding what an administrator's Asterisk has
#                                 before the role: pjsip.conf, the dialplan context the role's
#                                 endpoints use (from-tccc), logging to PBX_WORK/log/messages.log
#   pbx_asterisk_start            start Asterisk, wait until it has fully booted
#   pbx_set_password USER@DOMAIN FILE       the registrar's secret for USER from now on: the
#                                 password in FILE (never in a command line or a trace)
#   pbx_registrar_dump            kamcmd ul.dump
# Then source ../setup_tccc_emulator/emulator.sh first (after pbx_enter_namespace), as the runme.sh
# of the sip_client target does.

PBX_SETUP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pbx_enter_namespace() {
  [ -z "${PBX_IN_NAMESPACE:-}" ] || return 0
  local tool missing=
  for tool in unshare mount ip kamailio kamcmd dnsmasq openssl; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  if [ -n "$missing" ]; then
    echo "sip_pbx: missing$missing: run tools/install-sip-tools (Debian packages kamailio, kamailio-tls-modules, dnsmasq-base, sip-tester; iproute2, util-linux)" >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "sip_pbx: needs root (the PBX, its registrar and its resolver run in a private network namespace)" >&2
    exit 1
  fi
  # --fork: the namespace's first process is bash; /run is private so that the PBX's run
  # directory (where the role looks for it) belongs to this test alone.
  exec env PBX_IN_NAMESPACE=1 unshare --net --mount --propagation private --fork bash "$0" "$@"
}

pbx_find() {
  local name=$1 binary cache=${XDG_CACHE_HOME:-$HOME/.cache}/tccc-pbx
  if ! binary=$(command -v "$name"); then
    binary=
    for candidate in "$cache/$name/sbin/$name" "$cache/$name/bin/$name"; do
      [ -x "$candidate" ] && binary=$candidate && break
    done
  fi
  if [ -z "$binary" ]; then
    echo "sip_pbx: no $name: it is neither on PATH nor built in $cache/$name. Install $name, or build it from" \
      "its upstream source tarballs with tools/build-pbx $name (they are looked for in ../shared/pbx-src beside" \
      "the repository, or in the folder that TCCC_PBX_SRC names; README: PBX tests)" >&2
    return 1
  fi
  PATH="$(dirname "$binary"):$PATH"
  export PATH
  # shellcheck disable=SC2034  # the result, read by the runme.sh that sourced this file
  PBX_BINARY=$binary
}

pbx_world() {
  local kind=$1 modules world=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do world+=("$1") && shift; done
  [ $# -eq 0 ] || shift
  PBX_WORK=$TCCC_WORK/pbx
  mkdir -p "$PBX_WORK"
  ip link set lo up
  mount -t tmpfs -o mode=0755 tmpfs /run
  # The test CA signs the registrar's certificates: one naming every proxy name and loopback
  # address, one naming another host; another CA signs a certificate with the right names.
  (
    cd "$PBX_WORK" || exit
    for ca in ca other-ca; do
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.pem" -days 2 -subj "/CN=TCCC test $ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    done
    names="DNS:tccc-proxy4.test,DNS:tccc-proxy6.test,DNS:tccc-proxy46.test,IP:127.0.0.1,IP:::1"
    for cert in server:ca:$names other-ca-server:other-ca:$names wrong-names:ca:DNS:not-the-proxy.test; do
      IFS=: read -r name ca san <<<"$cert"
      openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=tccc-$name"
      printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$name.ext"
      openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial -out "$name.pem" -days 2 -extfile "$name.ext"
    done
  ) 2>/dev/null
  modules=$(dirname "$(dpkg -L kamailio-tls-modules | grep '/modules/tls\.so$' | head -n 1)")
  "$TCCC_PYTHON" "$PBX_SETUP/pbx_world.py" "$PBX_WORK" "$kind" "$modules" "${world[@]}"
  # Neither PBX reads /etc/hosts for SIP host names: they ask DNS, here dnsmasq.
  mount --bind "$PBX_WORK/resolv.conf" /etc/resolv.conf
  dnsmasq --keep-in-foreground -C "$PBX_WORK/dnsmasq.conf" >"$PBX_WORK/dnsmasq.out" 2>&1 &
  tccc_track_pid $! "$PBX_WORK/dnsmasq.out"
  tccc_wait_ready dnsmasq $! "$PBX_WORK/dnsmasq.out" getent ahosts tccc-proxy6.test
  # Tracked after the PBX's tools would be stopped: the PBX unregisters while the registrar answers.
  # -M: private memory per process, in MB (default 8), which secrets.cfg's one branch per extension
  # exhausts at 1,000 extensions ("could not allocate private memory from pkg pool")
  kamailio -DD -E -M 64 -f "$PBX_WORK/kamailio.cfg" >"$PBX_WORK/kamailio.log" 2>&1 &
  tccc_track_pid $! "$PBX_WORK/kamailio.log"
  tccc_wait_ready kamailio $! "$PBX_WORK/kamailio.log" kamcmd -s "unix:$PBX_WORK/kamailio.ctl" core.version
  tccc_emulator_start pbx --data "$PBX_WORK/data.json" "$@"
}

pbx_asterisk_etc() {
  local prefix work=$PBX_WORK
  prefix=$(dirname "$(dirname "$PBX_BINARY")")
  if [ "$prefix" = /usr ]; then PBX_ETC=/etc/asterisk; else PBX_ETC=$prefix/etc/asterisk; fi
  mkdir -p "$PBX_ETC" "$work/etc" "$work/lib" "$work/spool" "$work/log" /run/asterisk
  mount --bind "$work/etc" "$PBX_ETC"
  cat >"$PBX_ETC/asterisk.conf" <<EOF
[directories]
astetcdir => $PBX_ETC
astvarlibdir => $work/lib
astdbdir => $work/lib
astkeydir => $work/lib
astdatadir => $work/lib
astspooldir => $work/spool
astrundir => /run/asterisk
astlogdir => $work/log
[options]
; the namespace has no Ethernet interface to derive it from
entityid = 02:00:00:00:00:01
EOF
  printf '[modules]\nautoload = yes\n' >"$PBX_ETC/modules.conf"
  printf '[general]\n[logfiles]\nmessages.log => notice,warning,error,verbose(3)\n' >"$PBX_ETC/logger.conf"
  printf '[general]\nrtpstart = 20000\nrtpend = 20200\n' >"$PBX_ETC/rtp.conf"
  printf '[global]\ntype = global\nuser_agent = Asterisk PBX under test\n' >"$PBX_ETC/pjsip.conf"
  cat >"$PBX_ETC/extensions.conf" <<'EOF'
[from-tccc]
exten => _X.,1,Verbose(1,tccc-call: ${EXTEN} answered in ${CONTEXT})
 same => n,Answer()
 same => n,Wait(1)
 same => n,Hangup()
EOF
}

pbx_asterisk_start() {
  "$PBX_BINARY" -f >>"$PBX_WORK/asterisk.out" 2>&1 &
  tccc_track_pid $! "$PBX_WORK/log/messages.log"
  tccc_wait_ready asterisk $! "$PBX_WORK/asterisk.out" "$PBX_BINARY" -rx 'core waitfullybooted'
}

pbx_set_password() {
  local -
  set +x
  local aor=$1 ha1
  ha1=$(printf '%s:%s:%s' "${aor%@*}" "${aor#*@}" "$(cat "$2")" | md5sum | cut -d' ' -f1)
  kamcmd -s "unix:$PBX_WORK/kamailio.ctl" htable.sets ha1 "$aor" "$ha1" >/dev/null
}

pbx_registrar_dump() {
  kamcmd -s "unix:$PBX_WORK/kamailio.ctl" ul.dump
}

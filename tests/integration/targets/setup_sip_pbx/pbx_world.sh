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
#   pbx_play PLAYBOOK ARGS...     ansible-playbook -vvv on setup_sip_pbx's PLAYBOOK (apply.yml,
#                                 rotate.yml) for PBX_KIND (pbx_world's KIND) and the directory
#                                 PBX_CONFIG_DIR; its output in a file, pbx_play_output; on failure
#                                 its tail on stderr
#   pbx_handler_did NAME          what the role's handler NAME (its name's start) did in the last
#                                 pbx_play: changed, ok, skipping, failed or fatal
#   pbx_refute COMMAND...         fails (exits) when COMMAND succeeds; set -e ignores a '!' command
#   pbx_seconds_since TIME        seconds since TIME, an $EPOCHREALTIME
#   pbx_baresip_start             baresip on the accounts apply.yml wrote with phones=true (1001),
#                                 answering calls by itself, its log in PBX_WORK/baresip.log
#   pbx_check ARGS...             check_pbx.py: the PBX's and the registrar's view against the world
#   pbx_calls                     baresip up and registered, then calls.py: a call each way
#                                 through the registrar
#   pbx_rotate                    day two at TCCC (rotate.yml: a password reset, a purge), and the
#                                 registrar's secret of PBX_ROTATED, the extension reset, from then on
#   pbx_scan_secrets              no password (nor one stripped of its spaces), no secret key in the
#                                 -vvv output of any pbx_play or in the emulator's log
#   pbx_freeswitch_conf DIR       DIR/conf: a FreeSWITCH configuration as an administrator's would be
#                                 before the role: freeswitch.xml loading DIR/conf/sip_profiles/*.xml
#                                 into Sofia, the event socket fs_cli uses by default, a dialplan
#                                 whose context "public" answers every number and logs "tccc-call:
#                                 NUMBER answered in CONTEXT"; DIR/log, DIR/db
#   pbx_freeswitch_start DIR      FreeSWITCH (pbx_find freeswitch first) on DIR/conf, its pid file
#                                 where the role looks (/run/freeswitch), output in
#                                 DIR/freeswitch.out, log in DIR/log/freeswitch.log; returns once
#                                 fs_cli answers
#   pbx_freeswitch_stop           stops it (fsctl shutdown) and returns once it is gone
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
  PBX_KIND=$kind
  PBX_WORK=$TCCC_WORK/pbx
  mkdir -p "$PBX_WORK"
  ip link set lo up
  # An address of each family that is not a loopback one (documentation ranges, RFC 5737 and 3849),
  # as every real host has: getaddrinfo()'s AI_ADDRCONFIG ignores loopback addresses, so without
  # them a lookup of one family (getent ahostsv4, ahostsv6, which the role uses to place a
  # FreeSWITCH gateway) finds nothing.
  ip address add 192.0.2.1/32 dev lo
  ip address add 2001:db8::1/128 dev lo
  mount -t tmpfs -o mode=0755 tmpfs /run
  # The test CA signs the registrar's certificates: one naming every proxy name and loopback
  # address, one naming another host, and two whose common name is a loopback address and whose
  # subjectAltName names that address only (ip-cn, ip-cn6: the IP certificate FreeSWITCH can
  # verify, docs/pbx.md); another CA signs a certificate with the right names. P-256 keys: what is
  # verified does not depend on the key type, and an RSA key takes seconds to make on a busy machine.
  (
    cd "$PBX_WORK" || exit
    for ca in ca other-ca; do
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca.key" -out "$ca.pem" -days 2 -subj "/CN=TCCC test $ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    done
    names="subjectAltName=DNS:tccc-proxy4.test,DNS:tccc-proxy6.test,DNS:tccc-proxy46.test,IP:127.0.0.1,IP:::1"
    for cert in "server|ca|tccc-server|$names" "other-ca-server|other-ca|tccc-other-ca-server|$names" \
      "wrong-names|ca|tccc-wrong-names|subjectAltName=DNS:not-the-proxy.test" \
      "ip-cn|ca|127.0.0.1|subjectAltName=IP:127.0.0.1" "ip-cn6|ca|::1|subjectAltName=IP:::1"; do
      IFS='|' read -r name ca cn san <<<"$cert"
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn"
      printf '%s\nextendedKeyUsage=serverAuth\n' "$san" >"$name.ext"
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

PBX_RUN=0
pbx_play() {
  local playbook=$1 out
  shift
  PBX_RUN=$((PBX_RUN + 1))
  out=$PBX_WORK/play-$PBX_RUN-${playbook%.yml}.out
  PBX_PLAY_OUTPUT=$out
  # At -vvv, so that the secret scan sees everything Ansible could show.
  if ! ansible-playbook -vvv -i localhost, "$PBX_SETUP/$playbook" -e "tccc_port=$TCCC_PORT" -e "pbx_work=$PBX_WORK" \
    -e "pbx_kind=$PBX_KIND" -e "pbx_config_dir=$PBX_CONFIG_DIR" "$@" >"$out" 2>&1; then
    tail -n 80 "$out" >&2
    return 1
  fi
  grep -E '^(PLAY RECAP|localhost +:)' "$out"
}

pbx_play_output() {
  echo "$PBX_PLAY_OUTPUT"
}

# Ansible prints the header of every handler notified, the skipped ones too.
pbx_handler_did() {
  awk -v name="RUNNING HANDLER [tencentcloud.tccc.sip_client : $1" '
    index($0, name) == 1 { found = 1; next }
    found && match($0, /^(changed|ok|skipping|failed|fatal):/) { print substr($0, 1, RLENGTH - 1); exit }
  ' "$PBX_PLAY_OUTPUT"
}

pbx_refute() {
  if "$@"; then
    echo "sip_pbx: unexpectedly true: $*" >&2
    exit 1
  fi
}

pbx_seconds_since() {
  "$TCCC_PYTHON" -c "import sys; print('%.1f' % ($EPOCHREALTIME - float(sys.argv[1])))" "$1"
}

pbx_baresip_start() {
  sed -i 's/$/;answermode=auto/' "$PBX_WORK/baresip/accounts"
  printf 'poll_method epoll\nmodule_path /usr/lib/baresip/modules\nmodule g711.so\nmodule_tmp uuid.so\nmodule_tmp account.so\nsip_listen 127.0.0.1:5070\nnet_interface 127.0.0.1\n' \
    >"$PBX_WORK/baresip/config"
  baresip -f "$PBX_WORK/baresip" </dev/null >"$PBX_WORK/baresip.log" 2>&1 &
  tccc_track_pid $! "$PBX_WORK/baresip.log"
}

pbx_check() {
  "$TCCC_PYTHON" "$PBX_SETUP/check_pbx.py" "$PBX_WORK" "$@"
}

pbx_calls() {
  pbx_baresip_start
  pbx_check --phones --wait 20
  "$TCCC_PYTHON" "$PBX_SETUP/calls.py" "$PBX_WORK" --wait 20
}

pbx_rotate() {
  pbx_play rotate.yml
  PBX_ROTATED=$("$TCCC_PYTHON" -c 'import json, sys; print([e for e in json.load(open(sys.argv[1]))["registered"] if e["cell"] == "udp4"][0]["aor"])' \
    "$PBX_WORK/expected.json")
  pbx_set_password "$PBX_ROTATED" "$PBX_WORK/new-password"
}

pbx_scan_secrets() {
  "$TCCC_PYTHON" - "$PBX_WORK/data.json" "$PBX_WORK/new-password" "$PBX_WORK/secrets.txt" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
found = [a["secret_key"] for a in data["accounts"]] + [open(sys.argv[2]).read()]
for password in (e["password"] for i in data["instances"] for e in i["extensions"]):
    found += [password, password.strip()]
open(sys.argv[3], "w").write("".join(value + "\n" for value in found))
EOF
  tccc_scan_secrets "$PBX_WORK/secrets.txt" "$PBX_WORK"/play-*.out "$(tccc_emulator_log pbx)"
}

pbx_registrar_dump() {
  kamcmd -s "unix:$PBX_WORK/kamailio.ctl" ul.dump
}

pbx_freeswitch_conf() {
  local dir=$1
  mkdir -p "$dir/conf/sip_profiles" "$dir/log" "$dir/db"
  # One file: the sections FreeSWITCH reads (configuration, dialplan), the modules a SIP trunk needs.
  cat >"$dir/conf/freeswitch.xml" <<EOF
<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="configuration">
    <configuration name="switch.conf">
      <settings>
        <param name="loglevel" value="debug"/>
        <param name="rtp-start-port" value="21000"/>
        <param name="rtp-end-port" value="21200"/>
      </settings>
    </configuration>
    <configuration name="modules.conf">
      <modules>
        <load module="mod_console"/>
        <load module="mod_logfile"/>
        <load module="mod_event_socket"/>
        <load module="mod_commands"/>
        <load module="mod_dptools"/>
        <load module="mod_dialplan_xml"/>
        <load module="mod_sofia"/>
      </modules>
    </configuration>
    <configuration name="console.conf">
      <mappings><map name="all" value="warning,err,crit,alert"/></mappings>
      <settings><param name="colorize" value="false"/><param name="loglevel" value="warning"/></settings>
    </configuration>
    <configuration name="logfile.conf">
      <profiles><profile name="default">
        <settings><param name="logfile" value="$dir/log/freeswitch.log"/><param name="rollover" value="0"/></settings>
        <mappings><map name="all" value="debug,info,notice,warning,err,crit,alert"/></mappings>
      </profile></profiles>
    </configuration>
    <configuration name="event_socket.conf">
      <settings>
        <param name="listen-ip" value="127.0.0.1"/>
        <param name="listen-port" value="8021"/>
        <param name="password" value="ClueCon"/>
      </settings>
    </configuration>
    <configuration name="sofia.conf">
      <global_settings><param name="log-level" value="0"/><param name="tracelevel" value="info"/></global_settings>
      <profiles>
        <X-PRE-PROCESS cmd="include" data="$dir/conf/sip_profiles/*.xml"/>
      </profiles>
    </configuration>
  </section>
  <section name="dialplan">
    <context name="public">
      <extension name="answer">
        <condition field="destination_number" expression="^(.+)\$">
          <action application="log" data="NOTICE tccc-call: \$1 answered in \${context}"/>
          <action application="answer"/>
          <!-- hangs up a second later, with or without media (sleep waits for frames the caller may never send) -->
          <action application="sched_hangup" data="+1"/>
          <action application="park"/>
        </condition>
      </extension>
    </context>
  </section>
</document>
EOF
}

pbx_freeswitch_start() {
  local dir=$1
  mkdir -p /run/freeswitch
  # -nonat: no NAT-PMP or UPnP probes, which nothing in the namespace answers. sofia-sip logs why a
  # TLS connection failed (certificate untrusted, "Peer Subject Mismatch") only at TPORT_DEBUG 3.
  TPORT_DEBUG=3 freeswitch -nf -nc -nonat -conf "$dir/conf" -log "$dir/log" -db "$dir/db" -run /run/freeswitch \
    >>"$dir/freeswitch.out" 2>&1 &
  tccc_track_pid $! "$dir/log/freeswitch.log"
  tccc_wait_ready freeswitch $! "$dir/freeswitch.out" fs_cli -x status
}

pbx_freeswitch_stop() {
  local pid
  pid=$(cat /run/freeswitch/freeswitch.pid)
  fs_cli -x 'fsctl shutdown' >/dev/null || true
  # shellcheck disable=SC2016  # expanded by the inner bash
  tccc_wait_ready "freeswitch stop" $$ /dev/null bash -c '! kill -0 "$0" 2>/dev/null' "$pid"
}

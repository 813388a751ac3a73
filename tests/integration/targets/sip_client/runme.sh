#!/usr/bin/env bash
# tencentcloud.tccc.sip_client proven with real SIP software: a Kamailio registrar on loopback checks
# the passwords the emulator holds; baresip and linphonec start on the files the role wrote and must
# register every extension over UDP, TCP and TLS, IPv4 and IPv6 (check_registrations.py); Asterisk,
# FreeSWITCH and Yealink files are parsed (check_formats.py). Needs root: the clients run in a private
# mount namespace whose /etc/hosts maps the TLS proxy names to 127.0.0.1 and ::1.
set -eux

missing=
for tool in kamailio kamcmd baresip linphonec openssl unshare; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "sip_client: missing$missing: run tools/install-sip-tools (Debian packages kamailio, kamailio-tls-modules, baresip, linphone-cli)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "sip_client: needs root (a mount namespace with a private /etc/hosts for the TLS names); the SIP tools come from tools/install-sip-tools" >&2
  exit 1
fi

source ../setup_tccc_emulator/emulator.sh
here=$PWD
work=$TCCC_WORK/sip
mkdir -p "$work"

# A test CA signs the registrar's certificate for the two proxy names; another CA signs nothing here.
# P-256 keys: what is verified does not depend on the key type, and RSA keys take seconds to make.
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=TCCC test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj "/CN=Another CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=tccc-proxy.test"
  printf 'subjectAltName=DNS:tccc-proxy4.test,DNS:tccc-proxy6.test\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
) 2>/dev/null

# Two ports free on both loopback addresses, for UDP and TCP, and for TLS.
read -r port tls_port < <("$TCCC_PYTHON" - <<'EOF'
import random
import socket
def free(port):
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(family, kind)
            try:
                s.bind((host, port))
            except OSError:
                return False
            finally:
                s.close()
    return True
while True:
    port = random.randrange(20000, 60000)
    if free(port) and free(port + 1):
        print(port, port + 1)
        break
EOF
)
# Debian installs Kamailio's modules under the multiarch directory.
modules=$(dirname "$(dpkg -L kamailio-tls-modules | grep '/modules/tls\.so$' | head -n 1)")
"$TCCC_PYTHON" "$here/sip_world.py" "$work" "$port" "$tls_port" "$modules"

# Tracked first, so stopped last: the clients unregister while the registrar still answers (else
# baresip waits out its 32-second transaction timeout).
kamailio -DD -E -f "$work/kamailio.cfg" >"$work/kamailio.log" 2>&1 &
kamailio=$!
tccc_track_pid "$kamailio" "$work/kamailio.log"
tccc_emulator_start sip --data "$work/data.json"
tccc_wait_ready kamailio "$kamailio" "$work/kamailio.log" kamcmd -s "unix:$work/kamailio.ctl" core.version

phase=$EPOCHREALTIME
# At -vvv, so that the check below sees everything Ansible could show.
if ! ansible-playbook -vvv -i localhost, sip_client.yml -e "tccc_port=$TCCC_PORT" -e "sip_work=$work" "$@" >"$work/playbook.out" 2>&1; then
  tail -n 60 "$work/playbook.out" >&2
  exit 1
fi
grep -E '^(PLAY RECAP|localhost +:)' "$work/playbook.out"
echo "sip_client: reading facts and applying the role took $("$TCCC_PYTHON" -c "print('%.1f' % ($EPOCHREALTIME - $phase))") s"
"$TCCC_PYTHON" "$here/check_formats.py" "$work"
# No SIP password (nor a password stripped of its spaces), no secret key and no value the role must
# refuse (refuse.yml, which sip_client.yml imports, asserts the message and that nothing was
# written) appears in the -vvv output or in the emulator's log.
"$TCCC_PYTHON" - "$work/data.json" "$work/secrets.txt" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
found = [a["secret_key"] for a in data["accounts"]] + ["secret-never-shown"]
for password in (e["password"] for i in data["instances"] for e in i["extensions"]):
    found += [password, password.strip()]
open(sys.argv[2], "w").write("".join(value + "\n" for value in found))
EOF
tccc_scan_secrets "$work/secrets.txt" "$work/playbook.out" "$(tccc_emulator_log sip)"

# Each client in a mount namespace whose /etc/hosts maps the TLS names. unshare and bash exec the
# client, so the pid started here is the client's own, the one the cleanup stops.
# shellcheck disable=SC2016  # expanded by the inner bash, from its arguments
in_namespace=(unshare --mount bash -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$work/hosts")

# baresip: its own config (loopback only) next to the accounts file the role wrote.
printf 'poll_method epoll\nmodule_path /usr/lib/baresip/modules\nmodule g711.so\nmodule_tmp uuid.so\nmodule_tmp account.so\n' \
  >"$work/baresip/config"
"${in_namespace[@]}" baresip -f "$work/baresip" -t 60 </dev/null >"$work/baresip.log" 2>&1 &
tccc_track_pid $! "$work/baresip.log"

# linphonec needs its data directory, quits at the end of stdin and rewrites its config on exit:
# each runs on a copy of the file as written, with stdin held open by a FIFO.
for name in linphone linphone-other-ca; do
  mkdir -p "$work/home-$name/.local/share/linphone"
  cp "$work/$name/linphonerc" "$work/$name.rc"
  mkfifo "$work/$name.in"
  HOME=$work/home-$name "${in_namespace[@]}" linphonec -c "$work/$name.rc" <"$work/$name.in" >"$work/$name.log" 2>&1 &
  tccc_track_pid $! "$work/$name.log"
  # A writer holds the FIFO open so that linphonec starts and sees the end of its input only when
  # the writer, tracked after it and so stopped before it, goes.
  sleep 3600 >"$work/$name.in" &
  tccc_track_pid $!
done

phase=$EPOCHREALTIME
"$TCCC_PYTHON" "$here/check_registrations.py" "$work" --wait 25
echo "sip_client: the clients registered within $("$TCCC_PYTHON" -c "print('%.1f' % ($EPOCHREALTIME - $phase))") s"

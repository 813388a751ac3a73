# shellcheck shell=bash
# Sourced by the runme.sh of the tccc_* targets (alias needs/target/setup_tccc_emulator):
#   tccc_emulator_start NAME [emulator options...]   start one local TCCC emulator, set TCCC_PORT
#   tccc_emulator_launch NAME [emulator options...]  start it without waiting: several start at once
#   tccc_emulator_port NAME                           wait until NAME listens, set TCCC_PORT
#   tccc_emulator_reset NAME                          put NAME back as it started (data, limits, faults, stats)
#   tccc_wait_ready NAME PID LOG COMMAND...           wait until COMMAND succeeds (PID alive, capped)
#   tccc_track_pid PID [LOG]                          stop PID at exit too (last tracked, first stopped)
#   tccc_track_path PATH                              remove PATH at exit too
#   tccc_scan_secrets SECRETS_FILE FILE...            fail when a line of SECRETS_FILE is in a FILE
# Every emulator started is stopped when the script exits; after a failure the tail of each
# emulator's request log is printed, so that a failing assertion can be matched to the requests.
# Also sets TCCC_COLLECTION (the collection under test), TCCC_PYTHON (the Python ansible-test runs)
# and TCCC_WORK (a private temporary directory, removed at exit).

# The credential chain reads these variables: a value inherited from the caller's shell would
# change which credentials a test really uses.
for tccc_variable in $(compgen -e); do
  case $tccc_variable in TENCENTCLOUD_* | TCCLI_*) unset "$tccc_variable" ;; esac
done
unset tccc_variable
# Each module reaches its Python through a pipe, where Ansible's default writes a temporary file with
# a copy, a chmod and a removal around it (tccc_extension: 45 -> 32 s of CPU; docs/performance.md).
# tccc_secrets keeps the default, the path that logs the most at -vvv.
export ANSIBLE_PIPELINING=true
# A proxy configured for the outside world must not see the emulator's traffic.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

tccc_find_collection() {
  # ansible-test points ANSIBLE_COLLECTIONS_PATH at the tree that holds ansible_collections/; a
  # manual run from a checkout finds the collection root above the target instead.
  local entry dir entries
  IFS=: read -r -a entries <<<"${ANSIBLE_COLLECTIONS_PATH:-}"
  for entry in "${entries[@]}"; do
    dir="$entry/ansible_collections/tencentcloud/tccc"
    if [ -f "$dir/tests/emulator/__main__.py" ]; then
      echo "$dir"
      return 0
    fi
  done
  dir=$PWD
  while [ "$dir" != / ]; do
    if [ -f "$dir/galaxy.yml" ] && [ -f "$dir/tests/emulator/__main__.py" ]; then
      echo "$dir"
      return 0
    fi
    dir=$(dirname "$dir")
  done
  echo "tccc: cannot find the tencentcloud.tccc collection (its tests/emulator) from ANSIBLE_COLLECTIONS_PATH or $PWD" >&2
  return 1
}

TCCC_COLLECTION=$(tccc_find_collection)
TCCC_PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-$(command -v python3)}
TCCC_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tccc-integration.XXXXXX")
TCCC_PORT=
tccc_emulator_pids=()
tccc_emulator_names=()
declare -A tccc_emulator_index=()
tccc_tracked_pids=()
tccc_tracked_logs=()
tccc_tracked_paths=()

# Waits until COMMAND succeeds. The wait ends early, printing LOG, when PID dies; the cap (60 s) is
# only there so that a hung start cannot hang the whole run.
tccc_wait_ready() {
  local name=$1 pid=$2 log=$3 tries=0
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -ge 600 ]; then
      if kill -0 "$pid" 2>/dev/null; then
        echo "tccc: $name (pid $pid) is not ready after 60 s ($*); its log:" >&2
      else
        echo "tccc: $name (pid $pid) exited before it was ready; its log:" >&2
      fi
      cat "$log" >&2
      return 1
    fi
    tries=$((tries + 1))
    sleep 0.1
  done
}

tccc_track_pid() {
  tccc_tracked_pids+=("$1")
  tccc_tracked_logs+=("${2:-}")
}

tccc_track_path() {
  tccc_tracked_paths+=("$1")
}

tccc_emulator_launch() {
  local name=$1
  shift
  "$TCCC_PYTHON" "$TCCC_COLLECTION/tests/emulator" --port 0 --port-file "$TCCC_WORK/$name.port" "$@" >/dev/null 2>"$TCCC_WORK/$name.log" &
  tccc_emulator_index[$name]=${#tccc_emulator_pids[@]}
  tccc_emulator_pids+=("$!")
  tccc_emulator_names+=("$name")
}

tccc_emulator_port() {
  local name=$1 port_file="$TCCC_WORK/$1.port"
  # The emulator writes its port file only once it listens.
  tccc_wait_ready "emulator $name" "${tccc_emulator_pids[${tccc_emulator_index[$name]}]}" "$TCCC_WORK/$name.log" test -s "$port_file"
  # shellcheck disable=SC2034  # the result, read by the runme.sh that sourced this file
  TCCC_PORT=$(cat "$port_file")
}

tccc_emulator_start() {
  tccc_emulator_launch "$@"
  tccc_emulator_port "$1"
}

# POST /_emulator/reset through bash's /dev/tcp: no process to start between two tests.
tccc_emulator_reset() {
  local name=$1 port status fd
  port=$(<"$TCCC_WORK/$name.port")
  exec {fd}<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST /_emulator/reset HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$port" >&"$fd"
  IFS=$' \r' read -r -t 60 _ status _ <&"$fd" || status=
  exec {fd}>&-
  if [ "$status" != 200 ]; then
    echo "tccc: emulator $name did not reset (HTTP status '${status}')" >&2
    return 1
  fi
}

# Counts each distinct line of SECRETS_FILE in every FILE. A leak is named by the secret's number
# among the distinct lines of SECRETS_FILE, never by its value, and the trace is off meanwhile.
tccc_scan_secrets() {
  local -
  set +x
  local secrets_file=$1 secret scanned count number=0 leaks=0
  shift
  while IFS= read -r secret; do
    number=$((number + 1))
    for scanned in "$@"; do
      count=$(grep -cF -- "$secret" "$scanned" || true)
      if [ "$count" -ne 0 ]; then
        echo "LEAK: secret #$number of $(basename "$secrets_file") appears $count times in $(basename "$scanned")" >&2
        leaks=$((leaks + 1))
      fi
    done
  done < <(awk 'length($0) && !seen[$0]++' "$secrets_file")
  if [ "$number" -eq 0 ]; then
    echo "tccc: $secrets_file holds no secret to scan for" >&2
    return 1
  fi
  echo "scanned $# files ($(cat "$@" | wc -l) lines) for $number secrets: $leaks leaks"
  [ "$leaks" -eq 0 ]
}

# The request log of emulator NAME (one line per request: action, answer code, latency; never a secret).
tccc_emulator_log() {
  echo "$TCCC_WORK/$1.log"
}

tccc_emulator_stop_all() {
  local status=$? index log pid
  # Last tracked, first stopped: clients go while the server they talk to still answers.
  for ((index = ${#tccc_tracked_pids[@]} - 1; index >= 0; index--)); do
    pid=${tccc_tracked_pids[$index]}
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    log=${tccc_tracked_logs[$index]}
    if [ "$status" -ne 0 ] && [ -n "$log" ]; then
      echo "---- $(basename "$log"): last 25 lines" >&2
      tail -n 25 "$log" >&2 || true
    fi
  done
  for index in "${!tccc_emulator_pids[@]}"; do
    kill "${tccc_emulator_pids[$index]}" 2>/dev/null || true
  done
  for index in "${!tccc_emulator_pids[@]}"; do
    wait "${tccc_emulator_pids[$index]}" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
      log="$TCCC_WORK/${tccc_emulator_names[$index]}.log"
      echo "---- emulator ${tccc_emulator_names[$index]}: requests by action and answer" >&2
      sed -n 's/^tccc-emulator: \([A-Za-z(][^ ]*\) \([^ ]*\) http=.*/\1 \2/p' "$log" | sort | uniq -c >&2 || true
      echo "---- emulator ${tccc_emulator_names[$index]}: last 30 lines of its log" >&2
      tail -n 30 "$log" >&2 || true
    fi
  done
  rm -rf "$TCCC_WORK" "${tccc_tracked_paths[@]}"
  return "$status"
}
trap tccc_emulator_stop_all EXIT

#!/usr/bin/env bash
# Clock skew, throttling, error pages, lost and cut answers, and timeouts (faults.yml). Each
# emulator serves data.json's empty instance filled with --extensions generated ones.
set -eux

source ../setup_tccc_emulator/emulator.sh

# The server clock runs an hour ahead / three hours behind: every first request is SignatureExpire.
tccc_emulator_launch ahead --data data.json --extensions 5 --clock-offset 3600
tccc_emulator_launch behind --data data.json --extensions 5 --clock-offset -10800

# Faults on the listing only, so that its requests draw the seeded faults in a fixed order: with
# seed 1 the first request is faulted (the retries: 0 run) and the next three pages then need
# 0, 0 and 3 retries. "busy" throttles and answers HTML 502 pages, "lossy" drops connections
# and cuts answers short of their Content-Length.
tccc_emulator_launch busy --data data.json --extensions 250 --seed 1 --fault-actions DescribeExtensions \
  --throttle-rate 0.3 --html-502-rate 0.2
tccc_emulator_launch lossy --data data.json --extensions 250 --seed 1 --fault-actions DescribeExtensions \
  --drop-rate 0.2 --truncate-rate 0.3 --truncate-mode connection

# Every kind of fault on the listing and the concurrent registration reads of 20 extensions (21
# requests). With seed 17, 5 of the first 27 draws are faults: since one request fails only after
# 6 faulted tries, no interleaving of the reads can exhaust retries: 5, and the 21 successes use up
# one fault of each kind. The rate limit is off so that every unfaulted draw is a success.
tccc_emulator_launch mixed --data data.json --extensions 20 --seed 17 --rate-limit 0 \
  --drop-rate 0.05 --html-502-rate 0.05 --truncate-rate 0.05 --throttle-rate 0.1

tccc_emulator_launch slow --data data.json --extensions 1 --latency 3000

# All six start at once; each port is read once that emulator listens.
declare -A port
for name in ahead behind busy lossy mixed slow; do
  tccc_emulator_port "$name"
  port[$name]=$TCCC_PORT
done

ansible-playbook -i localhost, faults.yml \
  -e "port_ahead=${port[ahead]} port_behind=${port[behind]} port_busy=${port[busy]} port_lossy=${port[lossy]}" \
  -e "port_mixed=${port[mixed]} port_slow=${port[slow]}" "$@"

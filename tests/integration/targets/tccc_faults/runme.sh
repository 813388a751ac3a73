#!/usr/bin/env bash
# Clock skew, throttling, error pages, lost and cut answers, and timeouts (faults.yml). Each
# emulator serves data.json's empty instance filled with --extensions generated ones.
set -eux

source ../setup_tccc_emulator/emulator.sh

# The server clock runs an hour ahead / three hours behind: every first request is SignatureExpire.
tccc_emulator_start ahead --data data.json --extensions 5 --clock-offset 3600
ahead=$TCCC_PORT
tccc_emulator_start behind --data data.json --extensions 5 --clock-offset -10800
behind=$TCCC_PORT

# Faults on the listing only, so that its requests draw the seeded faults in a fixed order: with
# seed 1 the first request is faulted (the retries: 0 run) and the next three pages then need
# 0, 0 and 3 retries. "busy" throttles and answers HTML 502 pages, "lossy" drops connections
# and cuts answers short of their Content-Length.
tccc_emulator_start busy --data data.json --extensions 250 --seed 1 --fault-actions DescribeExtensions \
  --throttle-rate 0.3 --html-502-rate 0.2
busy=$TCCC_PORT
tccc_emulator_start lossy --data data.json --extensions 250 --seed 1 --fault-actions DescribeExtensions \
  --drop-rate 0.2 --truncate-rate 0.3 --truncate-mode connection
lossy=$TCCC_PORT

# Every kind of fault on the listing and the concurrent registration reads of 20 extensions (21
# requests). With seed 17, 5 of the first 27 draws are faults: since one request fails only after
# 6 faulted tries, no interleaving of the reads can exhaust retries: 5, and the 21 successes use up
# one fault of each kind. The rate limit is off so that every unfaulted draw is a success.
tccc_emulator_start mixed --data data.json --extensions 20 --seed 17 --rate-limit 0 \
  --drop-rate 0.05 --html-502-rate 0.05 --truncate-rate 0.05 --throttle-rate 0.1
mixed=$TCCC_PORT

tccc_emulator_start slow --data data.json --extensions 1 --latency 3000
slow=$TCCC_PORT

ansible-playbook -i localhost, faults.yml \
  -e "port_ahead=$ahead port_behind=$behind port_busy=$busy port_lossy=$lossy port_mixed=$mixed port_slow=$slow" "$@"

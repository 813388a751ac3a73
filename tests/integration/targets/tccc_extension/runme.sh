#!/usr/bin/env bash
# tccc_extension against one emulator (extension.yml): each change in check mode and for real, the
# same again without change, and the emulator's counters to prove which runs wrote.
set -eux

source ../setup_tccc_emulator/emulator.sh

tccc_emulator_start one --data data.json

ansible-playbook -i localhost, extension.yml -e "tccc_port=$TCCC_PORT" "$@"

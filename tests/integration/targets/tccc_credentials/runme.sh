#!/usr/bin/env bash
# Every credential source of the chain, its precedence, and the credential errors (credentials.yml).
# The emulator also plays the CVM metadata service and STS, on the same port.
set -eux

source ../setup_tccc_emulator/emulator.sh

tccc_emulator_start credentials --data data.json

# Temporary HOME directories for the profile files are made by the playbook under TCCC_WORK.
ansible-playbook -i localhost, credentials.yml -e "tccc_port=$TCCC_PORT" -e "tccc_tmp=$TCCC_WORK" "$@"

#!/usr/bin/env bash
# tccc_extension_info against one emulator: the documented result, paging over 250 extensions,
# keyword and status, missing ids, check mode and module_defaults (extension_info.yml).
set -eux

source ../setup_tccc_emulator/emulator.sh

# data.json holds 3 extensions of instance 1400000001; 247 generated ones bring it to 250 (3 pages).
tccc_emulator_start info --data data.json --extensions 247 --seed 7

ansible-playbook -i localhost, extension_info.yml -e "tccc_port=$TCCC_PORT" "$@"

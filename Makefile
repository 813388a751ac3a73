# make test runs every check CI runs, on a fresh machine that has only Python (pyenv 3.8-3.13), pip
# and make. Virtual environments live in .venv/ and are reused while their requirement files are
# unchanged (tools/ensure_venv.py); checks run on a copy of the collection in build/stage, since
# ansible-test needs an ansible_collections/NAMESPACE/NAME tree. Every step prints a header and its
# duration (tools/step); make test keeps going after a failed step and ends with a summary.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The steps share build/stage and its tests/output.
.NOTPARALLEL:

ROOT := $(CURDIR)
BUILD := $(ROOT)/build
STAGE := $(BUILD)/stage
COLLECTION := $(STAGE)/ansible_collections/tencentcloud/tccc
PYBIN := $(BUILD)/bin
VENVS := $(ROOT)/.venv
DEV := $(VENVS)/dev
# The controller Python for ansible-core 2.19, the linters, the demo and the benchmarks.
DEV_PYTHON ?= 3.11
# e.g. make bench BENCH_ARGS=--quick (benchmarks/run.sh --help lists the options)
BENCH_ARGS ?=

STEP := $(ROOT)/tools/step
FIND_PYTHON := $(ROOT)/tools/find-python
ENSURE_VENV := $(ROOT)/tools/ensure_venv.py
RUN_SANITY := $(ROOT)/tools/run-sanity
export STEP_LOG := $(BUILD)/steps.tsv
# Runs the rest of the line in the staged collection. ansible-test looks interpreters up as
# pythonX.Y on PATH: build/bin holds links to the real ones.
IN_STAGE := cd $(COLLECTION) && PATH=$(PYBIN):$(DEV)/bin:$(PATH)

.PHONY: help test venv stage build demo bench clean \
	sanity sanity-2.19 sanity-py3.8 sanity-2.21 sanity-2.22 venv-2.22 \
	units integration integration-2.22 lint lint-runtime lint-ansible-lint lint-docs lint-changelog

help:
	@echo 'make test         every check CI runs (.ci/run calls it), then a summary with timings'
	@echo 'make sanity       ansible-test sanity: core 2.19 (and Python 3.8 compile/import), 2.21, 2.22'
	@echo 'make units        ansible-test units (tests/unit)'
	@echo 'make integration  ansible-test integration (tests/integration/targets, against tests/emulator)'
	@echo 'make lint         ansible-lint (production), antsibull-docs, antsibull-changelog, action_groups'
	@echo 'make build        the collection tarball in build/dist, checked for generated files'
	@echo 'make demo         examples/demo.sh        make bench   benchmarks/run.sh $$BENCH_ARGS'
	@echo 'make venv         .venv/dev only          make clean   remove everything generated'

test:
	@mkdir -p $(BUILD) && : >$(STEP_LOG)
	@status=0; $(MAKE) --no-print-directory -k sanity units integration lint build || status=$$?; \
	$(STEP) --summary || status=1; exit $$status

venv:
	@py=$$($(FIND_PYTHON) $(DEV_PYTHON)) || { echo "!!!! Python $(DEV_PYTHON) not found: it runs ansible-core 2.19 and the linters"; exit 1; }; \
	$(STEP) "venv: .venv/dev (Python $(DEV_PYTHON), ansible-core 2.19, linters)" \
	  "$$py" $(ENSURE_VENV) $(DEV) -r tools/requirements/dev.txt

stage:
	@$(STEP) "stage: build/stage, Python links, offline get-pip" \
	  bash -c 'tools/stage-collection --keep-output $(STAGE) && tools/link-pythons $(PYBIN) && tools/install-get-pip-shim'

sanity: sanity-2.19 sanity-py3.8 sanity-2.21 sanity-2.22

sanity-2.19: venv stage
	@$(IN_STAGE) $(RUN_SANITY) $(DEV) $(DEV_PYTHON) "sanity: ansible-core 2.19, Python $(DEV_PYTHON)"

# Module code must still compile and import on Python 3.8, ansible-core 2.19's oldest target.
sanity-py3.8: venv stage
	@if [ ! -e $(PYBIN)/python3.8 ]; then \
	  $(STEP) --skip "sanity: Python 3.8" "python3.8 not found: module code is not checked against Python 3.8"; \
	else \
	  $(IN_STAGE) $(RUN_SANITY) $(DEV) 3.8 "sanity: compile and import, Python 3.8, ansible-core 2.19" --test compile --test import; \
	fi

sanity-2.21: stage
	@py=$$($(FIND_PYTHON) 3.13 || $(FIND_PYTHON) 3.12) || { \
	  $(STEP) --skip "sanity: ansible-core 2.21" "neither python3.13 nor python3.12 found"; exit 0; }; \
	ver=$$("$$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	$(STEP) "venv: .venv/core-2.21 (Python $$ver)" "$$py" $(ENSURE_VENV) $(VENVS)/core-2.21 -r tools/requirements/core-2.21.txt; \
	$(IN_STAGE) $(RUN_SANITY) $(VENVS)/core-2.21 $$ver "sanity: ansible-core 2.21, Python $$ver"

# 2.22 is a release candidate: a machine whose index does not offer it skips it, loudly. The
# venv step leaves a marker that the 2.22 checks test for, so each says why it was skipped.
CORE_222 := $(VENVS)/core-2.22
venv-2.22:
	@rm -f $(BUILD)/core-2.22.skip; mkdir -p $(BUILD); \
	py=$$($(FIND_PYTHON) 3.13) || { echo "python3.13 not found" >$(BUILD)/core-2.22.skip; exit 0; }; \
	echo "==== venv: .venv/core-2.22 (Python 3.13, ansible-core 2.22 pre-release) ===="; \
	"$$py" $(ENSURE_VENV) $(CORE_222) --pre -r tools/requirements/core-2.22.txt || \
	  echo "ansible-core>=2.22.0rc1,<2.23 is not installable here" >$(BUILD)/core-2.22.skip

sanity-2.22: stage venv-2.22
	@if [ -e $(BUILD)/core-2.22.skip ]; then $(STEP) --skip "sanity: ansible-core 2.22" "$$(cat $(BUILD)/core-2.22.skip)"; exit 0; fi; \
	$(IN_STAGE) $(RUN_SANITY) $(CORE_222) 3.13 "sanity: ansible-core 2.22, Python 3.13"

# ansible-test units passes when pytest collects nothing (exit 5): check_junit.py fails the step
# unless some test really ran.
units: venv stage
	@rm -rf $(COLLECTION)/tests/output/junit
	@$(IN_STAGE) $(STEP) "units: ansible-core 2.19, Python $(DEV_PYTHON)" \
	  $(DEV)/bin/ansible-test units --venv --python $(DEV_PYTHON) --requirements
	@$(STEP) "units: some tests ran, none failed" $(DEV)/bin/python tools/check_junit.py $(COLLECTION)/tests/output/junit

integration: venv stage
	@$(IN_STAGE) $(STEP) "integration: targets found" \
	  bash -c 'targets=$$($(DEV)/bin/ansible-test integration --list-targets) && [ -n "$$targets" ] && echo "$$targets"'
	@$(IN_STAGE) $(STEP) "integration: ansible-core 2.19, Python $(DEV_PYTHON)" \
	  $(DEV)/bin/ansible-test integration --venv --python $(DEV_PYTHON) --requirements
	@$(MAKE) --no-print-directory integration-2.22

# From 2.22 the core masks the passwords the module registers as secrets; tccc_secrets checks it.
integration-2.22: venv stage venv-2.22
	@if [ -e $(BUILD)/core-2.22.skip ]; then $(STEP) --skip "integration: ansible-core 2.22" "$$(cat $(BUILD)/core-2.22.skip)"; exit 0; fi; \
	$(IN_STAGE) $(STEP) "integration: ansible-core 2.22, Python 3.13" \
	  $(CORE_222)/bin/ansible-test integration --venv --python 3.13 --requirements

lint: lint-runtime lint-ansible-lint lint-docs lint-changelog

lint-runtime: venv stage
	@$(STEP) "lint: action_groups lists every module" $(DEV)/bin/python tools/check_action_groups.py $(COLLECTION)

# offline (.ansible-lint) keeps ansible-lint from installing the collection into .ansible/; the
# playbooks' syntax check finds it in the stage instead.
lint-ansible-lint: venv stage
	@$(IN_STAGE) ANSIBLE_COLLECTIONS_PATH=$(STAGE) $(STEP) "lint: ansible-lint (production profile)" $(DEV)/bin/ansible-lint

lint-docs: venv stage
	@$(IN_STAGE) $(STEP) "lint: antsibull-docs lint-collection-docs" \
	  $(DEV)/bin/antsibull-docs lint-collection-docs --plugin-docs .

lint-changelog: venv stage
	@$(IN_STAGE) $(STEP) "lint: antsibull-changelog" bash -c \
	  '$(DEV)/bin/antsibull-changelog lint && $(DEV)/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml'

# Built from the work tree itself, so that galaxy.yml's build_ignore is what keeps .venv/, build/
# and test output out of the tarball; the second step proves it did.
build: venv
	@rm -rf $(BUILD)/dist
	@$(STEP) "build: ansible-galaxy collection build" \
	  $(DEV)/bin/ansible-galaxy collection build --output-path $(BUILD)/dist $(ROOT)
	@$(STEP) "build: tarball holds no generated files" bash -c '! tar -tzf $(BUILD)/dist/*.tar.gz | \
	  grep -E "(^|/)(build|\.venv[^/]*|tests/output|\.ansible|__pycache__|\.pytest_cache|\.hypothesis|demo-output)(/|$$)|\.py[co]$$|\.plugin-cache\.yaml$$"'

# The scripts find the staged collection through ANSIBLE_COLLECTIONS_PATH, and the dev venv's
# python and ansible-playbook first on PATH (VENV names that venv).
demo: venv stage
	@PATH=$(DEV)/bin:$(PATH) VENV=$(DEV) ANSIBLE_COLLECTIONS_PATH=$(STAGE) bash examples/demo.sh

bench: venv stage
	@PATH=$(DEV)/bin:$(PATH) VENV=$(DEV) ANSIBLE_COLLECTIONS_PATH=$(STAGE) bash benchmarks/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(VENVS) tests/output .ansible demo-output changelogs/.plugin-cache.yaml
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .pytest_cache -o -name .hypothesis \) -prune -exec rm -rf {} +
	rm -f ./*.tar.gz

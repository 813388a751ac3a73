# make test runs every check CI runs. It needs Python (3.11, 3.12 or 3.13), pip, make and git;
# .ci/run installs the rest on a bare machine, and README's "Development" section says which step
# needs which Python. Virtual environments live in .venv/ and are reused while their requirement
# files are unchanged (tools/ensure_venv.py); checks run on a copy of the collection in build/stage,
# since ansible-test needs an ansible_collections/NAMESPACE/NAME tree. Every step prints a header and
# its duration (tools/step); make test keeps going after a failed step and ends with a summary.

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
DIST := $(BUILD)/dist
VENVS := $(ROOT)/.venv
DEV := $(VENVS)/dev
DEMO := $(VENVS)/demo
CORE_221 := $(VENVS)/core-2.21
CORE_222 := $(VENVS)/core-2.22
# The controller Python of .venv/dev (ansible-core 2.19, the linters, units, integration): the
# oldest of 3.11-3.13, the versions ansible-core 2.19 supports on a controller, found here.
ifeq ($(origin DEV_PYTHON),undefined)
DEV_PYTHON := $(shell for v in 3.11 3.12 3.13; do $(CURDIR)/tools/find-python $$v >/dev/null && { echo $$v; break; }; done)
endif
# From 2.22 the core masks the passwords the module registers as secrets: the targets that check
# that run on 2.22 as well. Every target runs on 2.19 (integration-2.19 lists none by name).
TARGETS_2_22 := tccc_secrets
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
NEED_DEV_PYTHON := [ -n "$(DEV_PYTHON)" ] || { echo "!!!! none of python3.11, python3.12, python3.13 found: .venv/dev needs one (README: Development)"; exit 1; }

.PHONY: help test quick venv venv-demo stage build galaxy-importer ee docs demo bench clean summary-start summary \
	sanity sanity-2.19 sanity-py3.8 sanity-2.21 sanity-2.22 venv-2.21 venv-2.22 \
	units integration integration-2.19 integration-2.22 lint lint-runtime lint-ansible-lint lint-docs lint-changelog

help:
	@echo 'make demo         the emulator, the example playbook against it, what it rendered (.venv/demo)'
	@echo 'make test         every check CI runs (.ci/run calls it), then a summary with timings'
	@echo 'make quick        units and one sanity run (ansible-core 2.19): the edit-test loop'
	@echo 'make sanity       ansible-test sanity: core 2.19 (and Python 3.8 compile/import), 2.21, 2.22'
	@echo 'make units        ansible-test units (tests/unit)'
	@echo 'make integration  ansible-test integration (tests/integration/targets, against tests/emulator)'
	@echo 'make lint         ansible-lint (production), antsibull-docs, antsibull-changelog, action_groups'
	@echo 'make build        the collection tarball in build/dist; make galaxy-importer checks it as Galaxy does'
	@echo 'make docs         the documentation site in build/docs/html, checked in Chromium'
	@echo 'make ee           the execution environment build context (ansible-builder create)'
	@echo 'make bench        benchmarks/run.sh $$BENCH_ARGS'
	@echo 'make venv         .venv/dev only          make clean   remove everything generated'

summary-start:
	@mkdir -p $(BUILD) && : >$(STEP_LOG)

summary:
	@$(STEP) --summary

test: summary-start
	@status=0; $(MAKE) --no-print-directory -k sanity units integration lint build galaxy-importer docs ee || status=$$?; \
	$(STEP) --summary || status=1; exit $$status

quick: summary-start
	@status=0; $(MAKE) --no-print-directory -k units sanity-2.19 || status=$$?; \
	$(STEP) --summary || status=1; exit $$status

venv:
	@$(NEED_DEV_PYTHON); $(STEP) "venv: .venv/dev (Python $(DEV_PYTHON), ansible-core 2.19, linters)" \
	  "$$($(FIND_PYTHON) $(DEV_PYTHON))" $(ENSURE_VENV) $(DEV) -r tools/requirements/dev.txt

# ansible-core, requests and PyYAML only; pip as the interpreter bundles it (no upgrade round trip).
venv-demo:
	@py=$$(for v in 3.11 3.12 3.13; do $(FIND_PYTHON) $$v && break; done) || { \
	  echo "!!!! none of python3.11, python3.12, python3.13 found: make demo runs ansible-core 2.19 on one"; exit 1; }; \
	"$$py" $(ENSURE_VENV) --keep-pip $(DEMO) -r tools/requirements/demo.txt

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

# ansible-core 2.21 needs Python 3.12 or later on the controller. The venv steps leave a marker
# that the checks needing them test for, so each says why it was skipped.
venv-2.21:
	@rm -f $(BUILD)/core-2.21.skip; mkdir -p $(BUILD); \
	py=$$($(FIND_PYTHON) 3.13 || $(FIND_PYTHON) 3.12) || { \
	  echo "neither python3.13 nor python3.12 found" >$(BUILD)/core-2.21.skip; exit 0; }; \
	$(STEP) "venv: .venv/core-2.21 ($$(basename $$py), ansible-core 2.21)" "$$py" $(ENSURE_VENV) $(CORE_221) -r tools/requirements/core-2.21.txt

sanity-2.21: stage venv-2.21
	@if [ -e $(BUILD)/core-2.21.skip ]; then $(STEP) --skip "sanity: ansible-core 2.21" "$$(cat $(BUILD)/core-2.21.skip)"; exit 0; fi; \
	ver=$$($(CORE_221)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	$(IN_STAGE) $(RUN_SANITY) $(CORE_221) $$ver "sanity: ansible-core 2.21, Python $$ver"

# 2.22 is a release candidate: a machine whose package index does not offer it skips it, loudly
# (the probe asks the index for the wheel alone); any other failure to build the venv is a failure.
CORE_222_REQ = $(shell grep '^ansible-core' tools/requirements/core-2.22.txt)
venv-2.22:
	@rm -f $(BUILD)/core-2.22.skip; mkdir -p $(BUILD); \
	py=$$($(FIND_PYTHON) 3.13) || { echo "python3.13 not found" >$(BUILD)/core-2.22.skip; exit 0; }; \
	probe=$$(mktemp -d); \
	if ! "$$py" -m pip download --quiet --no-deps --pre '$(CORE_222_REQ)' -d "$$probe" >/dev/null 2>&1; then \
	  rm -rf "$$probe"; echo "the package index does not offer $(CORE_222_REQ)" >$(BUILD)/core-2.22.skip; exit 0; fi; \
	rm -rf "$$probe"; \
	$(STEP) "venv: .venv/core-2.22 (Python 3.13, ansible-core 2.22 pre-release)" \
	  "$$py" $(ENSURE_VENV) $(CORE_222) --pre -r tools/requirements/core-2.22.txt

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

integration: integration-2.19 integration-2.22

integration-2.19: venv stage
	@$(IN_STAGE) $(STEP) "integration: targets found" \
	  bash -c 'targets=$$($(DEV)/bin/ansible-test integration --list-targets) && [ -n "$$targets" ] && echo "$$targets"'
	@$(IN_STAGE) $(STEP) "integration: ansible-core 2.19, Python $(DEV_PYTHON), every target" \
	  $(DEV)/bin/ansible-test integration --venv --python $(DEV_PYTHON) --requirements

integration-2.22: stage venv-2.22
	@if [ -e $(BUILD)/core-2.22.skip ]; then $(STEP) --skip "integration: ansible-core 2.22" "$$(cat $(BUILD)/core-2.22.skip)"; exit 0; fi; \
	$(IN_STAGE) $(STEP) "integration: ansible-core 2.22, Python 3.13, $(TARGETS_2_22)" \
	  $(CORE_222)/bin/ansible-test integration --venv --python 3.13 --requirements $(TARGETS_2_22)

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

# Built from the work tree itself, so that galaxy.yml's build_ignore is what keeps the development
# files, .venv/, build/ and test output out of the tarball; tools/check_tarball proves it did.
build: venv
	@rm -rf $(DIST)
	@$(STEP) "build: ansible-galaxy collection build" \
	  $(DEV)/bin/ansible-galaxy collection build --output-path $(DIST) $(ROOT)
	@$(STEP) "build: tarball holds what users run, no development or generated files" \
	  $(DEV)/bin/python tools/check_tarball.py $(DIST)/*.tar.gz

# What Galaxy runs on every upload, offline (tools/galaxy-importer.cfg: no ansible-test container).
galaxy-importer: venv build
	@$(STEP) "build: galaxy-importer accepts the tarball" \
	  env PATH=$(DEV)/bin:$(PATH) GALAXY_IMPORTER_CONFIG=$(ROOT)/tools/galaxy-importer.cfg \
	  tools/galaxy-importer $(DIST)/*.tar.gz $(BUILD)/galaxy-importer

# The documentation site: every plugin and role page (antsibull-docs), the README's guides,
# docs/*.md and the changelog, rendered with Sphinx and warnings as errors; then checked in Chromium.
docs: venv stage
	@$(STEP) "docs: build/docs/html (antsibull-docs, Sphinx, warnings are errors)" \
	  env PATH=$(DEV)/bin:$(PATH) ANSIBLE_COLLECTIONS_PATH=$(STAGE) tools/build-docs $(COLLECTION) $(BUILD)/docs
	@if ! command -v chromium >/dev/null 2>&1; then \
	  $(STEP) --skip "docs: pages as Chromium renders them" "chromium not found (.ci/run installs Debian's chromium)"; \
	else \
	  $(STEP) "docs: pages as Chromium renders them, screenshots in build/docs/screenshots" \
	    env PATH=$(DEV)/bin:$(PATH) ANSIBLE_COLLECTIONS_PATH=$(STAGE) $(DEV)/bin/python tools/check_docs_site.py $(BUILD)/docs; \
	fi

# The execution environment: execution-environment.yml's build context, and the Python
# requirements ansible-builder finds in the built collection (meta/execution-environment.yml).
ee: build
	@$(STEP) "ee: ansible-builder create and introspect (building the image needs podman or docker)" \
	  env PATH=$(DEV)/bin:$(PATH) tools/check-ee $(DIST) $(BUILD)/ee

# demo.sh finds the collection in this work tree itself and runs with .venv/demo's Python first on PATH.
demo: venv-demo
	@PATH=$(DEMO)/bin:$(PATH) bash examples/demo.sh
	@echo 'The same playbook reads your real instance: README.md, "Use it with your TCCC instance".'

bench: venv stage
	@PATH=$(DEV)/bin:$(PATH) VENV=$(DEV) ANSIBLE_COLLECTIONS_PATH=$(STAGE) bash benchmarks/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(VENVS) tests/output .ansible demo-output changelogs/.plugin-cache.yaml
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .pytest_cache -o -name .hypothesis \) -prune -exec rm -rf {} +
	rm -f ./*.tar.gz

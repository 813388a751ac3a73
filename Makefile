# README's two commands, make demo and make test, and short names for nox sessions. The checks are
# nox sessions (noxfile.py, antsibull-nox.toml; nox -l lists them); .venv/nox holds nox,
# antsibull-nox and uv, .venv/sessions each session's venv (README: Development).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
PYTHON ?= python3
NOX := .venv/nox/bin/nox
# uv makes a venv in seconds where pip takes ten or more: the one on PATH, else one pip fetches into
# .venv/uv (its wheel installs in a few seconds); pip alone if even that fails.
UV = $(or $(shell command -v uv),$(shell [ -x .venv/uv/bin/uv ] || $(PYTHON) -m pip install -q \
  --disable-pip-version-check --target .venv/uv uv >/dev/null 2>&1; [ ! -x .venv/uv/bin/uv ] || echo .venv/uv/bin/uv))
# e.g. make bench BENCH_ARGS=--quick (benchmarks/run.sh --help lists the options)
BENCH_ARGS ?=
# $(call venv,DIR,REQUIREMENTS,UV[,UV PIP OPTIONS]): a fresh venv DIR with REQUIREMENTS, made with UV when there is one.
venv = rm -rf $(1) && if [ -n "$(3)" ]; then $(3) venv -q -p $(PYTHON) $(1) && VIRTUAL_ENV=$(1) $(3) pip install -q $(4) -r $(2); \
  else $(PYTHON) -m venv $(1) && $(1)/bin/pip install -q -r $(2); fi && touch $@

.PHONY: help demo test quick bench clean

help:
	@echo 'make demo    the emulator, the example playbook against it, what it rendered (.venv/demo)'
	@echo 'make test    every nox session CI runs, two at a time (static ones besides, niced), then a summary'
	@echo 'make quick   units and sanity on ansible-core 2.19: the edit-test loop'
	@echo 'make bench   benchmarks/run.sh $$BENCH_ARGS           make clean   remove everything generated'
	@echo 'one check:   $(NOX) -s SESSION  (nox -l lists them)'

# Both remade when a requirement file changes, and compiled as pip would (uv does not by default):
# with PYTHONDONTWRITEBYTECODE set, nothing else would, and every nox or ansible-playbook run would
# compile its imports again.
$(NOX): tools/requirements/nox.txt
	@$(call venv,.venv/nox,tools/requirements/nox.txt,$(UV),--compile-bytecode)

.venv/demo: tools/requirements/demo.txt requirements.txt
	@$(call venv,.venv/demo,tools/requirements/demo.txt,$(UV),--compile-bytecode)

# make's own jobs run the sessions (default: every one nox -l lists, longest first), every one even
# after a failure (-k), each one's output whole when it ends (-O); then a summary. The sessions with
# clocks in them (TIMED: the integration lanes and the unit tests, which wait on daemons,
# registrations and the emulator for a fifth of their time) run JOBS at a time; the rest, whose
# verdict no clock can change (static checks, builds, the docs), besides them, one at a time at the
# lowest priority (nice 19): they take the CPU the timed ones leave idle without slowing them
# (docs/performance.md, "make test").
SESSIONS ?= $(shell $(NOX) -l --json | $(PYTHON) -c 'import json, sys; print(" ".join(s["session"] for s in json.load(sys.stdin)))')
JOBS ?= 2
TIMED = integration-% units-%
run_sessions = $(if $(1),$(MAKE) --no-print-directory -k -j$(2) -O $(addprefix session/,$(1)),true)
test: $(NOX)
	@rm -rf build/sessions && mkdir -p build/sessions && start=$$(date +%s) && status=0; \
	$(call run_sessions,$(filter-out $(TIMED),$(SESSIONS)),1) & background=$$!; \
	$(call run_sessions,$(filter $(TIMED),$(SESSIONS)),$(JOBS)) || status=1; wait $$background || status=1; \
	results="$(patsubst %,build/sessions/%.result,$(SESSIONS))"; echo "==== summary ===="; cat $$results || status=1; \
	echo "==== $$(($$(date +%s) - start))s wall, $$(cat $$results | awk '{ s += $$2 } END { print s }')s summed, $(JOBS) at a time and one niced ===="; \
	exit $$status

quick: $(NOX)
	@$(MAKE) --no-print-directory test SESSIONS="units-2.19 sanity-2.19"

session/%:
	@begin=$$(date +%s) && result=passed; $(if $(filter $(TIMED),$*),,nice -n 19) $(NOX) -s $* >build/sessions/$*.log 2>&1 || result=FAILED; cat build/sessions/$*.log; \
	if [ $$result = passed ] && grep -q "^nox > Session [^ ]* skipped" build/sessions/$*.log; then result=SKIPPED; fi; \
	printf '%-8s %5ss  %s\n' $$result $$(($$(date +%s) - begin)) $* | tee build/sessions/$*.result; [ $$result != FAILED ]

# demo.sh finds the collection in this work tree itself and runs with .venv/demo's Python first on PATH.
demo: .venv/demo
	@PATH=$(CURDIR)/.venv/demo/bin:$$PATH bash examples/demo.sh
	@echo 'The same playbook reads your real instance: README.md, "Use it with your TCCC instance".'

# benchmarks/run.sh, with the bench session's venv.
bench: $(NOX)
	@$(NOX) -s bench -- $(BENCH_ARGS)

clean:
	rm -rf build .venv tests/output .ansible demo-output changelogs/.plugin-cache.yaml
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .pytest_cache -o -name .hypothesis \) -prune -exec rm -rf {} +
	rm -f ./*.tar.gz

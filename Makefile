# ML System Design Primer: primer.org -> src/ -> outputs and figures -> HTML and PDF.
# `make` builds everything, `make test` checks everything; `make help` lists the rest.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ORG := primer.org
JOBS ?=

.DEFAULT_GOAL := all
.PHONY: all help venv tangle run scripts prepare html pdf test check bench stress clean distclean \
        detangle discard

all: html pdf ## tangle, run every script, regenerate figures, export the site, primer.html and primer.pdf
	@cat build/run-times.txt

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "venv: installing the pinned requirements.txt (about 6 GB the first time: a few minutes)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP) ## create .venv and install the pinned requirements.txt

csl/ieee.csl: $(STAMP)
	@$(PY) utils/csl.py

tangle: $(STAMP) ## write src/ from primer.org (refuses to overwrite a hand edit)
	@$(PY) utils/tangle.py $(ORG)

# `make test` runs the scripts exactly as committed (NO_TANGLE=1), so a src/ that
# is out of step with primer.org is caught by the tests instead of papered over.
# Scripts run in parallel, one per core (JOBS=N to choose); clock-reading ones run alone.
run: $(if $(NO_TANGLE),$(STAMP),tangle) ## run the changed scripts (sandboxed, in parallel), print the time/memory table
	@$(PY) utils/run.py $(if $(JOBS),--jobs $(JOBS)) $(if $(filter run,$(MAKECMDGOALS)),,--no-table)

prepare: run csl/ieee.csl
	@$(PY) utils/export.py prepare

# Search (MiniSearch) for the site and axe-core for its browser test, pinned in
# utils/package-lock.json.
NODE_STAMP := utils/node_modules/.package-lock.json
$(NODE_STAMP): utils/package.json utils/package-lock.json
	@cd utils && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

html: prepare $(NODE_STAMP) ## export the site (build/site/index.html) and primer.html
	@$(PY) utils/export.py html

pdf: prepare ## export primer.pdf (through Typst)
	@$(PY) utils/export.py pdf

test: ## run the whole test suite (builds what it needs first)
	@$(MAKE) --no-print-directory NO_TANGLE=1 html pdf
	$(PY) -m pytest -q tests

check: $(STAMP) ## is committed src/ exactly a fresh tangle of primer.org?
	@$(PY) utils/tangle.py $(ORG) --check

bench: $(STAMP) ## time tangling, a no-op make, a forced parallel run against its bound, the exports
	@$(PY) utils/bench.py

stress: $(STAMP) ## re-run the clock-reading scripts on a busy machine and check their lessons
	@$(PY) utils/stress.py

detangle: $(STAMP) ## write hand edits in FILE="src/NN-chapter/NAME.py ..." back into primer.org
	@test -n "$(FILE)" || { echo "usage: make detangle FILE=\"src/NN-chapter/NAME.py ...\""; exit 2; }
	@$(PY) utils/detangle.py $(FILE)

discard: $(STAMP) ## throw away a hand edit in FILE=src/NN-chapter/NAME.py (re-tangle it)
	@test -n "$(FILE)" || { echo "usage: make discard FILE=src/NN-chapter/NAME.py"; exit 2; }
	@$(PY) utils/tangle.py $(ORG) --discard $(FILE)

clean: ## remove build outputs (keeps .venv, src/ and img/)
	rm -rf build primer.html primer.pdf csl/ieee.csl

distclean: clean ## also remove .venv
	rm -rf $(VENV)

# make run  — set up what is missing and start the cabinet on http://localhost:$(PORT)
# make test — set up what is missing (system packages too, as root), lint and run every test
# make stress-test — make test $(STRESS_RUNS) times in a row (3; over an hour) with stress-ng --cpu 2 beside it,
#                    each run's result and duration at the end; stress-ng is stopped even when a run fails

SHELL := /bin/bash
PORT ?= 3000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.5
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/.bin/bun
AXE_VERSION := 4.11.0
AXE_DIR := .tools/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js
STAMP := $(VENV)/.installed

export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export PORT
STRESS_RUNS ?= 3
# what stress-test runs each time
STRESS_TEST ?= $(MAKE) --no-print-directory test

.PHONY: run test stress-test lint unit unit-postgres e2e bench deps system-deps worker clean

run: deps
	$(PY) -m cabinet.launch

worker: deps
	$(PY) -m cabinet.worker

test: deps system-deps
	$(MAKE) --no-print-directory lint unit unit-postgres e2e

# pyflakes, bugbear and isort (ruff), then types (mypy); both configured in pyproject.toml
lint:
	$(VENV)/bin/ruff check cabinet tests bench migrations rxconfig.py
	$(VENV)/bin/mypy

unit:
	$(PY) -m pytest tests/unit -q -p no:cacheprovider

unit-postgres:
	$(PY) -m tests.postgres $(PY) -m pytest tests/unit -q -p no:cacheprovider

e2e:
	$(PY) -m pytest tests/e2e -q -p no:cacheprovider

# The tests must pass on a loaded machine: every run goes on whatever the others' results, the target fails if one did.
stress-test: system-deps
	@stress-ng --cpu 2 --timeout 0 --quiet & stress=$$!; \
	trap 'kill $$stress 2>/dev/null; wait $$stress 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	failed=0; report=""; \
	for run in $$(seq $(STRESS_RUNS)); do \
	  start=$$(date +%s); \
	  if $(STRESS_TEST); then result=passed; else result=FAILED; failed=1; fi; \
	  line="run $$run of $(STRESS_RUNS): $$result in $$(( $$(date +%s) - start )) s"; \
	  echo "== $$line"; report="$$report$$line"$$'\n'; \
	done; \
	echo "== with stress-ng --cpu 2:"; printf '%s' "$$report"; exit $$failed

bench: deps
	$(PY) -m bench

deps: $(STAMP) $(BUN) $(AXE)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(BUN):
	mkdir -p $(BUN_DIR)
	npm install --silent --no-audit --no-fund --prefix $(BUN_DIR) bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

# axe-core, injected into the pages by the accessibility browser tests (tests/e2e/test_a11y.py)
$(AXE):
	mkdir -p $(AXE_DIR)
	npm install --silent --no-audit --no-fund --save-exact --prefix $(AXE_DIR) axe-core@$(AXE_VERSION)

# Debian packages the tests need: a browser, a PostgreSQL server, Redis, a CPU load for stress-test.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v stress-ng >/dev/null || missing="$$missing stress-ng"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need the Debian packages:$$missing. Install them as root: apt-get install$$missing"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf .web .states data

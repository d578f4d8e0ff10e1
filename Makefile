# make run  — set up what is missing and start the cabinet on http://localhost:$(PORT)
# make test — set up what is missing (system packages too, as root), lint and run every test

SHELL := /bin/bash
PORT ?= 3000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.5
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/.bin/bun
STAMP := $(VENV)/.installed

export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export PORT

.PHONY: run test lint unit unit-postgres e2e bench deps system-deps worker clean

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

bench: deps
	$(PY) -m bench

deps: $(STAMP) $(BUN)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(BUN):
	mkdir -p $(BUN_DIR)
	npm install --silent --no-audit --no-fund --prefix $(BUN_DIR) bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

# Debian packages the tests need: a browser, a PostgreSQL server, Redis.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
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

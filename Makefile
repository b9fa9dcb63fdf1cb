# Trygg skole: `make run` starts the bot on SQLite without credentials; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# The Agents Playground (npm, for `make dev` and the e2e tests); npm writes this file on install.
NODE_STAMP := node_modules/.package-lock.json

# Debian packages: the fonts the PDFs embed (never downloaded at run time) and poppler, which
# the tests render a PDF page with. Installed when missing and run as root; named otherwise.
DEBS := fonts-noto-core fonts-dejavu-core poppler-utils

.PHONY: run dev test e2e lint typecheck contracts unit install debs db-upgrade manifest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

debs:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing$$missing"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Missing Debian packages:$$missing (apt-get install$$missing); PDF export needs the fonts"; fi

install: $(STAMP) debs

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or newer (needed only for make dev / make e2e)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

run: $(STAMP) debs
	$(PY) -m bot

# The bot and the Agents Playground together: click through at http://localhost:56150 as
# «Lærer Lise» (playground/.m365agentsplayground.yml). Ctrl-C stops both. ROLE=leder or
# ROLE=rektor, in a second terminal: a second Playground as that person, in front of the same
# bot and database (docs/try-leaders.md).
ROLE ?= lærer
dev: $(STAMP) $(NODE_STAMP)
	ROLE='$(ROLE)' PY=$(PY) bash playground/dev.sh

db-upgrade: $(STAMP)
	$(PY) -m bot db upgrade

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check bot storage

typecheck: $(STAMP)
	$(PY) -m mypy

# The layers (import-linter), declared against used dependencies (deptry), dead code (vulture).
contracts: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/deptry .
	$(VENV)/bin/vulture

unit: $(STAMP) debs
	$(PY) -m pytest

test: lint typecheck contracts unit

# Only the e2e tests (also part of `unit`, where they skip without Chromium, Node or the
# Playground); screenshots in test-artifacts/e2e/.
e2e: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -m e2e tests/e2e

bench: $(STAMP)
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/report_flow.py
	$(PY) benchmarks/reminders.py
	$(PY) benchmarks/qa.py
	$(PY) benchmarks/scale.py

clean:
	rm -rf $(VENV) data node_modules test-artifacts .pytest_cache .mypy_cache .ruff_cache

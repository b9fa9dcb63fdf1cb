# Trygg skole: `make run` starts the bot on SQLite without credentials; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit install db-upgrade manifest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m bot

db-upgrade: $(STAMP)
	$(PY) -m bot db upgrade

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check bot storage

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest

test: lint typecheck unit

bench: $(STAMP)
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/report_flow.py
	$(PY) benchmarks/qa.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

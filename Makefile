# IKZ-Assistent — set-up, run, test, benchmark. Needs Python 3.11+ and a C compiler, nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-postgres bench eval setup setup-dev clean

# scripts/install.sh is the one install step, shared with the Dockerfile.
$(BASE_STAMP): pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) scripts/install.sh $(VENV)
	touch $@

$(DEV_STAMP): pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) scripts/install.sh $(VENV) dev,st
	touch $@ $(BASE_STAMP)

setup: $(BASE_STAMP)
setup-dev: $(DEV_STAMP)

## Quick start: set up, load the bundled sample knowledge base, then Telegram polling
## (TELEGRAM_BOT_TOKEN set) or the console chat (no token).
run: $(BASE_STAMP)
	$(PY) bot.py start

## Set up and run the full test suite (SQLite; the PostgreSQL tests use $$IKZ_TEST_DATABASE_URL or
## start their own PostgreSQL from the pgserver wheel).
test: $(DEV_STAMP)
	$(PY) -m pytest

## The full test suite with every knowledge base in PostgreSQL.
test-postgres: $(DEV_STAMP)
	IKZ_TEST_BACKEND=postgresql $(PY) -m pytest

## Benchmarks: writes BENCHMARKS.md.
bench: $(DEV_STAMP)
	$(PY) -m bench.run_all

## Retrieval quality on the development set.
eval: $(BASE_STAMP)
	$(PY) -m bench.bench_retrieval

clean:
	rm -rf $(VENV) ikz-data *.egg-info

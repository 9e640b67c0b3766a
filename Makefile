# IKZ-Assistent — set-up, run, test, benchmark. Needs Python 3.11+ and a C compiler, nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test bench eval setup setup-dev clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(BASE_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,st]'
	touch $@ $(BASE_STAMP)

setup: $(BASE_STAMP)
setup-dev: $(DEV_STAMP)

## Quick start: set up, load the bundled sample knowledge base, then Telegram polling
## (TELEGRAM_BOT_TOKEN set) or the console chat (no token).
run: $(BASE_STAMP)
	$(PY) bot.py start

## Set up and run the full test suite (needs PostgreSQL on 127.0.0.1:5432, trust auth).
test: $(DEV_STAMP)
	$(PY) -m pytest

## Benchmarks: writes BENCHMARKS.md.
bench: $(DEV_STAMP)
	$(PY) -m bench.run_all

## Retrieval quality on the development set.
eval: $(BASE_STAMP)
	$(PY) -m bench.bench_retrieval

clean:
	rm -rf $(VENV) ikz-data *.egg-info

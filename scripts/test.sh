#!/usr/bin/env bash
# Install Dumas with its test dependencies (first run) and run the whole test suite:
# every database test on SQLite and on PostgreSQL (DUMAS_TEST_POSTGRES_URL, default
# postgresql://postgres@127.0.0.1:5432/test), browser tests in Debian's Chromium.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need: Chromium (Playwright drives it; its own browser
# download is not possible here), Node.js with npm (bpmnlint, bpmn-moddle) and poppler's
# pdftoppm (the case file's diagram page is looked at as a PNG), redis-server and Dovecot.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium fonts-dejavu-core"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
# Outage tests start and stop a redis-server of their own on another port.
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
# A real IMAP server for the inbound mail tests (tests/helpers/imap_server.py).
[ -x /usr/sbin/dovecot ] || missing="$missing dovecot-imapd"
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq $missing >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The versions requirements-test.lock pins (bash scripts/lock.sh refreshes it), then Dumas itself.
.venv/bin/python -m pip install --quiet -r requirements-test.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/pybabel compile --use-fuzzy -d app/translations >/dev/null
# bpmnlint and bpmn-moddle for the model checks (tests/models), pinned by package-lock.json.
npm ci --no-audit --no-fund --loglevel=error >/dev/null
# The shape of the code, before any test runs (each fails the run; pyproject.toml):
# lint rules with complexity at most 12 ([tool.ruff]); the layers blueprints -> services
# -> engine and models, SpiffWorkflow only in app.engine ([tool.importlinter]); types
# ([tool.mypy]).
.venv/bin/ruff check --quiet app tests bench
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
# Tests run in DUMAS_TEST_WORKERS processes (pytest-xdist; default 2, one per core of the
# CI machine); each process builds its own SQLite and PostgreSQL databases. 0 runs them in one.
workers="${DUMAS_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
  exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest -n "$workers" "$@"

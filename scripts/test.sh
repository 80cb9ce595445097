#!/usr/bin/env bash
# Install Dumas with its test dependencies (first run) and run the whole test suite:
# every database test on SQLite and on PostgreSQL (DUMAS_TEST_POSTGRES_URL, default
# postgresql://postgres@127.0.0.1:5432/test), browser tests in Debian's Chromium.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  # Playwright drives the system Chromium: its own browser download is not possible here.
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/pybabel compile --use-fuzzy -d app/translations >/dev/null
exec .venv/bin/python -m pytest "$@"

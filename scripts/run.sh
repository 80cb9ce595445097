#!/usr/bin/env bash
# Install Dumas (first run) and start the whole system on the embedded default:
# a SQLite file in instance/, the models in bpmn/ dmn/ forms/ deployed, demo data,
# served on http://127.0.0.1:5000. Needs Python 3.11+; installs Node.js/npm (for the
# diagram editors' libraries, from the npm registry) if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The versions requirements.lock pins (bash scripts/lock.sh refreshes it), then Dumas itself.
.venv/bin/python -m pip install --quiet -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
export FLASK_APP=app
.venv/bin/pybabel compile --use-fuzzy -d app/translations >/dev/null
.venv/bin/flask db upgrade
.venv/bin/flask demo seed
echo "Dumas berjalan di http://${DUMAS_BIND:-127.0.0.1:5000} (hentikan dengan Ctrl+C)"
exec .venv/bin/gunicorn --bind "${DUMAS_BIND:-127.0.0.1:5000}" --workers 1 --threads 8 app.wsgi:app

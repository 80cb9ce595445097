#!/usr/bin/env bash
# Install Dumas (first run) and start the whole system on the embedded default:
# a SQLite file in instance/, the models in bpmn/ dmn/ forms/ deployed, demo data,
# served on http://127.0.0.1:5000. Needs only Python 3.11+.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
export FLASK_APP=app
.venv/bin/pybabel compile --use-fuzzy -d app/translations >/dev/null
.venv/bin/flask db upgrade
.venv/bin/flask demo seed
echo "Dumas berjalan di http://127.0.0.1:5000 (hentikan dengan Ctrl+C)"
exec .venv/bin/gunicorn --bind "${DUMAS_BIND:-127.0.0.1:5000}" --workers 1 --threads 8 app.wsgi:app

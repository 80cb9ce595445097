#!/usr/bin/env bash
# Refresh the Python lock files from pyproject.toml: requirements.lock (what the app runs
# with: scripts/run.sh, the Dockerfile) and requirements-test.lock (that plus the test
# extra: scripts/test.sh), both with hashes, for Python 3.11 on any platform. Run it after
# changing a dependency in pyproject.toml, then run the suite and commit all three files:
#   bash scripts/lock.sh            keeps every pinned version that still fits
#   bash scripts/lock.sh --upgrade  moves every package to its newest allowed version
# Needs uv (pip install uv, in any venv); UV=/path/to/uv to choose one.
set -euo pipefail
cd "$(dirname "$0")/.."
uv="${UV:-uv}"
compile=("$uv" pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
         --no-emit-package dumas "$@")
"${compile[@]}" -o requirements.lock
# The test lock is constrained to the runtime lock: tests run the versions production runs.
"${compile[@]}" --extra test -c requirements.lock -o requirements-test.lock

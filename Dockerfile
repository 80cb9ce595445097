# The image behind docker-compose.yml: web (gunicorn), Celery worker and beat share it.
# Every external program the app runs is in it: node with bpmnlint and .bpmnlintrc (the
# modeler's deploy gate), pango and fonts (WeasyPrint's printed case files and reports).
# tests/unit/test_image_contents.py reads this file and docker-compose.yml.

# Stage 1: the npm packages exactly as package-lock.json pins them: the editors' libraries
# (served by Flask) and bpmnlint (run by the deploy gate).
FROM node:20-bookworm-slim AS node
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# Stage 2: the runtime. Same Debian (bookworm) as the node stage, so its node binary runs here.
FROM python:3.11-slim-bookworm
# WeasyPrint loads pango, pangoft2 (and with them harfbuzz, fontconfig, gobject); the
# harfbuzz subsetter keeps embedded fonts small; DejaVu fonts for the printed pages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
# bpmnlint is a node script (#!/usr/bin/env node): node itself, from the node stage.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /srv/dumas
# The Python packages exactly as requirements.lock pins them (hashes checked), before the
# code, so a code change does not reinstall them; then Dumas itself, without dependencies.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md babel.cfg .bpmnlintrc ./
COPY app ./app
COPY migrations ./migrations
COPY bpmn ./bpmn
COPY dmn ./dmn
COPY forms ./forms
COPY seed ./seed
COPY --from=node /build/node_modules ./node_modules
RUN pip install --no-cache-dir --no-deps . && pybabel compile -d app/translations
# The code runs from /srv/dumas (templates, translations, .bpmnlintrc, node_modules beside
# it), not from the copy pip put in site-packages.
ENV PYTHONPATH=/srv/dumas DUMAS_MODELS_DIR=/srv/dumas DUMAS_NODE_MODULES=/srv/dumas/node_modules FLASK_APP=app
# /var/lib/dumas/seals: the audit seal log's volume (docker-compose.yml), writable by the app.
RUN useradd --system --home /srv/dumas dumas && mkdir -p /var/lib/dumas/seals \
 && chown -R dumas /srv/dumas /var/lib/dumas
USER dumas
EXPOSE 8000

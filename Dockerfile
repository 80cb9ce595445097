# The image behind docker-compose.yml: web (gunicorn), Celery worker and beat share it.
FROM python:3.11-slim
# WeasyPrint needs pango; DejaVu fonts for the printed audit trail.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/dumas
COPY pyproject.toml README.md babel.cfg ./
COPY app ./app
COPY migrations ./migrations
COPY bpmn ./bpmn
COPY dmn ./dmn
COPY forms ./forms
# The editors' libraries, installed by `npm ci` on the build machine, served by Flask.
COPY node_modules/bpmn-js/dist ./node_modules/bpmn-js/dist
COPY node_modules/camunda-bpmn-js/dist ./node_modules/camunda-bpmn-js/dist
COPY node_modules/dmn-js/dist ./node_modules/dmn-js/dist
RUN pip install --no-cache-dir . && pybabel compile -d app/translations
ENV DUMAS_MODELS_DIR=/srv/dumas FLASK_APP=app
# /var/lib/dumas/seals: the audit seal log's volume (docker-compose.yml), writable by the app.
RUN useradd --system --home /srv/dumas dumas && mkdir -p /var/lib/dumas/seals \
 && chown -R dumas /srv/dumas /var/lib/dumas
USER dumas
EXPOSE 8000

"""Entry point for Celery: `celery -A app.celery_worker worker` / `... beat`."""
from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

"""Thin Celery tasks: they take ids and call services."""

"""Use cases: plain functions called by the blueprints, tasks and CLI; they never read the request."""

"""Use cases: plain functions with keyword-only arguments that never read the Flask request."""

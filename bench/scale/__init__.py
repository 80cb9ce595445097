"""A PostgreSQL database of N cases for measuring pages at scale (see README.md)."""

"""Signing in and administering people. It owns password sign-in guarded against guessing,
the agency's OpenID Connect, one-time password links, the admin pages for accounts,
units and organisations, and the demo data an empty installation can start with."""

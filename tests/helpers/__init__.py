"""What several test files share: scenarios, local servers, request helpers and the
rolled-back database transaction of tests/conftest.py. Test files import from here,
never from one another."""

#!/bin/sh
# Run by the postgres image once, when its volume is first initialised: the role the
# application connects as (DATABASE_URL of web, worker and beat). It owns nothing; the
# migrations, run by the owner, grant it its rights (app/db_roles.py): ordinary rights on
# every table, only INSERT and SELECT on the audit tables.
# An existing volume: run the CREATE ROLE below once with psql as the owner.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$DUMAS_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE dumas_app LOGIN PASSWORD :'app_password';
SQL

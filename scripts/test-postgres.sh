#!/usr/bin/env bash
# Runs the test suite (or the given Jest arguments) with FerretDB on an existing PostgreSQL through POSTGRES_URL
# instead of the embedded one. Needs PostgreSQL on 127.0.0.1:5432 (trust auth), as on the CI machine.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_db=academy_ferretdb_test
psql -h 127.0.0.1 -U postgres -qtc "select 1 from pg_database where datname='$pg_db'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "create database $pg_db"
POSTGRES_URL="postgres://postgres@127.0.0.1:5432/$pg_db" npx jest --runInBand "$@"

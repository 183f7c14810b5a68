#!/usr/bin/env bash
# Runs the whole test suite against FerretDB on PostgreSQL (its other backend), through MONGODB_URI,
# to show the app does not depend on the SQLite backend. Needs PostgreSQL on 127.0.0.1:5432 (trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
ferretdb=$(npx --no-install tsx scripts/db-install.ts --print-path)
pg_db=academy_ferretdb_test
psql -h 127.0.0.1 -U postgres -qtc "select 1 from pg_database where datname='$pg_db'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "create database $pg_db"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
state=$(mktemp -d)
"$ferretdb" --handler=postgresql --postgresql-url="postgres://postgres@127.0.0.1:5432/$pg_db" \
  --listen-addr="127.0.0.1:$port" --debug-addr=- --state-dir="$state" --telemetry=disable --log-level=error 2>"$state/ferretdb.log" &
fpid=$!
trap 'kill $fpid 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
FERRETDB_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/$pg_db" MONGODB_URI="mongodb://127.0.0.1:$port/academy" npx jest --runInBand "$@"

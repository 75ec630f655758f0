#!/usr/bin/env bash
# make test-postgres: the whole build and its tests on a throw-away PostgreSQL server.
#
# Debian's postgresql package (installed if missing), a cluster in a temporary directory owned by
# the postgres OS user, listening on 127.0.0.1 only on a free port, a password drawn at run time,
# no system service. The small test world is generated, loaded into schema raw, built with
# DBT_TARGET=postgres (seeds, models, data tests, unit tests), then the Postgres pytest tests run.
# The server is stopped and its directory removed on exit, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
TEST_SCALE=${TEST_SCALE:-0.02}
WORLD_SEED=${WORLD_SEED:-42}
RAW_DIR=data/test-postgres/raw
WORK=data/test-postgres

say() { printf 'test-postgres: %s\n' "$*"; }
fail() { printf 'test-postgres error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "must run as root (it installs Debian's postgresql and runs the server as the postgres user)"
[ -x "$BIN/dbt" ] || fail "no $BIN/dbt: run make install first"

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
    say "installing Debian's postgresql (apt-get)"
    apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || fail "apt-get install postgresql failed"
fi
PG_BIN=$(pg_bindir)
[ -x "$PG_BIN/initdb" ] || fail "no initdb under /usr/lib/postgresql/*/bin after installing postgresql"
# Debian's package may start a system cluster; this script never uses nor stops it.

as_postgres() { runuser -u postgres -- "$@"; }

PG_TMP=$(mktemp -d /tmp/smallfirms-pg.XXXXXX)
cleanup() {
    local status=$?
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chown postgres: "$PG_TMP"
chmod 700 "$PG_TMP"

# A free port on 127.0.0.1 (the kernel picks one; a race with another process is unlikely).
PGPORT=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PGPASSWORD=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(24))')
printf '%s\n' "$PGPASSWORD" > "$PG_TMP/pwfile"
chown postgres: "$PG_TMP/pwfile"
chmod 600 "$PG_TMP/pwfile"

say "initdb and start PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT ($PG_TMP)"
as_postgres "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --pwfile="$PG_TMP/pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; fail "initdb failed"; }
rm -f "$PG_TMP/pwfile"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$PG_TMP -c fsync=off" \
    start >/dev/null || { cat "$PG_TMP/server.log" >&2; fail "the server did not start"; }

export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGPASSWORD PGDATABASE=smallfirms DBT_TARGET=postgres
export DBT_PROFILES_DIR=$PWD DBT_PROJECT_DIR=$PWD DBT_SEND_ANONYMOUS_USAGE_STATS=false
"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -d postgres -c "create database smallfirms" \
    -c "create role bi_reader nologin" >/dev/null

started=$(date +%s)
say "world of scale $TEST_SCALE into $RAW_DIR"
rm -rf "$RAW_DIR"
$BIN/python -m smallfirms.generate --scale "$TEST_SCALE" --seed "$WORLD_SEED" --out "$RAW_DIR" >/dev/null
$BIN/python -m smallfirms.preflight "$RAW_DIR"
$BIN/python -m smallfirms.load_raw --target postgres --raw-dir "$RAW_DIR"

say "dbt build on Postgres"
RAW_DATA_DIR=$PWD/$RAW_DIR $BIN/dbt build --target-path "$WORK/target" --log-path "$WORK/logs"

say "pytest -m postgres"
RAW_DATA_DIR=$PWD/$RAW_DIR $BIN/python -m pytest -m postgres -p no:cacheprovider tests/python
say "passed in $(( $(date +%s) - started )) s after the server started"

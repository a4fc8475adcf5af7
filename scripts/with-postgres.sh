#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server:  scripts/with-postgres.sh CMD [ARGS...]
#
# Installs Debian's postgresql when initdb is missing (as root), creates a cluster in a
# temporary directory owned by the `postgres` user (the server refuses to run as root),
# starts it on a free port bound to 127.0.0.1 only, with a random password, creates the
# database crossroads_test, exports
#   CROSSROADS_TEST_PG_URL=postgresql+psycopg://postgres:PASSWORD@127.0.0.1:PORT/crossroads_test
# runs CMD, then stops the server and deletes the cluster whatever happens, and exits with
# CMD's exit code. When CROSSROADS_TEST_PG_URL is already set (a CI service), CMD just runs.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
if [ -n "${CROSSROADS_TEST_PG_URL:-}" ]; then
  exec "$@"
fi

log() { echo "with-postgres: $*" >&2; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bindir="$(pg_bindir || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; run as root or: apt-get install postgresql"
    exit 1
  fi
  log "installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  bindir="$(pg_bindir)"
fi

# The server must not run as root: as root, run its tools as the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    log "no 'postgres' user to run the server as (the postgresql package creates it)"
    exit 1
  fi
  owner=postgres
  as_pg() {
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  }
else
  owner="$(id -un)"
  as_pg() { "$@"; }
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/crossroads-pg.XXXXXX")"
started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    as_pg "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 \
      || as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" >"$tmp/pwfile"
chown -R "$owner" "$tmp"
chmod 700 "$tmp"

as_pg "$bindir/initdb" -D "$tmp/data" -U postgres --auth=scram-sha-256 \
  --pwfile="$tmp/pwfile" --encoding=UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 || {
  log "initdb failed:"; cat "$tmp/initdb.log" >&2; exit 1; }
rm -f "$tmp/pwfile"

free_port() {
  "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port="$(free_port)"
# fsync off: a test cluster that is deleted afterwards has nothing to protect.
opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$tmp"
opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
started=1
as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 -o "$opts" start \
  >/dev/null || { log "the server did not start:"; cat "$tmp/server.log" >&2; exit 1; }

as_pg env PGPASSWORD="$password" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres \
  crossroads_test
export CROSSROADS_TEST_PG_URL="postgresql+psycopg://postgres:$password@127.0.0.1:$port/crossroads_test"
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

set +e
"$@"
code=$?
set -e
exit "$code"

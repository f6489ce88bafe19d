#!/usr/bin/env bash
# A real streaming replica for internal/db's TestRealStreamingReplica: a
# scratch PostgreSQL 15 primary on 127.0.0.1:5452 and a standby made from it
# with pg_basebackup on 127.0.0.1:5453, both removed at the end. Needs root
# (the servers run as the postgres user) and /usr/lib/postgresql/15/bin.
# Not part of .ci/run: it starts two servers of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PRIMARY_PORT=${PRIMARY_PORT:-5452}
STANDBY_PORT=${STANDBY_PORT:-5453}
WORK=$(mktemp -d /tmp/gonghui-replica.XXXXXX)
chown postgres "$WORK"
pg() { runuser -u postgres -- "$@"; }

cleanup() {
  pg "$BIN/pg_ctl" -D "$WORK/standby" -m immediate stop >/dev/null 2>&1 || true
  pg "$BIN/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== primary on $PRIMARY_PORT"
pg "$BIN/initdb" -D "$WORK/primary" -U postgres --auth=trust >/dev/null
cat >>"$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
CONF
echo "host replication postgres 127.0.0.1/32 trust" >>"$WORK/primary/pg_hba.conf"
pg "$BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w -t 60 start >/dev/null

echo "== standby on $STANDBY_PORT (pg_basebackup -R)"
pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/standby" -R -X stream >/dev/null
sed -i "s/^port = .*/port = $STANDBY_PORT/" "$WORK/standby/postgresql.conf"
pg "$BIN/pg_ctl" -D "$WORK/standby" -l "$WORK/standby.log" -w -t 60 start >/dev/null
in_recovery=$(psql -qtAX "postgres://postgres@127.0.0.1:$STANDBY_PORT/postgres" -c "SELECT pg_is_in_recovery()")
[ "$in_recovery" = t ] || { echo "FAIL: the standby is not in recovery"; exit 1; }

echo "== go test -run TestRealStreamingReplica"
GONGHUI_TEST_PRIMARY_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres?sslmode=disable" \
GONGHUI_TEST_REPLICA_URL="postgres://postgres@127.0.0.1:$STANDBY_PORT/postgres?sslmode=disable" \
  go test -count=1 -v -run '^TestRealStreamingReplica$' ./internal/db/

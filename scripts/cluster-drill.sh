#!/usr/bin/env bash
# The cluster drill (deploy/cluster/README.md): a PostgreSQL primary with a
# synchronous streaming standby, three gonghui nodes on it behind nginx, a
# steady mixed load through nginx (`gonghui bench cluster`), one node killed
# with SIGKILL, then the primary stopped and the standby promoted. Every
# write the load was told had succeeded is then read back from the new
# primary, seats are counted, sessions and tokens tried.
#
#   scripts/cluster-drill.sh            the full drill (about 5 minutes)
#   scripts/cluster-drill.sh --quick    the bounded form .ci/run runs (under 3 minutes)
#   options: --summary FILE (default /tmp/gonghui-cluster-summary.txt; also
#   FILE.json, and FILE.logs/ with the nodes', nginx's and PostgreSQL's logs)
#
# Runs as root on Debian with PostgreSQL 15 and nginx installed; everything
# listens on 127.0.0.1 only (PostgreSQL 5442 and 5443, nginx 8480, nodes
# 8481-8483) and is stopped and removed when the drill ends, however it ends.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SELF="$ROOT/scripts/cluster-drill.sh"
CONF="$ROOT/deploy/cluster"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PRIMARY_PORT=5442
STANDBY_PORT=5443
LB_PORT=8480
NODE_PORTS=(8481 8482 8483)
pg() { runuser -u postgres -- "$PGBIN/$@"; }

# The load generator calls back into this script at the drill's moments,
# with CLUSTER_DIR naming the running drill's directory.
if [ "${1:-}" = "hook" ]; then
  : "${CLUSTER_DIR:?hook outside a drill}"
  case "${2:-}" in
    kill-node)
      # The middle node dies without a chance to finish anything.
      kill -KILL "$(cat "$CLUSTER_DIR/node-${NODE_PORTS[1]}.pid")"
      echo "node ${NODE_PORTS[1]} killed" ;;
    failover)
      # The primary crashes (immediate: no shutdown checkpoint, no last
      # WAL sent), the standby is promoted and waited for.
      pg pg_ctl -D "$CLUSTER_DIR/pg/primary" stop -m immediate
      pg pg_ctl -D "$CLUSTER_DIR/pg/standby" promote -w -t 60
      echo "standby promoted" ;;
    *) echo "unknown hook $2" >&2; exit 2 ;;
  esac
  exit 0
fi

DURATION=150s KILL_AT=40s FAILOVER_AT=85s BURST=10s CLIENTS=16 MEMBERS=2000 SEATS=480 DEMO=--demo
SUMMARY=/tmp/gonghui-cluster-summary.txt
while [ $# -gt 0 ]; do
  case "$1" in
    # The bounded form skips the demo world (3,000 members, a minute on a
    # busy machine): the load generator makes a small city instead.
    --quick) DURATION=45s KILL_AT=12s FAILOVER_AT=25s BURST=3s CLIENTS=8 MEMBERS=600 SEATS=160 DEMO= ;;
    --summary) SUMMARY=$2; shift ;;
    *) echo "usage: $0 [--quick] [--summary FILE]" >&2; exit 2 ;;
  esac
  shift
done

for port in $PRIMARY_PORT $STANDBY_PORT $LB_PORT "${NODE_PORTS[@]}"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "port $port is in use: another drill running?" >&2; exit 1
  fi
done
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 1; }

CLUSTER_DIR=$(mktemp -d /tmp/gonghui-cluster.XXXXXX)
export CLUSTER_DIR
chmod 755 "$CLUSTER_DIR"
started=$(date +%s)

cleanup() {
  local rc=$?
  set +e
  for port in "${NODE_PORTS[@]}"; do
    [ -f "$CLUSTER_DIR/node-$port.pid" ] && kill -TERM "$(cat "$CLUSTER_DIR/node-$port.pid")" 2>/dev/null
  done
  [ -f "$CLUSTER_DIR/nginx/nginx.pid" ] && kill -TERM "$(cat "$CLUSTER_DIR/nginx/nginx.pid")" 2>/dev/null
  for d in primary standby; do
    [ -f "$CLUSTER_DIR/pg/$d/postmaster.pid" ] && pg pg_ctl -D "$CLUSTER_DIR/pg/$d" stop -m immediate >/dev/null 2>&1
  done
  sleep 1
  for port in "${NODE_PORTS[@]}"; do
    [ -f "$CLUSTER_DIR/node-$port.pid" ] && kill -KILL "$(cat "$CLUSTER_DIR/node-$port.pid")" 2>/dev/null
  done
  if [ $rc -ne 0 ]; then
    echo "== the drill failed; last lines of the logs:" >&2
    for f in "$CLUSTER_DIR"/*.log "$CLUSTER_DIR"/pg/*.log "$CLUSTER_DIR"/nginx/logs/error.log; do
      [ -f "$f" ] && { echo "-- $f" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  # The logs outlive the drill, beside the summary.
  rm -rf "$SUMMARY.logs" && mkdir -p "$SUMMARY.logs"
  cp "$CLUSTER_DIR"/*.log "$CLUSTER_DIR"/pg/*.log "$CLUSTER_DIR"/nginx/logs/*.log "$SUMMARY.logs/" 2>/dev/null
  rm -rf "$CLUSTER_DIR"
  echo "cleaned up after $(( $(date +%s) - started ))s"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s (%ds)\n' "$*" "$(( $(date +%s) - started ))"; }

step "build"
(cd "$ROOT" && go build -o "$CLUSTER_DIR/gonghui" ./cmd/gonghui)
BIN=$CLUSTER_DIR/gonghui

step "PostgreSQL primary on $PRIMARY_PORT"
mkdir -p "$CLUSTER_DIR/pg" && chown postgres: "$CLUSTER_DIR/pg"
pgopts() { echo "-p $1 -k $CLUSTER_DIR/pg"; }
# --no-sync: initdb's own files only (a drill's cluster is new and thrown
# away); the servers themselves run with fsync on.
pg initdb -D "$CLUSTER_DIR/pg/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
cp "$CONF/pg_hba.conf" "$CLUSTER_DIR/pg/primary/pg_hba.conf"
echo "include '$CONF/postgresql.primary.conf'" >>"$CLUSTER_DIR/pg/primary/postgresql.conf"
pg pg_ctl -D "$CLUSTER_DIR/pg/primary" -o "$(pgopts $PRIMARY_PORT)" -l "$CLUSTER_DIR/pg/primary.log" -w start >/dev/null
psql() { runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -X -q -v ON_ERROR_STOP=1 -At "${@:2}"; }
# No standby yet: these commits must not wait for one (synchronous_commit
# local for this session only).
psql $PRIMARY_PORT -c "SET synchronous_commit = local" -c "CREATE ROLE replicator WITH REPLICATION LOGIN" -c "CREATE DATABASE gonghui"

step "standby on $STANDBY_PORT (pg_basebackup, synchronous)"
pg pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U replicator -D "$CLUSTER_DIR/pg/standby" -X stream -c fast --no-sync
sed -i "s|^include '$CONF/postgresql.primary.conf'\$|include '$CONF/postgresql.standby.conf'|" "$CLUSTER_DIR/pg/standby/postgresql.conf"
runuser -u postgres -- touch "$CLUSTER_DIR/pg/standby/standby.signal"
pg pg_ctl -D "$CLUSTER_DIR/pg/standby" -o "$(pgopts $STANDBY_PORT)" -l "$CLUSTER_DIR/pg/standby.log" -w start >/dev/null
for _ in $(seq 1 30); do
  state=$(psql $PRIMARY_PORT -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")
  [ "$state" = "sync" ] && break
  sleep 1
done
[ "$state" = "sync" ] || { echo "the standby is not synchronous (state: '$state')" >&2; exit 1; }
echo "standby1 streaming, sync_state=$state; synchronous_commit=$(psql $PRIMARY_PORT -c 'SHOW synchronous_commit')"

step "three nodes (gonghui@.service, gonghui.env)"
while IFS='=' read -r k v; do
  case "$k" in ''|'#'*) continue ;; esac
  export "$k=$v"
done <"$CONF/gonghui.env"
export GONGHUI_KEY_FILE=$CLUSTER_DIR/gonghui.key GONGHUI_LOG_FORMAT=text GONGHUI_LOG_LEVEL=warn
export GONGHUI_DEMO_PASSWORD=Cluster-Drill-2026
exec_start=$(sed -n 's/^ExecStart=//p' "$CONF/gonghui@.service")
# One node brings the schema up to date (and loads the demo world) first.
"$BIN" migrate >"$CLUSTER_DIR/migrate.log" 2>&1
start_node() {
  local cmd=${exec_start//\/usr\/local\/bin\/gonghui/$BIN}
  cmd=${cmd//%i/$1}
  # shellcheck disable=SC2086 # the unit's command line, split as systemd does
  $cmd "${@:2}" >"$CLUSTER_DIR/node-$1.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/node-$1.pid"
  disown # its death by the drill's SIGKILL is expected, not news from the shell
}
wait_node() {
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null && return 0
    kill -0 "$(cat "$CLUSTER_DIR/node-$1.pid")" 2>/dev/null || { echo "node $1 exited" >&2; return 1; }
    sleep 0.5
  done
  echo "node $1 did not answer /healthz" >&2; return 1
}
start_node "${NODE_PORTS[0]}" $DEMO
wait_node "${NODE_PORTS[0]}"
for port in "${NODE_PORTS[@]:1}"; do start_node "$port"; done
for port in "${NODE_PORTS[@]:1}"; do wait_node "$port"; done
echo "nodes on ${NODE_PORTS[*]}: $GONGHUI_DB"

step "nginx on $LB_PORT"
mkdir -p "$CLUSTER_DIR/nginx/logs" "$CLUSTER_DIR/nginx/tmp"
chmod 777 "$CLUSTER_DIR/nginx/tmp"
nginx -p "$CLUSTER_DIR/nginx/" -c "$CONF/nginx.conf" -e stderr -t -q
nginx -p "$CLUSTER_DIR/nginx/" -c "$CONF/nginx.conf" -e stderr
for _ in $(seq 1 20); do curl -fsS -o /dev/null "http://127.0.0.1:$LB_PORT/healthz" 2>/dev/null && break; sleep 0.25; done
fail_timeout=$(sed -n 's/.*fail_timeout=\([0-9]*s\).*/\1/p' "$CONF/nginx.conf" | head -n 1)

step "load: $DURATION, node ${NODE_PORTS[1]} killed at $KILL_AT, failover at $FAILOVER_AT"
"$BIN" bench cluster --url "http://127.0.0.1:$LB_PORT" --duration "$DURATION" --concurrency "$CLIENTS" \
  --members "$MEMBERS" --capacity "$SEATS" --burst "$BURST" --fail-timeout "$fail_timeout" \
  --kill-at "$KILL_AT" --kill-cmd "'$SELF' hook kill-node" \
  --failover-at "$FAILOVER_AT" --failover-cmd "'$SELF' hook failover" \
  --summary "$SUMMARY"

step "after the drill"
echo "new primary: in recovery = $(psql $STANDBY_PORT -c 'SELECT pg_is_in_recovery()') (f: accepting writes)"
echo "nginx saw: $(awk '{print $6}' "$CLUSTER_DIR/nginx/logs/access.log" | sort | uniq -c | sort -rn | tr '\n' ' ')"
echo "retried on another node by nginx: $(grep -c 'up=[^ ]*, ' "$CLUSTER_DIR/nginx/logs/access.log" || true) requests"
echo "summary: $SUMMARY and $SUMMARY.json"

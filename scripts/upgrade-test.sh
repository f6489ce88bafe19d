#!/usr/bin/env bash
# Upgrade test: the previous release (deploy/PREVIOUS_RELEASE) serving a
# database with data while this tree's `gonghui migrate` runs, then a node of
# each release on the one database with requests against both, then restarts
# that show what the compatibility rule (internal/db/compat.go) lets an older
# program do. SQLite and PostgreSQL (UPGRADE_ENGINES, default both; PostgreSQL
# at GONGHUI_TEST_POSTGRES_URL, a scratch database made and dropped there).
# Only 127.0.0.1; every wait is bounded; prints what it did and the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$SECONDS

PREV=$(tr -d ' \r\n' < deploy/PREVIOUS_RELEASE)
if ! git cat-file -e "${PREV}^{commit}" 2>/dev/null; then
  echo "FAIL: the previous release ${PREV} (deploy/PREVIOUS_RELEASE) is not in this repository: fetch it, do not skip the test" >&2
  exit 1
fi
PG_URL=${GONGHUI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
ENGINES=${UPGRADE_ENGINES:-sqlite postgres}
PASSWORD=Upgrade-Test-Password-2026
WORK=$(mktemp -d /tmp/gonghui-upgrade.XXXXXX)
PIDS=()
PGDB=""

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$PGDB" ]; then psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $PGDB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
say() { printf '  %s\n' "$*"; }

echo "== build: previous release ${PREV} and this tree"
# The previous release's tree goes to a directory named by its commit, the
# same on every run, so that Go's build cache (which keys a package by its
# directory) builds it once per machine.
OLD_SRC=${GONGHUI_UPGRADE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gonghui-upgrade}/$PREV
rm -rf "$OLD_SRC" && mkdir -p "$OLD_SRC"
git archive "$PREV" | tar -x -C "$OLD_SRC"
ln -s "$OLD_SRC" "$WORK/old"
(cd "$OLD_SRC" && go build -o "$WORK/gonghui-old" ./cmd/gonghui)
go build -o "$WORK/gonghui-new" ./cmd/gonghui
# The previous release knows the rule when its tree has it; the first
# release after it (ef60115) refuses any newer schema.
OLD_KNOWS_RULE=no
[ -f "$WORK/old/internal/db/compat.go" ] && OLD_KNOWS_RULE=yes
NEW_VERSION=$(ls internal/db/migrations | sed -n 's/^\([0-9]\{4\}\)_.*/\1/p' | tail -1 | sed 's/^0*//')
OLD_VERSION=$(ls "$WORK/old/internal/db/migrations" | sed -n 's/^\([0-9]\{4\}\)_.*/\1/p' | tail -1 | sed 's/^0*//')
say "previous release knows schema ${OLD_VERSION} (compat rule: ${OLD_KNOWS_RULE}); this tree knows ${NEW_VERSION}  [$((SECONDS - START))s]"

# serve BIN NAME DSN: starts a node on a free port; sets URL.
serve() {
  local bin=$1 name=$2 dsn=$3
  GONGHUI_DEMO_PASSWORD=$PASSWORD "$bin" serve --demo --addr 127.0.0.1:0 --db "$dsn" --key-file "$WORK/gonghui.key" \
    >"$WORK/$name.out" 2>"$WORK/$name.log" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 600); do
    URL=$(sed -n 's/.*running at \(http[^ ]*\)\/$/\1/p' "$WORK/$name.out")
    [ -n "$URL" ] && { LASTPID=$pid; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.log" >&2; fail "$name exited at start"; }
    sleep 0.1
  done
  fail "$name did not start within 60 s"
}

# load NAME URL OTHER: as NAME (unique per run of load: it names what it
# creates), until $WORK/stop exists, a staff client's mixed
# requests against URL; each organisation it creates is read back on OTHER.
# One line per request: node, method, route, status.
load() {
  local name=$1 url=$2 other=$3 i=0 code id
  local auth="Authorization: Bearer $TOKEN" out="$WORK/requests.$name"
  : >"$out"
  while [ ! -e "$WORK/stop" ] && [ ! -e "$WORK/stop.$name" ] && [ $i -lt 2000 ]; do
    i=$((i + 1))
    for path in /api/v1/me "/api/v1/members?limit=5" "/api/v1/orgs?q=%E5%B7%A5%E4%BC%9A" "/api/v1/orgs/$ROOT_ID/stats"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$url$path" || echo 000)
      echo "$name GET ${path%%\?*} $code" >>"$out"
    done
    id=$(curl -s -w '\n%{http_code}' -H "$auth" -H 'Content-Type: application/json' -X POST "$url/api/v1/orgs" \
      -d "{\"parent_id\":\"$ROOT_ID\",\"name\":\"升级测试工会-$name-$i\",\"kind\":\"grassroots_union\"}" || echo 000)
    code=${id##*$'\n'}
    echo "$name POST /api/v1/orgs $code" >>"$out"
    if [ "$code" = 201 ] || [ "$code" = 200 ]; then
      id=$(sed -n 's/^{"id":"\([0-9]*\)".*/\1/p' <<<"${id%$'\n'*}")
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$other/api/v1/orgs/$id" || echo 000)
      echo "$name GET /api/v1/orgs/{id}@other $code" >>"$out"
    fi
  done
}

# sql DSN QUERY: one value from the database (sqlite3 or psql).
sql() {
  case $1 in
    postgres*) psql -qtAX "$1" -c "$2" ;;
    *) sqlite3 "$1" "$2" ;;
  esac
}

for engine in $ENGINES; do
  echo "== $engine"
  rm -f "$WORK"/stop "$WORK"/stop.* "$WORK"/requests.* "$WORK/gonghui.key"
  if [ "$engine" = sqlite ]; then
    DSN="$WORK/sqlite/gonghui.db"
    mkdir -p "$WORK/sqlite"
  else
    pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not answering at $PG_URL"
    PGDB="gonghui_upgrade_$$"
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $PGDB" -c "CREATE DATABASE $PGDB" >/dev/null 2>&1 || fail "cannot create the scratch database $PGDB"
    DSN="${PG_URL/\/postgres\?//$PGDB?}"
  fi

  serve "$WORK/gonghui-old" "old-$engine" "$DSN"; OLD_URL=$URL; OLD_PID=$LASTPID
  TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" \
    "$OLD_URL/api/v1/auth/token" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$TOKEN" ] || fail "no token from the previous release"
  ROOT_ID=$(sql "$DSN" "SELECT id FROM orgs WHERE parent_id IS NULL LIMIT 1")
  say "previous release serving $OLD_URL on a demo city: $(sql "$DSN" 'SELECT count(*) FROM orgs') organisations, $(sql "$DSN" 'SELECT count(*) FROM members') members, schema $(sql "$DSN" 'SELECT max(version) FROM schema_migrations')  [$((SECONDS - START))s]"

  load old-before "$OLD_URL" "$OLD_URL" & PIDS+=($!); LOAD_OLD=$!
  sleep 2
  "$WORK/gonghui-new" migrate --db "$DSN" --log-level warn >"$WORK/migrate.out" 2>&1 || { cat "$WORK/migrate.out" >&2; fail "migrate"; }
  say "migrated while it served: $(tr '\n' ' ' <"$WORK/migrate.out")(oldest version a program may know: $(sql "$DSN" "SELECT value FROM settings WHERE name = 'schema.oldest_known'"))  [$((SECONDS - START))s]"

  serve "$WORK/gonghui-new" "new-$engine" "$DSN"; NEW_URL=$URL; NEW_PID=$LASTPID
  touch "$WORK/stop.old-before"; wait "$LOAD_OLD" 2>/dev/null || true
  load old "$OLD_URL" "$NEW_URL" & PIDS+=($!); LOAD_OLD=$!
  load new "$NEW_URL" "$OLD_URL" & PIDS+=($!); LOAD_NEW=$!
  sleep 8
  touch "$WORK/stop"
  wait "$LOAD_OLD" "$LOAD_NEW" 2>/dev/null || true

  total=$(cat "$WORK"/requests.* | wc -l)
  bad=$(cat "$WORK"/requests.* | awk '$4 !~ /^20[01]$/' | wc -l)
  say "requests: before the new node $(wc -l <"$WORK/requests.old-before") (old), then old $(wc -l <"$WORK/requests.old") and new $(wc -l <"$WORK/requests.new"), cross-node reads $(cat "$WORK"/requests.* | grep -c '@other'); failed $bad of $total"
  if [ "$bad" -gt 0 ]; then
    cat "$WORK"/requests.* | awk '$4 !~ /^20[01]$/' | sort | uniq -c | head -20 >&2
    fail "$bad requests failed with both releases running"
  fi
  made=$(cat "$WORK"/requests.* | awk '$3 == "/api/v1/orgs" && $2 == "POST"' | wc -l)
  stored=$(sql "$DSN" "SELECT count(*) FROM orgs WHERE name LIKE '升级测试工会-%'")
  [ "$made" = "$stored" ] || fail "$made organisations created, $stored stored"
  say "organisations created through both nodes: $made, all stored"
  grep -q 'panic' "$WORK/old-$engine.log" "$WORK/new-$engine.log" && fail "a node logged a panic"

  # The previous release restarting on the migrated schema.
  kill "$OLD_PID"; wait "$OLD_PID" 2>/dev/null || true
  set +e
  GONGHUI_DEMO_PASSWORD=$PASSWORD timeout 60 "$WORK/gonghui-old" serve --addr 127.0.0.1:0 --db "$DSN" --key-file "$WORK/gonghui.key" \
    >"$WORK/restart.out" 2>"$WORK/restart.log" &
  RPID=$!; PIDS+=("$RPID")
  for _ in $(seq 1 600); do
    grep -q running "$WORK/restart.out" && break
    kill -0 "$RPID" 2>/dev/null || break
    sleep 0.1
  done
  if grep -q running "$WORK/restart.out"; then started=yes; kill "$RPID"; else started=no; fi
  wait "$RPID"; rc=$?
  set -e
  if [ "$OLD_KNOWS_RULE" = yes ]; then
    [ "$started" = yes ] || { cat "$WORK/restart.log" >&2; fail "the previous release did not restart on a schema its migrations keep compatible"; }
    say "previous release restarted on the migrated schema (compatible), with: $(grep -o 'schema is newer[^"]*' "$WORK/restart.log" | head -1)"
  else
    [ "$started" = no ] && [ "$rc" = 1 ] || fail "ef60115-era release: expected a refusal, got started=$started rc=$rc"
    grep -q 'newer than this program knows' "$WORK/restart.log" || { cat "$WORK/restart.log" >&2; fail "refusal without the stale-schema message"; }
    say "previous release refused to restart (exit $rc): it predates the rule and refuses any newer schema: $(grep -o 'database schema version[^"]*' "$WORK/restart.log" | head -1)"
  fi

  # This tree as the older program of the next upgrade: a step it does not
  # know that keeps it working, then one that breaks it.
  kill "$NEW_PID"; wait "$NEW_PID" 2>/dev/null || true
  future=$((NEW_VERSION + 1))
  sql "$DSN" "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($future, 'upgrade_test_future', 0)" >/dev/null
  serve "$WORK/gonghui-new" "next-$engine" "$DSN"; NEXT_PID=$LASTPID
  grep -q 'schema is newer than this program' "$WORK/next-$engine.log" || fail "no warning from a program behind a compatible schema"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/members?limit=5")
  [ "$code" = 200 ] || fail "a program behind a compatible schema answered $code"
  kill "$NEXT_PID"; wait "$NEXT_PID" 2>/dev/null || true
  say "this tree behind a compatible step ($future, keeps): started with a warning, served the member list"
  sql "$DSN" "UPDATE settings SET value = '$future' WHERE name = 'schema.oldest_known'" >/dev/null
  set +e
  timeout 60 "$WORK/gonghui-new" serve --addr 127.0.0.1:0 --db "$DSN" --key-file "$WORK/gonghui.key" >"$WORK/refuse.out" 2>"$WORK/refuse.log"
  rc=$?
  set -e
  [ "$rc" = 1 ] && grep -q "knows version $future or later" "$WORK/refuse.log" || { cat "$WORK/refuse.log" >&2; fail "a program behind a breaking step was not refused (rc $rc)"; }
  say "this tree behind a breaking step: refused (exit $rc): $(grep -o 'database schema version[^"]*' "$WORK/refuse.log" | head -1)"

  if [ -n "$PGDB" ]; then psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $PGDB" >/dev/null; PGDB=""; fi
  echo "  $engine: ok  [$((SECONDS - START))s]"
done
echo "upgrade test passed in $((SECONDS - START)) s"

#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests on 127.0.0.1:${FENGQIAO_PG_PORT:-54329}
# and print the DATABASE_URL to use. Needs Debian's `postgresql` package.
set -euo pipefail
PORT="${FENGQIAO_PG_PORT:-54329}"
DIR="${FENGQIAO_PG_DIR:-/tmp/fengqiao-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DIR" -U fengqiao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" start >/dev/null
fi
echo "postgres://fengqiao@127.0.0.1:$PORT/fengqiao"

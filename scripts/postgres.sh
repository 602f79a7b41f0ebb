#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback in a temporary folder and prints
# its URL (for the tests). Installs Debian's postgresql when missing.
#   url=$(scripts/postgres.sh start DIR)    scripts/postgres.sh stop DIR
set -euo pipefail
cmd=$1 dir=$2
run() { if [[ $(id -u) == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

bin_dir() {
  local initdb
  initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z "$initdb" ]]; then
    echo "== installing Debian postgresql" >&2
    SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
    $SUDO apt-get update -qq >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    initdb=$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
  fi
  dirname "$(readlink -f "$initdb")"
}

case $cmd in
  start)
    bin=$(bin_dir)
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    run "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    run "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
esac

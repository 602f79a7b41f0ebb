#!/usr/bin/env bash
# Measures the release server in one run and writes bench/results.md:
# wrong-code submissions per second with p50/p99 latency at 1, 16 and 64 clients beside
# a bare axum handler making the same one SQLite write; SSR /gate throughput; resident
# memory with 10,000 sessions; first-load bytes of the gate page, compressed.
# Needs wrk (Debian package `wrk`). Usage: bench/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
secs=${1:-10}
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install wrk)" >&2; exit 1; }

scripts/build-release.sh >&2
LEPTOS_OUTPUT_NAME=referral-gate cargo build --release --features ssr --bin bench-baseline >&2
bin="$TARGET_DIR/release/referral-gate"
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=3900 base_port=3901
export REFERRAL_GATE_DATA_DIR="$work/data" REFERRAL_GATE_MAX_RETRIES=1000 \
  REFERRAL_GATE_IP_MAX_FAILURES=1000000000 RUST_LOG=error
RUST_LOG=error LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve >"$work/server.log" 2>&1 &
pids+=($!); server_pid=$!
"$TARGET_DIR/release/bench-baseline" "$work/baseline" "127.0.0.1:$base_port" >"$work/baseline.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && curl -s -o /dev/null "http://127.0.0.1:$base_port/" && break; sleep 0.1; done

# 256 accounts (each may fail 1,000 times), one signed-in session each, so that no
# account reaches its limit within a run (a locked account's refusals would be cheap
# answers, not wrong codes; a run with any answer but 200 fails below).
accounts=${BENCH_ACCOUNTS:-256}
echo "== signing in $accounts accounts" >&2
cookies=()
for i in $(seq "$accounts"); do
  echo "bench password $i" | "$bin" users add "bench$i" >/dev/null
  c=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$port/api/auth/sign-in" \
      --data "username=bench$i&password=bench+password+$i" | grep -i '^set-cookie' | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//')
  cookies+=("$c")
done
# One more that never submits a code: its /gate is the page measured below.
echo "bench password page" | "$bin" users add "bench-page" >/dev/null
page_cookie=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$port/api/auth/sign-in" \
    --data "username=bench-page&password=bench+password+page" | grep -i '^set-cookie' | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//')
lua="$work/wrong.lua"
{
  echo "local cookies = {"
  for c in "${cookies[@]}"; do echo "  \"$c\","; done
  echo "}"
  cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookies[(n % #cookies) + 1] }
  return wrk.format("POST", "/api/gate/submit", headers, "code=ZZZZ-ZZZZ-ZZZZ")
end
LUA
} >"$lua"
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
LUA

# wrk --latency prints "50%  1.23ms" lines and "Requests/sec: N".
measure() { # label, wrk args...
  local out; out=$(wrk --latency "$@")
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "bench: some answers were not 2xx, the figures would not be what they say:" >&2
    echo "$out" >&2
    exit 1
  fi
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  echo "$rps|$p50|$p99"
}
rows=()
for c in 1 16 64; do
  echo "== $c clients" >&2
  # The account counts restart for each run so no session is locked mid-run.
  "$bin" codes list >/dev/null
  sqlite3 "$work/data/referral-gate.db" "UPDATE accounts SET failures = 0, last_failure_at = NULL" 2>/dev/null || true
  app=$(measure -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${secs}s" -s "$lua" "http://127.0.0.1:$port")
  bare=$(measure -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${secs}s" -s "$work/post.lua" "http://127.0.0.1:$base_port/write")
  IFS='|' read -r a50 a_p50 a_p99 <<<"$app"
  IFS='|' read -r b50 b_p50 b_p99 <<<"$bare"
  ratio=$(awk -v a="$a50" -v b="$b50" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  rows+=("| $c | $a50 | $a_p50 | $a_p99 | $b50 | $b_p50 | $b_p99 | $ratio |")
done

echo "== SSR /gate" >&2
gate=$(measure -t 2 -c 16 -d "${secs}s" -H "Cookie: $page_cookie" "http://127.0.0.1:$port/gate")

echo "== 10,000 sessions" >&2
# 10,000 refused sign-ins from cookie-less clients: each leaves a session (with its
# flash message) in the store.
seq 10000 | xargs -P 16 -I{} curl -s -o /dev/null -X POST "http://127.0.0.1:$port/api/auth/sign-in" --data "username=&password=x"
sessions=$(sqlite3 "$work/data/sessions.db" "SELECT COUNT(*) FROM sessions" 2>/dev/null || echo "?")
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status")

echo "== first load" >&2
bytes() { curl -s -o /dev/null -H "Accept-Encoding: br, gzip" -H "Cookie: $page_cookie" -w '%{size_download}' "http://127.0.0.1:$port$1"; }
html=$(bytes /gate); js=$(bytes /pkg/referral-gate.js); wasm=$(bytes /pkg/referral-gate.wasm); css=$(bytes /pkg/referral-gate.css)
total=$(( html + js + wasm + css ))

{
  echo "# Benchmark results"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), ${secs} s per run, wrk on the same machine."
  echo
  echo "## Wrong-code submissions (POST /api/gate/submit) vs a bare axum handler doing the same SQLite write"
  echo
  echo "| clients | app req/s | app p50 | app p99 | bare req/s | bare p50 | bare p99 | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  IFS='|' read -r g_rps g_p50 g_p99 <<<"$gate"
  echo "## Other figures"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| SSR /gate, 16 clients | $g_rps req/s (p50 $g_p50, p99 $g_p99) |"
  echo "| resident memory with $sessions sessions | $(( rss_kb / 1024 )) MiB |"
  echo "| first load of /gate, compressed (html $html + js $js + wasm $wasm + css $css) | $(( total / 1024 )) KiB |"
  echo
  echo "Targets: ratio ≥ 0.5, p99 < 20 ms at 64 clients, ≤ 64 MB at 10,000 sessions, first load ≤ 300 KB."
} >bench/results.md
cat bench/results.md

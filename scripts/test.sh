#!/usr/bin/env bash
# Runs every test: unit and integration (cargo; on SQLite, then again on PostgreSQL;
# the Cognito and SNS ones against moto server, the AWS emulator), then Playwright end
# to end in Debian's Chromium, with and without JavaScript, on the embedded default, in
# Cognito mode and against the one-file release binary alone in an empty folder.
# Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
TOOLS="${REFERRAL_GATE_TOOLS:-$HOME/.cache/referral-gate-tools}"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d)
pids=()
cleanup() {
  [[ ${#pids[@]} -gt 0 ]] && kill "${pids[@]}" 2>/dev/null || true
  # Already stopped after its pass; this only catches an early exit.
  [[ -d "$work/pg" ]] && scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -x /usr/bin/chromium ]]; then
  printf '\n== installing Debian chromium\n' >&2
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

export MOTO_SERVER="$TOOLS/moto/bin/moto_server"
if [[ ! -x "$MOTO_SERVER" ]]; then
  printf '\n== installing moto server (the AWS emulator) from PyPI\n' >&2
  python3 -m venv "$TOOLS/moto"
  "$TOOLS/moto/bin/pip" install -q 'moto[cognitoidp,sns]==5.2.5' flask flask-cors
fi
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"

# A test that hangs fails the run in minutes rather than stalling it.
printf '\n== unit and integration tests (SQLite)\n' >&2
timeout 1200 cargo test --features ssr

printf '\n== integration tests again on PostgreSQL (a throwaway cluster on loopback)\n' >&2
chmod 755 "$work" # the cluster runs as the postgres user when we are root
pg_url=$(scripts/postgres.sh start "$work/pg")
TEST_DATABASE_URL="$pg_url" timeout 1200 cargo test --features ssr --tests
scripts/postgres.sh stop "$work/pg"

printf '\n== the one-file release binary, alone in an empty folder\n' >&2
scripts/build-release.sh
mkdir "$work/alone"
cp "$TARGET_DIR/release/referral-gate" "$work/alone/"
alone_port=$(free_port)
(cd "$work/alone" && exec env RUST_LOG=warn LEPTOS_SITE_ADDR="127.0.0.1:$alone_port" ./referral-gate serve \
  >"$work/alone.log" 2>&1) &
pids+=($!)
export E2E_ONEFILE_URL="http://127.0.0.1:$alone_port"

printf '\n== end-to-end tests (Playwright)\n' >&2
cargo leptos build
(cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
moto_port=$(free_port)
MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY=HASH "$MOTO_SERVER" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$moto_port/moto-api/data.json" >/dev/null && break
  sleep 0.1
done
eval "$(cd end2end && node aws-fixture.mjs "http://127.0.0.1:$moto_port")"
mkdir -p "$work/data"
set +e
(cd end2end && E2E_BIN="$TARGET_DIR/debug/referral-gate" E2E_DATA_DIR="$work/data" npx playwright test) 2>&1 | tee "$work/e2e.log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE '^ +[0-9]+ passed' "$work/e2e.log" | grep -oE '[0-9]+' | tail -1 || true)
failed=$(grep -oE '^ +[0-9]+ failed' "$work/e2e.log" | grep -oE '[0-9]+' | tail -1 || true)
flaky=$(grep -oE '^ +[0-9]+ flaky' "$work/e2e.log" | grep -oE '[0-9]+' | tail -1 || true)
echo "${passed:-0} passed, ${failed:-0} failed, ${flaky:-0} flaky (passed on retry)"
exit "$status"

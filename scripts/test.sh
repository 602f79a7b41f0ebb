#!/usr/bin/env bash
# Runs every test: unit and integration (cargo), then Playwright end to end in
# Debian's Chromium, with and without JavaScript. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

if [[ ! -x /usr/bin/chromium ]]; then
  printf '\n== installing Debian chromium\n' >&2
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

printf '\n== unit and integration tests\n' >&2
cargo test --features ssr

printf '\n== end-to-end tests (Playwright)\n' >&2
cargo leptos build
(cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
log=$(mktemp)
data=$(mktemp -d)
set +e
(cd end2end && E2E_BIN="$TARGET_DIR/debug/referral-gate" E2E_DATA_DIR="$data" npx playwright test) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE '^ +[0-9]+ passed' "$log" | grep -oE '[0-9]+' | tail -1 || true)
failed=$(grep -oE '^ +[0-9]+ failed' "$log" | grep -oE '[0-9]+' | tail -1 || true)
echo "${passed:-0} passed, ${failed:-0} failed"
rm -rf "$data" "$log"
exit "$status"

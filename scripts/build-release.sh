#!/usr/bin/env bash
# Builds the one-file release binary: the optimised site first (wasm, js, css into
# target/site), then the server with the site embedded (feature `embed`), as its own
# step so that no debug build's files end up inside.
# Result: ${CARGO_TARGET_DIR:-target}/release/referral-gate
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin="$TARGET_DIR/release/referral-gate"
# Up to date: nothing the binary is built from changed since (each full build compiles
# the server twice, so skipping it keeps `scripts/run.sh users …` quick).
if [[ -x "$bin" && -z "$(find src style public migrations Cargo.toml Cargo.lock -newer "$bin" -print -quit)" ]]; then
  exit 0
fi
cargo leptos build --release
# cargo-leptos sets LEPTOS_OUTPUT_NAME for its builds, and Leptos bakes it in (it
# names the wasm file the page loads); this build must see the same.
LEPTOS_OUTPUT_NAME=referral-gate cargo build --release --no-default-features --features embed --bin referral-gate

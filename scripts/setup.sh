#!/usr/bin/env bash
# Installs what building the app needs, skipping what is already there:
# the wasm target, cargo-leptos 0.3.10, wasm-bindgen-cli (the Cargo.lock version),
# and sass + wasm-opt from npm (cargo-leptos finds them on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${REFERRAL_GATE_TOOLS:-$HOME/.cache/referral-gate-tools}"
mkdir -p "$TOOLS"

step() { printf '\n== %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"0.3.10"* ]]; then
  step "installing cargo-leptos 0.3.10 (about 6-10 minutes, once)"
  # 0.3.11 needs a newer rustc; no_downloads turns a missing tool into a clear error.
  CARGO_TARGET_DIR="$TOOLS/cargo-install-target" \
    cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads --debug
fi

WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ]]; then
  step "installing wasm-bindgen-cli $WBG_VERSION (about 2 minutes, once)"
  # Without --locked: its lock file pins a crate version the registry here lacks.
  CARGO_TARGET_DIR="$TOOLS/cargo-install-target" \
    cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

if [[ ! -x "$TOOLS/node_modules/.bin/sass" || ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]]; then
  step "installing sass and wasm-opt from npm"
  npm install --prefix "$TOOLS" --no-audit --no-fund sass@1.108.2 binaryen@132.0.0 >/dev/null
fi

# Sourced by the other scripts: tools on PATH, and where cargo puts its builds.
export PATH="${REFERRAL_GATE_TOOLS:-$HOME/.cache/referral-gate-tools}/node_modules/.bin:$HOME/.cargo/bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

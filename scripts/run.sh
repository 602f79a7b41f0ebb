#!/usr/bin/env bash
# Sets up, builds the one-file release binary and runs it on the embedded default (SQLite in
# ./data, local accounts, alerts in the log). Arguments go to the binary:
#   scripts/run.sh                      serve on http://127.0.0.1:3000
#   scripts/run.sh users add alice      add a user (password on stdin)
#   scripts/run.sh codes create         print a new referral code
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
scripts/build-release.sh >&2
exec "$TARGET_DIR/release/referral-gate" "$@"

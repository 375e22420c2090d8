#!/usr/bin/env bash
# Set up and run the platform on the embedded default: SQLite, demo data, 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo logins sign in with a password only (AUTH-06 is on by default; set it to 1 to try it).
export FENGQIAO_MFA_REQUIRED="${FENGQIAO_MFA_REQUIRED:-0}"
scripts/setup.sh
.venv/bin/fengqiao migrate --no-input
.venv/bin/fengqiao demo
exec .venv/bin/fengqiao serve "${1:-127.0.0.1:8000}"

#!/usr/bin/env bash
# Set up and run every check: ruff, mypy --strict, Django checks, then the whole test suite
# on SQLite and on a real PostgreSQL server (installed with apt-get when missing and root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The CJK font embedded in PDF output (docs/documents.md); FENGQIAO_CJK_FONT_DIR may point elsewhere.
[ -n "${FENGQIAO_CJK_FONT_DIR:-}" ] || [ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] \
  || need_apt+=(fonts-noto-cjk)
# The browser tests (pytest -m browser) drive Debian's Chromium.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${need_apt[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: install Debian's ${need_apt[*]} package(s) first" >&2; exit 1
  fi
fi

echo "== ruff";  ruff check . && ruff format --check . >/dev/null
echo "== mypy --strict"; mypy fengqiao
echo "== django checks"; python manage.py check --fail-level WARNING
python manage.py makemigrations --check --dry-run >/dev/null

echo "== tests on SQLite"
pytest "$@"

echo "== tests on PostgreSQL"
DATABASE_URL="$(scripts/pg-start.sh)" pytest "$@"

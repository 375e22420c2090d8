#!/usr/bin/env bash
# Set up and run every check: ruff, mypy --strict, Django checks, then the whole test suite
# on SQLite and on a real PostgreSQL server (installed with apt-get when missing and root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# Browser tests (pytest -m browser) drive Debian's Chromium and skip without it; a CJK font
# keeps their screenshots legible. Both are installed when we can, never required.
want_apt=()
[ -x /usr/bin/chromium ] || want_apt+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || want_apt+=(fonts-wqy-microhei)
if [ $((${#need_apt[@]} + ${#want_apt[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${need_apt[*]} ${want_apt[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      "${need_apt[@]}" "${want_apt[@]}" >/dev/null
  elif [ ${#need_apt[@]} -gt 0 ]; then
    echo "PostgreSQL is missing: install Debian's postgresql package first" >&2; exit 1
  else
    echo "warning: ${want_apt[*]} missing; the browser tests will be skipped" >&2
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

#!/usr/bin/env bash
# Installs zkreceipt with its test extra, the pinned npm tools the interop tests use and, when its binaries are
# missing, Debian's PostgreSQL (the store's tests start a real server), then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pg_ctl >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "scripts/test.sh: the store tests need PostgreSQL's initdb and pg_ctl: install the postgresql package" >&2
  fi
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
for lock in tests/*/package-lock.json; do
  [ -f "$lock" ] || continue
  (cd "$(dirname "$lock")" && npm ci --no-audit --no-fund --loglevel=error)
done
python3 -m pytest "$@"

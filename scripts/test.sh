#!/usr/bin/env bash
# Installs zkreceipt with its test extra, the pinned npm tools the interop tests use, and Debian's
# Chromium for the explorer's browser tests (Playwright drives /usr/bin/chromium, never a downloaded
# browser), then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
for lock in tests/*/package-lock.json; do
  [ -f "$lock" ] || continue
  (cd "$(dirname "$lock")" && npm ci --no-audit --no-fund --loglevel=error)
done
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: the browser tests need /usr/bin/chromium: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pytest "$@"

#!/usr/bin/env bash
# Installs zkreceipt with its test extra, compiles its kernels (on all cores), installs the pinned npm tools the
# interop tests use and, when they are missing, Debian's PostgreSQL (the store's tests start a real server) and
# Chromium (Playwright drives /usr/bin/chromium for the explorer's browser tests, never a downloaded browser),
# then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
if ! command -v pg_ctl >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
  missing+=(postgresql)
fi
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "scripts/test.sh: the tests need Debian's ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2
    exit 1
  fi
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m zkreceipt.warmup  # compile the kernels on all cores before the tests use them
for lock in tests/*/package-lock.json; do
  [ -f "$lock" ] || continue
  (cd "$(dirname "$lock")" && npm ci --no-audit --no-fund --loglevel=error)
done
python3 -m pytest "$@"

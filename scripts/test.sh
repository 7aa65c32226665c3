#!/usr/bin/env bash
# Installs zkreceipt with its test extra, compiles its kernels, installs the pinned npm tools the
# interop tests use, then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m zkreceipt.warmup  # compile the kernels on all cores before the tests use them
for lock in tests/*/package-lock.json; do
  [ -f "$lock" ] || continue
  (cd "$(dirname "$lock")" && npm ci --no-audit --no-fund --loglevel=error)
done
python3 -m pytest "$@"

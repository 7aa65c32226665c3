#!/usr/bin/env bash
# Installs zkreceipt with its test extra (and the pinned npm tools the interop tests use), then runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ -f tests/interop/package.json ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi
python3 -m pytest "$@"

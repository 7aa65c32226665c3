#!/usr/bin/env bash
# Installs zkreceipt and runs the main job on its built-in defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e .
zkreceipt demo

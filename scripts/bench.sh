#!/usr/bin/env bash
# make bench: see scripts/bench/run.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench/run.py

#!/usr/bin/env bash
# Create or refresh .venv-bench/: ChannelWatch plus the anchors it is measured against
# (OpenDrift, Stone Soup, pyais, pymerkle at pinned versions). Bench-only: the product never
# imports them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .venv-bench/bin/python ]]; then
  python3 -m venv .venv-bench
fi
.venv-bench/bin/python -m pip install -q --upgrade pip
.venv-bench/bin/python -m pip install -q -e . \
  "opendrift==1.14.12" "stonesoup==1.9.1" "pyais==3.3.1" "pymerkle==7.0.0"
echo "bench: .venv-bench ready"

#!/usr/bin/env bash
# Create or refresh .venv/ in the repo root and install ChannelWatch into it.
#   scripts/setup.sh          runtime only (the main job)
#   scripts/setup.sh --dev    plus what the test suite needs: Debian's PostgreSQL+PostGIS,
#                             chromium and nats-server, and the Python test tools.
# Safe to run twice: it installs only what is missing. Works as root or, with sudo, as a user.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    if [[ "$(id -u)" != "0" && -z "$SUDO" ]]; then
      echo "setup: need root or sudo to install Debian packages: ${missing[*]}" >&2
      return 1
    fi
    echo "setup: apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  apt_install python3 python3-venv python3-dev
  PY=python3
fi
if ! "$PY" -m venv --help >/dev/null 2>&1; then
  apt_install python3-venv
fi

if ((DEV)); then
  # Real servers and a real browser for the tests: PostgreSQL with PostGIS, NATS, Chromium.
  apt_install postgresql postgresql-15-postgis-3 nats-server chromium fonts-dejavu-core
fi

if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if ((DEV)); then
  .venv/bin/python -m pip install -q -e '.[dev]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "setup: .venv ready ($(.venv/bin/channelwatch --version))"

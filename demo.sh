#!/usr/bin/env bash
# Installs what the demo needs on a fresh Debian 12 machine, then runs `insights demo`: the local stack,
# the whole pipeline and a live dashboard (options are passed on, e.g. ./demo.sh --rate 50; see ./insights demo --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash stack/install
exec ./insights demo "$@"

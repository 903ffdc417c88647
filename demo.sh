#!/usr/bin/env bash
# Installs what the demo needs on a fresh Debian 12 machine, brings the local stack up and runs the pipeline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
dataset="${INSIGHTS_DATASET:-../shared/data/ml-100k}"
bash stack/install
stack/up
./insights stack status

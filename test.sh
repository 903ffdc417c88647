#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine (MariaDB, s3rver, the broker) and runs every test.
# Tests start their own servers on free ports in temp folders; a running local stack is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash stack/install
dotnet build Insights.sln -c Release -nologo -v q
# Tests that run the whole pipeline as processes (trait Run=alone: the chaos run, the demo with its browser) run
# last and one at a time: beside the other test assemblies two cores do not keep their timeouts.
dotnet test --solution Insights.sln -c Release --no-build -- --filter-not-trait "Run=alone"
dotnet test --project tests/Host.Tests -c Release --no-build -- --filter-trait "Run=alone"

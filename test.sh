#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine (MariaDB, s3rver, the broker) and runs every test.
# Tests start their own servers on free ports in temp folders; a running local stack is left alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash stack/install
dotnet build Insights.sln -c Release -nologo -v q
# The code keeps .editorconfig's conventions (layout, using order); `dotnet format Insights.sln` applies them.
dotnet format Insights.sln --verify-no-changes --no-restore \
  || { echo "test.sh: the code departs from .editorconfig's conventions above; run: dotnet format Insights.sln" >&2; exit 1; }
# A failed test prints its captured logs after its message; a log that keeps only the tail would lose the message,
# so the run is also written to a file and the failures are repeated, without their logs, at the end.
log="$(mktemp -t insights-tests.XXXXXX.log)"
failures() {
  awk '/^[[:space:]]*failed [^w]/ { n = 40 } /Standard output|Standard error/ { n = 0 } n > 0 { print; n-- }' "$log"
}
status=0
# Tests that run the whole pipeline as processes (trait Run=alone: the chaos run, the demo with its browser) run
# last and one at a time: beside the other test assemblies two cores do not keep their timeouts.
dotnet test --solution Insights.sln -c Release --no-build -- --filter-not-trait "Run=alone" 2>&1 | tee "$log" \
  || status=$?
dotnet test --project tests/DevTool.Tests -c Release --no-build -- --filter-trait "Run=alone" 2>&1 | tee -a "$log" \
  || status=$?
if ((status)); then
  echo; echo "== failed tests (their logs are above) =="; failures
fi
exit "$status"

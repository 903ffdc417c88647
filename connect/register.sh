#!/usr/bin/env bash
# Registers every connector in this folder with Kafka Connect: <name>.json holds the config map of connector
# <name>, sent with PUT /connectors/<name>/config (creates or updates, so re-running is safe).
# env: CONNECT_URL (default http://connect:8083), CONNECT_WAIT_SECONDS (default 300).
# Secrets are not here: the JSON refers to ${env:...}, resolved by Connect's EnvVarConfigProvider.
set -euo pipefail
url="${CONNECT_URL:-http://connect:8083}"
wait_seconds="${CONNECT_WAIT_SECONDS:-300}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

deadline=$((SECONDS + wait_seconds))
until curl -fsS "$url/connectors" >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then echo "register: Kafka Connect at $url did not answer within ${wait_seconds}s" >&2; exit 1; fi
  sleep 2
done

shopt -s nullglob
files=("$here"/*.json)
((${#files[@]})) || { echo "register: no connector JSON in $here" >&2; exit 1; }
for file in "${files[@]}"; do
  name="$(basename "$file" .json)"
  status="$(curl -sS -o /tmp/register-$name.out -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "@$file" "$url/connectors/$name/config")"
  if [[ $status != 200 && $status != 201 ]]; then
    echo "register: connector $name rejected (HTTP $status): $(cat /tmp/register-$name.out)" >&2; exit 1
  fi
  echo "register: connector $name registered (HTTP $status)"
done

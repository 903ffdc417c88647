#!/usr/bin/env bash
# s3rver 3.7.1 (npm): a local S3 API endpoint with the bucket created at start. Credentials are s3rver's
# fixed local pair S3RVER/S3RVER, not secrets; production uses the standard AWS credential chain.
# usage: s3.sh up|down|status
PART=s3
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir="$INSIGHTS_STACK_DIR/s3"
LOG="$dir/s3rver.log"
bin="$STACK_REPO/stack/s3rver/node_modules/s3rver/bin/s3rver.js"

answers() { curl -fsS -o /dev/null "http://127.0.0.1:$INSIGHTS_S3_PORT/"; }

up() {
  if running_pid >/dev/null && answers; then say "already up on http://127.0.0.1:$INSIGHTS_S3_PORT"; return 0; fi
  stop_pid >/dev/null
  [[ -f $bin ]] || fail "s3rver not installed: run stack/install first"
  command -v node >/dev/null || fail "node not found: run stack/install first"
  require_free_port "$INSIGHTS_S3_PORT" INSIGHTS_S3_PORT
  mkdir -p "$dir/data"
  # s3rver 3.7.1 signs with an md5 that OpenSSL 3 only offers through the legacy provider.
  NODE_OPTIONS=--openssl-legacy-provider setsid node "$bin" -d "$dir/data" -a 127.0.0.1 -p "$INSIGHTS_S3_PORT" \
    --no-vhost-buckets --configure-bucket "$INSIGHTS_S3_BUCKET" >"$LOG" 2>&1 &
  STARTED_PID=$!
  echo "$STARTED_PID" > "$(pid_file)"
  wait_until "$INSIGHTS_STACK_TIMEOUT" "answering HTTP" answers
  write_endpoint "{\"S3\":{\"ServiceUrl\":\"http://127.0.0.1:$INSIGHTS_S3_PORT\",\"Bucket\":\"$INSIGHTS_S3_BUCKET\",\"AccessKey\":\"S3RVER\",\"SecretKey\":\"S3RVER\"}}"
  say "up on http://127.0.0.1:$INSIGHTS_S3_PORT (bucket $INSIGHTS_S3_BUCKET, pid $STARTED_PID)"
}

down() { stop_pid; }

status() {
  if running_pid >/dev/null && answers; then say "up on http://127.0.0.1:$INSIGHTS_S3_PORT"; else say "down"; return 1; fi
}

mkdir -p "$dir"
"${1:?usage: s3.sh up|down|status}"

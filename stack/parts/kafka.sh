#!/usr/bin/env bash
# The Kafka-protocol broker: librdkafka's mock cluster hosted by our insights-broker program in its own
# process, topics pre-created from the manifest, reachable on a fixed loopback port.
# usage: kafka.sh up|down|status
PART=kafka
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir="$INSIGHTS_STACK_DIR/kafka"
LOG="$dir/broker.log"
dll="${INSIGHTS_BROKER_DLL:-$STACK_REPO/.build/broker/insights-broker.dll}"  # tests point this at their own build
bootstrap_file="$dir/bootstrap"

answers() { [[ -s $bootstrap_file ]] && port_open "$INSIGHTS_KAFKA_PORT"; }

up() {
  if running_pid >/dev/null && answers; then say "already up on 127.0.0.1:$INSIGHTS_KAFKA_PORT"; return 0; fi
  stop_pid >/dev/null
  [[ -f $dll ]] || fail "broker not built: run stack/install first"
  [[ -f $INSIGHTS_KAFKA_MANIFEST ]] || fail "topic manifest $INSIGHTS_KAFKA_MANIFEST not found (INSIGHTS_KAFKA_MANIFEST)"
  require_free_port "$INSIGHTS_KAFKA_PORT" INSIGHTS_KAFKA_PORT
  rm -f "$bootstrap_file"
  setsid dotnet "$dll" run --manifest "$INSIGHTS_KAFKA_MANIFEST" --brokers "$INSIGHTS_KAFKA_BROKERS" \
    --port "$INSIGHTS_KAFKA_PORT" --bootstrap-file "$bootstrap_file" --status-file "$dir/watermarks.json" \
    >"$LOG" 2>&1 &
  STARTED_PID=$!
  echo "$STARTED_PID" > "$(pid_file)"
  wait_until "$INSIGHTS_STACK_TIMEOUT" "serving topics" answers
  write_endpoint "{\"Kafka\":{\"BootstrapServers\":\"127.0.0.1:$INSIGHTS_KAFKA_PORT\"}}"
  say "up on 127.0.0.1:$INSIGHTS_KAFKA_PORT (mock cluster, topics from $(basename "$INSIGHTS_KAFKA_MANIFEST"), pid $STARTED_PID)"
}

down() { stop_pid; rm -f "$bootstrap_file"; }

# Status includes the trim check: a partition whose low watermark moved lost records.
status() {
  if running_pid >/dev/null && answers; then
    say "up on 127.0.0.1:$INSIGHTS_KAFKA_PORT"
    dotnet "$dll" check --bootstrap "127.0.0.1:$INSIGHTS_KAFKA_PORT" --manifest "$INSIGHTS_KAFKA_MANIFEST"
  else say "down"; return 1; fi
}

mkdir -p "$dir"
"${1:?usage: kafka.sh up|down|status}"

# Shared by the part scripts: process bookkeeping and readiness waits. Sourced, not run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../config.sh"

fail() { echo "stack: $PART: $*" >&2; exit 1; }
say()  { echo "stack: $PART: $*"; }

pid_file() { echo "$INSIGHTS_STACK_DIR/$PART/$PART.pid"; }
running_pid() {
  local f; f=$(pid_file)
  [[ -f $f ]] || return 1
  local pid; pid=$(<"$f")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port held by something that is not ours is the commonest start failure: name it before starting.
require_free_port() {
  if port_open "$1"; then fail "port $1 on 127.0.0.1 is already taken by another process (set $2 to another port)"; fi
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s; fails naming DESCRIPTION on timeout.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [[ -n ${STARTED_PID:-} ]] && ! kill -0 "$STARTED_PID" 2>/dev/null && fail "exited before $what (see $LOG)$(tail -n 3 "$LOG" 2>/dev/null | sed 's/^/\n  /')"
    ((SECONDS < deadline)) || fail "not $what after ${seconds}s (see $LOG)$(tail -n 5 "$LOG" 2>/dev/null | sed 's/^/\n  /')"
    sleep 0.2
  done
}

stop_pid() {
  local pid; pid=$(running_pid) || { rm -f "$(pid_file)"; say "already down"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pid_file)"
  say "down"
}

# Writes a JSON fragment the `insights` program loads as configuration (atomically: readers never see half).
write_endpoint() {
  local f="$INSIGHTS_STACK_DIR/$PART.json"
  printf '%s\n' "$1" > "$f.tmp" && chmod 600 "$f.tmp" && mv "$f.tmp" "$f"
}

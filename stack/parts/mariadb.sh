#!/usr/bin/env bash
# MariaDB 10.11 from Debian packages, configured for row-based binlog CDC, run without systemd.
# usage: mariadb.sh up|down|status
PART=mariadb
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir="$INSIGHTS_STACK_DIR/mariadb"
LOG="$dir/mariadb.log"
cnf="$dir/my.cnf"
sock="$dir/mariadb.sock"
credentials="$dir/credentials"

client() { mariadb --defaults-file="$cnf" --protocol=socket -uroot "$@"; }

up() {
  if running_pid >/dev/null && client -e 'SELECT 1' >/dev/null 2>&1; then say "already up on 127.0.0.1:$INSIGHTS_MARIADB_PORT"; return 0; fi
  stop_pid >/dev/null
  command -v mariadbd >/dev/null || fail "mariadbd not found: run stack/install first"
  require_free_port "$INSIGHTS_MARIADB_PORT" INSIGHTS_MARIADB_PORT
  mkdir -p "$dir/data"
  cat > "$cnf" <<CNF
[client]
socket=$sock
port=$INSIGHTS_MARIADB_PORT

[mariadbd]
datadir=$dir/data
socket=$sock
pid-file=$dir/mariadbd.pid
log-error=$LOG
port=$INSIGHTS_MARIADB_PORT
bind-address=127.0.0.1
# Row-based binlog with full images and metadata: what Debezium and the built-in capture need.
server_id=1
log_bin=$dir/data/binlog
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
expire_logs_days=2
max_binlog_size=64M
gtid_strict_mode=ON
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=256M
innodb_flush_log_at_trx_commit=2
skip-name-resolve
$INSIGHTS_MARIADB_SETTINGS
CNF
  if [[ ! -d $dir/data/mysql ]]; then
    # A half-initialised data folder (install interrupted) would fail every later start: clear it first.
    rm -rf "$dir/data" && mkdir -p "$dir/data"
    mariadb-install-db --defaults-file="$cnf" --user=root --auth-root-authentication-method=socket >"$dir/install.log" 2>&1 \
      || fail "mariadb-install-db failed: $(grep -m1 -iE 'error|fatal' "$dir/install.log" || tail -n1 "$dir/install.log") (see $dir/install.log)"
  fi
  : > "$LOG"
  mariadbd --defaults-file="$cnf" --user=root >>"$LOG" 2>&1 &
  STARTED_PID=$!
  echo "$STARTED_PID" > "$(pid_file)"
  wait_until "$INSIGHTS_STACK_TIMEOUT" "accepting connections" client -e 'SELECT 1'
  provision
  say "up on 127.0.0.1:$INSIGHTS_MARIADB_PORT (pid $STARTED_PID)"
}

# Users with generated passwords, kept in a 0600 file under the stack folder, never in the repository.
provision() {
  if [[ ! -f $credentials ]]; then
    umask 077
    printf 'APP_PASSWORD=%s\nCAPTURE_PASSWORD=%s\n' "$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')" \
      "$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')" > "$credentials"
  fi
  source "$credentials"
  client <<SQL
CREATE DATABASE IF NOT EXISTS cinema CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'insights'@'127.0.0.1' IDENTIFIED BY '$APP_PASSWORD';
GRANT ALL PRIVILEGES ON cinema.* TO 'insights'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'insights_capture'@'127.0.0.1' IDENTIFIED BY '$CAPTURE_PASSWORD';
GRANT REPLICATION SLAVE, BINLOG MONITOR, RELOAD, SELECT, SHOW DATABASES ON *.* TO 'insights_capture'@'127.0.0.1';
SQL
  local schema="$STACK_REPO/schema/cinema.sql"
  [[ -f $schema ]] && { client cinema < "$schema" || fail "applying $schema failed"; }
  write_endpoint "{\"MariaDb\":{\"ConnectionString\":\"Server=127.0.0.1;Port=$INSIGHTS_MARIADB_PORT;Database=cinema;User ID=insights;Password=$APP_PASSWORD\",\"CaptureConnectionString\":\"Server=127.0.0.1;Port=$INSIGHTS_MARIADB_PORT;User ID=insights_capture;Password=$CAPTURE_PASSWORD\"}}"
}

down() {
  if running_pid >/dev/null; then client -e 'SHUTDOWN' >/dev/null 2>&1 || true; fi
  stop_pid
}

status() {
  if running_pid >/dev/null && client -e 'SELECT 1' >/dev/null 2>&1; then say "up on 127.0.0.1:$INSIGHTS_MARIADB_PORT"; else say "down"; return 1; fi
}

mkdir -p "$dir"
"${1:?usage: mariadb.sh up|down|status}"

#!/bin/bash
# MariaDB image init hook: the application user and the CDC user, passwords from the environment (secrets).
set -euo pipefail
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'insights'@'%' IDENTIFIED BY '${INSIGHTS_APP_PASSWORD:?}';
GRANT ALL PRIVILEGES ON cinema.* TO 'insights'@'%';
CREATE USER IF NOT EXISTS 'insights_capture'@'%' IDENTIFIED BY '${INSIGHTS_CAPTURE_PASSWORD:?}';
GRANT REPLICATION SLAVE, BINLOG MONITOR, RELOAD, SELECT, SHOW DATABASES ON *.* TO 'insights_capture'@'%';
SQL

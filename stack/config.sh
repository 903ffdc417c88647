# Local stack settings. Every value can be overridden from the environment; defaults suit one developer machine.
# Sourced by stack/up, stack/down, stack/status and the part scripts.
STACK_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${INSIGHTS_STACK_DIR:=$STACK_REPO/.stack}"          # data, logs, pids and endpoint files of the running stack
: "${INSIGHTS_MARIADB_PORT:=3307}"
: "${INSIGHTS_MARIADB_SETTINGS:=}"                     # extra server settings, one name=value per line (tests: log_bin_compress=ON)
: "${INSIGHTS_KAFKA_PORT:=9092}"                       # fixed loopback port proxied to the mock cluster
: "${INSIGHTS_KAFKA_BROKERS:=1}"
: "${INSIGHTS_KAFKA_MANIFEST:=$STACK_REPO/stack/topics.json}"
: "${INSIGHTS_S3_PORT:=4569}"
: "${INSIGHTS_S3_BUCKET:=insights}"
: "${INSIGHTS_STACK_TIMEOUT:=60}"                      # seconds each part may take to become ready
export INSIGHTS_STACK_DIR INSIGHTS_MARIADB_PORT INSIGHTS_MARIADB_SETTINGS INSIGHTS_KAFKA_PORT INSIGHTS_KAFKA_BROKERS INSIGHTS_KAFKA_MANIFEST \
       INSIGHTS_S3_PORT INSIGHTS_S3_BUCKET INSIGHTS_STACK_TIMEOUT

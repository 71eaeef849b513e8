#!/usr/bin/env bash
# The pipeline demo in one command (`npm run demo`), using only the built `meterstream` CLI:
#
#   1. start the embedded stack (`meterstream up` on free ports, fresh data directory),
#   2. create the topics, start the four aggregators (one process, windows 60/600/3600/86400 s),
#      a Cassandra writer per window, the S3 sink and the Redis view,
#   3. replay electricity, water and gas for 5 gateways (the synthetic fleet, or the AMPds2 files
#      when datasets/full/ampds2 holds them) and then a few minutes days later, so that stream
#      time passes the end + grace of every window, including the 1-day ones (grace 300 s; with
#      the dataset files, which are replayed one after the other, DAYS days + 1 h),
#   4. wait until every consumer group has caught up, run the batch layer and the consistency check,
#   5. print sample aggregates from Cassandra, the data-lake listing, the Redis latest activity and
#      the consistency report; stop everything on exit or Ctrl-C.
#   ksql/queries.ksql runs on the embedded ksqlDB-compatible server from step 2 on (`meterstream ksql
#   --file`); after step 4 the demo prints a few alarms, windowed message counts per gateway and the
#   file's pull query (latest activity of the first gateway).
#
# Options: --secure runs everything on the secured stack (`meterstream up --secure`: Kafka SASL_SSL
# with ACLs, CQL logins over TLS, Basic auth, Redis ACL); each app logs in as its own role with the
# credentials `up` generated in the data directory (README "Security").
#
# Environment (all optional):
#   METERSTREAM_EXTERNAL_STACK=1   do not start the embedded stack; use the METERSTREAM_* endpoints
#                                  already in the environment (e.g. docker/: see README)
#   METERSTREAM_DEMO_DIR           where logs and the stack's data go (default: a fresh temp dir,
#                                  removed after a successful run unless METERSTREAM_DEMO_KEEP=1)
#   METERSTREAM_DEMO_PID_FILE      file receiving "<pid> <name>" of every process the demo starts
#   METERSTREAM_DEMO_DAYS          days of readings to replay (default 1)
#   METERSTREAM_DEMO_GATEWAYS      gateway range (default 0..4)
#   METERSTREAM_DEMO_INPUT         what the aggregators and the S3 sink read: metrics-clean (default;
#                                  the quality stage `meterstream quality` runs in front of them) or
#                                  metrics (the raw topic, no quality stage); also `--input <topic>`
#   METERSTREAM_DEMO_DATASETS      directory holding AMPds2 Electricity_WHE.csv, Water_WHW.csv and
#                                  NaturalGas_WHG.csv, or other files of those meters (Electricity_*.csv,
#                                  Water_*.csv, NaturalGas_*.csv) starting on the same day (default
#                                  datasets/full/ampds2; the synthetic fleet, saying why, otherwise)
set -Eeuo pipefail

INPUT="${METERSTREAM_DEMO_INPUT:-metrics-clean}"
SECURE=0
while [ $# -gt 0 ]; do
  case "$1" in
  --input) INPUT="${2:-}"; shift 2 ;;
  --input=*) INPUT="${1#--input=}"; shift ;;
  --secure) SECURE=1; shift ;;
  *) echo "demo: unknown argument $1 (usage: demo.sh [--input metrics|metrics-clean] [--secure])" >&2; exit 2 ;;
  esac
done
case "$INPUT" in
metrics | metrics-clean) ;;
*) echo "demo: --input must be metrics or metrics-clean, got '$INPUT'" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLI_MAIN="$ROOT/modules/cli/dist/main.js"
TSX="$ROOT/node_modules/.bin/tsx"
INSPECT="$ROOT/scripts/demo-inspect.ts"

EXTERNAL="${METERSTREAM_EXTERNAL_STACK:-0}"
DAYS="${METERSTREAM_DEMO_DAYS:-1}"
GATEWAYS="${METERSTREAM_DEMO_GATEWAYS:-0..4}"
DATASETS="${METERSTREAM_DEMO_DATASETS:-$ROOT/datasets/full/ampds2}"
WINDOWS=(60 600 3600 86400)
WINDOW_LIST="60,600,3600,86400"
KEEP="${METERSTREAM_DEMO_KEEP:-0}"
if [ -n "${METERSTREAM_DEMO_DIR:-}" ]; then
  DEMO_DIR="$METERSTREAM_DEMO_DIR"
  mkdir -p "$DEMO_DIR"
  OWN_DIR=0
else
  DEMO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/meterstream-demo.XXXXXX")"
  OWN_DIR=1
fi
LOGS="$DEMO_DIR/logs"
mkdir -p "$LOGS"
PID_FILE="${METERSTREAM_DEMO_PID_FILE:-$DEMO_DIR/pids}"
: >"$PID_FILE"
export METERSTREAM_LOG_LEVEL="${METERSTREAM_LOG_LEVEL:-warn}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

STARTED=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m  (+%ss)\n' "$*" "$(($(date +%s) - STARTED))"; }
fail() {
  echo "demo: $*" >&2
  exit 1
}
meterstream() { node "$CLI_MAIN" "$@"; }

# --- processes and cleanup -------------------------------------------------------------------------
# shellcheck source=lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
APP_PIDS=()

# start <name> <args...>: runs `meterstream <args>` in the background, output in logs/<name>.log
start() {
  local name="$1"
  shift
  node "$CLI_MAIN" "$@" >"$LOGS/$name.log" 2>&1 &
  APP_PIDS+=("$!")
  echo "$! $name" >>"$PID_FILE"
}

CLEANED=0
cleanup() {
  local status=$?
  [ "$CLEANED" = 1 ] && return
  CLEANED=1
  trap - EXIT INT TERM
  if [ "${#APP_PIDS[@]}" -gt 0 ]; then stop_pids 20 "${APP_PIDS[@]}"; fi
  stop_stack
  local started_count
  started_count="$(wc -l <"$PID_FILE")"
  if [ "$status" -ne 0 ]; then
    echo "demo: failed (exit $status); logs in $LOGS" >&2
    for log in "$LOGS"/*.log; do
      [ -s "$log" ] || continue
      echo "--- $(basename "$log") (last lines)" >&2
      tail -n 5 "$log" >&2
    done
  elif [ "$OWN_DIR" = 1 ] && [ "$KEEP" != 1 ]; then
    rm -rf "$DEMO_DIR"
  fi
  echo "demo: stopped everything it started ($started_count processes)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -----------------------------------------------------------------------------------------
if [ ! -f "$CLI_MAIN" ]; then
  step "building (npx tsc -b)"
  npx tsc -b
fi

# --- stack -----------------------------------------------------------------------------------------
# `up --input raw`: the demo runs the quality stage itself (below), with rules fitted to the replay.
if [ "$EXTERNAL" = 1 ]; then
  step "using the external stack from the environment"
  echo "Kafka ${METERSTREAM_KAFKA_BROKERS:-127.0.0.1:9092}, Cassandra ${METERSTREAM_CASSANDRA_CONTACT_POINTS:-127.0.0.1:9042}," \
    "S3 ${METERSTREAM_S3_ENDPOINT:-http://127.0.0.1:9000}, Redis ${METERSTREAM_REDIS_URL:-redis://127.0.0.1:6379}"
else
  if [ "$SECURE" = 1 ]; then
    step "starting the secured embedded stack (meterstream up --secure, data in $DEMO_DIR/data)"
    start_embedded_stack "$DEMO_DIR/data" --secure --input raw
  else
    step "starting the embedded stack (meterstream up, data in $DEMO_DIR/data)"
    start_embedded_stack "$DEMO_DIR/data" --input raw
  fi
  grep -q 'METERSTREAM_REDIS_URL' "$LOGS/up.out" || fail "the demo needs redis-server on the PATH (apt-get install redis-server)"
  sed -n '2,7p' "$LOGS/up.out"
fi

# --- what to replay --------------------------------------------------------------------------------
day_ms=86400000
# The files must span the replayed days plus the advance (2 × DAYS + 2 days and 10 minutes).
# The AMPds2 file of one meter in $DATASETS: the whole-house file the download names
# (Electricity_WHE.csv), else any other file of that meter (Electricity_B1E-11.csv, the samples).
dataset_file() { # <prefix> <whole-house name>
  if [ -f "$DATASETS/$2.csv" ]; then echo "$DATASETS/$2.csv"; return; fi
  local candidate
  for candidate in "$DATASETS/$1"_*.csv; do [ -f "$candidate" ] && { echo "$candidate"; return; }; done
  return 0 # none: an empty answer (set -e would end the script on a failing assignment)
}
ELECTRICITY_FILE="$(dataset_file Electricity Electricity_WHE)"
WATER_FILE="$(dataset_file Water Water_WHW)"
GAS_FILE="$(dataset_file NaturalGas NaturalGas_WHG)"
# Says why the demo falls back to the synthetic fleet when the user asked for datasets.
not_datasets() {
  if [ -n "${METERSTREAM_DEMO_DATASETS:-}" ] || [ -d "$DATASETS" ]; then
    echo "demo: $1; using the synthetic fleet" >&2
  fi
  return 1
}
# The files must span the replayed days plus the advance (2 × DAYS + 2 days and 10 minutes), and
# start on the same day: the demo replays the same days of each meter.
datasets_long_enough() {
  local file first last first_day=""
  if [ -z "$ELECTRICITY_FILE" ] || [ -z "$WATER_FILE" ] || [ -z "$GAS_FILE" ]; then
    not_datasets "$DATASETS holds no Electricity_*.csv, Water_*.csv and NaturalGas_*.csv of AMPds2 (datasets/download.sh fetches them)"
    return 1
  fi
  for file in "$ELECTRICITY_FILE" "$WATER_FILE" "$GAS_FILE"; do
    first="$(sed -n 2p "$file" | cut -d, -f1)"
    last="$(tail -n 1 "$file" | cut -d, -f1)"
    if [ $((${last%.*} - ${first%.*})) -lt $(((2 * DAYS + 2) * 86400 + 600)) ]; then
      not_datasets "$file spans less than $((2 * DAYS + 2)) days and 10 minutes"
      return 1
    fi
    if [ -z "$first_day" ]; then first_day=$((${first%.*} / 86400))
    elif [ $((${first%.*} / 86400)) -ne "$first_day" ]; then
      not_datasets "the files of $DATASETS do not start on the same day ($(basename "$ELECTRICITY_FILE"), $(basename "$WATER_FILE"), $(basename "$GAS_FILE"): the samples of ../shared/datasets are three different meters and years)"
      return 1
    fi
  done
}
if datasets_long_enough; then
  SOURCE=datasets
  first_s="$(sed -n 2p "$WATER_FILE" | cut -d, -f1)"
  FROM_MS=$((${first_s%.*} * 1000 / day_ms * day_ms))
  # The three files are replayed one after the other, and their keys share partitions: when water
  # starts, electricity has already moved stream time DAYS days on. A grace of DAYS days (+1 h)
  # keeps water and gas in time; the advance then has to pass TO + grace.
  GRACE=$((DAYS * 86400 + 3600))
  ADVANCE_DAYS=$((2 * DAYS + 2))
else
  SOURCE=synthetic
  FROM_MS="$(node -e 'process.stdout.write(String(Date.parse("2024-01-01T00:00:00Z")))')"
  # One replay holds all three meters in time order: the aggregators' default grace suffices.
  GRACE=300
  ADVANCE_DAYS=$((DAYS + 1))
fi
gw_from="${GATEWAYS%%..*}"
gw_to="${GATEWAYS##*..}"
GW_COUNT=$((gw_to - gw_from + 1))
# Replay DAYS days from FROM; the advance ADVANCE_DAYS later closes every window of [FROM, TO).
TO_MS=$((FROM_MS + (DAYS + 1) * day_ms))
iso() { node -e 'process.stdout.write(new Date(Number(process.argv[1])).toISOString().replace(".000Z", "Z"))' "$1"; }
FROM="$(iso "$FROM_MS")"
TO="$(iso "$TO_MS")"

step "creating topics"
meterstream topics create

AGG_APP=meterstream-demo-aggregator
QUALITY_APP=meterstream-demo-quality
if [ "$INPUT" = metrics-clean ]; then
  step "starting the quality stage (metrics → metrics-clean, metrics-quarantine, meter-alerts)"
  # The dataset files are replayed one after the other over shared partitions: readings up to
  # GRACE seconds behind the partition's stream time are late, not too old.
  printf 'retentionSec: %s\n' "$((GRACE > 86400 ? GRACE : 86400))" >"$DEMO_DIR/quality-rules.yaml"
  # Exactly-once, as the aggregators (its instance id kept in <data dir>/streams-quality); the S3
  # sink commits past the transaction markers of metrics-clean, so its group catches up to the end.
  METERSTREAM_DATA_DIR="$DEMO_DIR/data" start quality quality --rules "$DEMO_DIR/quality-rules.yaml" \
    --application-id "$QUALITY_APP" --commit-interval-ms 1000
  # metrics-clean is Avro (Metric with quality and estimated) in the Schema Registry, as metrics is:
  # both layers read the same clean readings (estimated ones included) with their usual readers.
  AGG_INPUT=(--source metrics-clean)
  S3_INPUT=(--topic metrics-clean)
else
  AGG_INPUT=(--source metrics)
  S3_INPUT=(--topic metrics)
fi

step "starting the speed layer (aggregators 60/600/3600/86400 s on $INPUT, Cassandra writers, Redis view) and the S3 sink"
# Exactly-once by default; the instance keeps its identity in <data dir>/streams (a restart fences
# its crashed incarnation), here inside the demo directory.
METERSTREAM_DATA_DIR="$DEMO_DIR/data" start aggregate aggregate --window 60 --window 600 --window 3600 --window 86400 \
  "${AGG_INPUT[@]}" --grace "$GRACE" --application-id "$AGG_APP" --commit-interval-ms 1000
for w in "${WINDOWS[@]}"; do start "sink-cassandra-$w" sink cassandra --window "$w"; done
start sink-s3 sink s3 "${S3_INPUT[@]}" --max-age-ms 3000
start sink-redis sink redis --windows "$WINDOW_LIST"
echo "started: $(cut -d' ' -f2 "$PID_FILE" | grep -v -e '^up$' -e redis-server | tr '\n' ' ')"

if [ "$SOURCE" = datasets ]; then
  step "replaying AMPds2 electricity, water and gas for gateways $GATEWAYS ($DAYS day(s) from $FROM)"
  replay_file() { # <file> <type> <attributes> <day-offset> <messages>
    meterstream replay --dataset "$1" --type "$2" --gateways "$GATEWAYS" --rate 0 \
      --day-offset "$4" --message-count "$5"
  }
  replay_file "$ELECTRICITY_FILE" electricity 4 0 $((DAYS * 1440 * GW_COUNT * 4))
  replay_file "$WATER_FILE" water 2 0 $((DAYS * 1440 * GW_COUNT * 2))
  replay_file "$GAS_FILE" gas 2 0 $((DAYS * 1440 * GW_COUNT * 2))
  step "advancing stream time: 10 minutes of readings $ADVANCE_DAYS days later close every window (grace $GRACE s)"
  replay_file "$ELECTRICITY_FILE" electricity 4 "$ADVANCE_DAYS" $((10 * GW_COUNT * 4))
  replay_file "$WATER_FILE" water 2 "$ADVANCE_DAYS" $((10 * GW_COUNT * 2))
  replay_file "$GAS_FILE" gas 2 "$ADVANCE_DAYS" $((10 * GW_COUNT * 2))
else
  step "replaying the synthetic fleet (electricity, water, gas) for gateways $GATEWAYS ($DAYS day(s) from $FROM)"
  # 8 readings a minute per gateway: 4 electricity, 2 water, 2 gas attributes.
  meterstream replay --synthetic --start "$FROM" --gateways "$GATEWAYS" --rate 0 \
    --message-count $((DAYS * 1440 * GW_COUNT * 8))
  step "advancing stream time: 10 minutes of readings $ADVANCE_DAYS days later close every window"
  meterstream replay --synthetic --start "$FROM" --day-offset "$ADVANCE_DAYS" --gateways "$GATEWAYS" --rate 0 \
    --message-count $((10 * GW_COUNT * 8))
fi

KSQL_URL="${METERSTREAM_KSQLDB_URL:-http://127.0.0.1:8088}"
# After the replay: CREATE STREAM metrics_raw takes its columns from the schema registered for $INPUT
# (the replay's Metric, or the quality stage's Metric with quality and estimated).
step "ksqlDB queries: ksql/queries.ksql on $KSQL_URL (filters, re-routing, alarms, latest activity)"
meterstream ksql --file "$ROOT/ksql/queries.ksql" --define "metrics_topic=$INPUT" >"$LOGS/ksql-queries.out" 2>"$LOGS/ksql-queries.log" ||
  fail "ksql/queries.ksql failed: $(tail -n 3 "$LOGS/ksql-queries.log")"
echo "$(grep -c 'created' "$LOGS/ksql-queries.out") streams and tables created; queries running:"
meterstream ksql -e 'SHOW QUERIES;' | sed -n '2,40p' | cut -c1-110

step "waiting until the aggregators, writers and sinks have caught up"
for pid in "${APP_PIDS[@]}"; do alive "$pid" || fail "a pipeline process (pid $pid) exited early; see $LOGS"; done
agg_topics="$(printf 'metrics-aggregates-%s,' "${WINDOWS[@]}")"
groups=("$AGG_APP=$INPUT" "meterstream-sink-s3=$INPUT")
[ "$INPUT" = metrics-clean ] && groups+=("$QUALITY_APP=metrics")
for w in "${WINDOWS[@]}"; do groups+=("meterstream-cassandra-writer-$w=metrics-aggregates-$w"); done
groups+=("meterstream-redis-view=metrics,${agg_topics%,}")
"$TSX" "$INSPECT" wait-idle "${groups[@]}" --timeout-ms 180000

step "ksqlDB: the first alarms (push query, LIMIT 5)"
# A push query ends at its LIMIT; 60 s bounds the wait should fewer rows exist.
ksql_query() { { timeout 60 node "$CLI_MAIN" ksql -e "SET 'auto.offset.reset' = 'earliest'; $1" || true; } | cut -c1-150; }
ksql_query "SELECT series, gateway, event_time, value, alarm FROM alarms EMIT CHANGES LIMIT 5;"

step "ksqlDB: messages per gateway in 5-minute windows (push query on the windowed table, LIMIT 5)"
ksql_query "SELECT gateway, window_start, window_end, messages FROM messages_per_gateway_5m EMIT CHANGES LIMIT 5;"

step "ksqlDB: the pull query of ksql/queries.ksql (latest activity of gateway $gw_from)"
# Pull queries read the table as processed so far: ask until two answers 2 s apart agree.
pull="SELECT * FROM latest_activity WHERE gateway = '$gw_from';"
previous=""
for _ in $(seq 1 60); do
  answer="$(meterstream ksql -e "$pull")"
  [ -n "$previous" ] && [ "$answer" = "$previous" ] && grep -q "^|$gw_from " <<<"$answer" && break
  previous="$answer"
  sleep 2
done
echo "$answer"

step "batch layer: recomputing every window of [$FROM, $TO) from the data lake"
for w in "${WINDOWS[@]}"; do
  meterstream batch --window "$w" --from "$FROM" --to "$TO" --topic "$INPUT" >"$LOGS/batch-$w.json" 2>"$LOGS/batch-$w.log" ||
    fail "batch --window $w failed: $(tail -n 3 "$LOGS/batch-$w.log")"
  written="$(grep -o '"aggregatesWritten": *[0-9]*' "$LOGS/batch-$w.json" | grep -o '[0-9]*$' || echo '?')"
  echo "window $w s: $written batch aggregates"
done

step "sample aggregates from Cassandra (real-time views): gateway $gw_from, ELECTRICITY ACTIVE_POWER"
for w in "${WINDOWS[@]}"; do
  echo "-- window $w s"
  meterstream query --gateway "$gw_from" --type ELECTRICITY --attribute ACTIVE_POWER --window "$w" \
    --from "$FROM" --to "$TO" --limit 3
done

step "aggregates in Cassandra per window and gateway (all 8 series of a gateway)"
"$TSX" "$INSPECT" counts --gateways "$GATEWAYS" --windows "$WINDOW_LIST" --from "$FROM" --to "$TO"

step "data lake listing"
"$TSX" "$INSPECT" lake --max 6 2>"$LOGS/lake.log"

step "Redis latest activity per gateway"
"$TSX" "$INSPECT" activity --gateways "$GATEWAYS"

step "consistency report: batch vs speed layer"
differences=0
for w in "${WINDOWS[@]}"; do
  if ! meterstream verify --window "$w" --from "$FROM" --to "$TO" 2>"$LOGS/verify-$w.log"; then
    differences=1
  fi
done
[ "$differences" = 0 ] || fail "the batch and speed layers differ (see the report above)"

step "demo finished in $(($(date +%s) - STARTED)) s; stopping everything"

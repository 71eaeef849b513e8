#!/usr/bin/env bash
# The original smart-meter pipeline's performance method (end-to-end latency per window),
# reproducible, with the built `meterstream` CLI only:
#
#   (a) 1-minute aggregator: publish PERF_A_MESSAGES water readings for PERF_A_GATEWAYS gateways,
#       then one row for every gateway a day later (a second publisher with --day-offset 1) so that
#       stream time passes every window's end + grace; `perf track` waits for all the aggregates.
#       One reading per series and minute, so the expected aggregates = the messages.
#   (b) 1-hour aggregator, grace 0, no advance: PERF_B_MESSAGES readings for PERF_B_GATEWAYS
#       gateways = R minutes of rows; the last reading (minute R-1) closes the hours ending at or
#       before it. With the defaults (250k, 1k gateways: 125 minutes) hours 0 and 1 close: 4k.
#   (c) Cassandra writer scaling: PERF_C_INSTANCES (default "1 2 4") writers in one group read
#       (a)'s aggregate topic into a fresh keyspace; time until the group committed everything.
#
# The readings are an AMPds2-format water file (unix_ts,counter,avg_rate,inst_rate) the script
# generates (minutely from 2024-01-01), so the counts are exact: every series has one reading a minute.
# It prints a results table; PERF_RECORD=1 (default) records the run in docs/benchmarks.md.
#
# Environment: PERF_A_GATEWAYS (10000) PERF_A_MESSAGES (100000) PERF_B_GATEWAYS (1000)
#   PERF_B_MESSAGES (250000) PERF_C_INSTANCES ("1 2 4") PERF_RECORD (1) PERF_DIR (temp dir)
#   PERF_PID_FILE PERF_TIMEOUT_MS (per tracked scenario, 600000)
#   METERSTREAM_EXTERNAL_STACK=1: use the METERSTREAM_* endpoints in the environment (docker/).
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLI_MAIN="$ROOT/modules/cli/dist/main.js"
TSX="$ROOT/node_modules/.bin/tsx"
INSPECT="$ROOT/scripts/demo-inspect.ts"

A_GATEWAYS="${PERF_A_GATEWAYS:-10000}"
A_MESSAGES="${PERF_A_MESSAGES:-100000}"
B_GATEWAYS="${PERF_B_GATEWAYS:-1000}"
B_MESSAGES="${PERF_B_MESSAGES:-250000}"
C_INSTANCES="${PERF_C_INSTANCES:-1 2 4}"
RECORD="${PERF_RECORD:-1}"
TIMEOUT_MS="${PERF_TIMEOUT_MS:-600000}"
EXTERNAL="${METERSTREAM_EXTERNAL_STACK:-0}"
if [ -n "${PERF_DIR:-}" ]; then
  WORK="$PERF_DIR"
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/meterstream-perf.XXXXXX")"
fi
LOGS="$WORK/logs"
mkdir -p "$LOGS"
PID_FILE="${PERF_PID_FILE:-$WORK/pids}"
: >"$PID_FILE"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
# The apps it launches (aggregators, writers) keep their state (streams state directories) here,
# not in the default ./data of the directory the script was started from.
export METERSTREAM_DATA_DIR="$WORK/apps"
RUN_ID="$(date +%s)"
export METERSTREAM_LOG_LEVEL="${METERSTREAM_LOG_LEVEL:-warn}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

fail() {
  echo "performance-tracking: $*" >&2
  exit 1
}
step() { printf '\n== %s\n' "$*"; }
now_ms() { node -e 'process.stdout.write(String(Date.now()))'; }
meterstream() { node "$CLI_MAIN" "$@"; }
# shellcheck source=lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"

# Every row of a scenario is one minute; rows = messages / (gateways × 2 water attributes).
rows_of() { # <messages> <gateways>
  local per_row=$(($2 * 2))
  [ $(($1 % per_row)) -eq 0 ] || fail "messages ($1) must be a multiple of gateways × 2 ($per_row)"
  echo $(($1 / per_row))
}
A_ROWS="$(rows_of "$A_MESSAGES" "$A_GATEWAYS")"
B_ROWS="$(rows_of "$B_MESSAGES" "$B_GATEWAYS")"
[ "$A_ROWS" -lt 1440 ] && [ "$B_ROWS" -lt 1440 ] || fail "a scenario must fit in one day of minutes (< 1440 rows)"

# --- processes -------------------------------------------------------------------------------------
RUNNING=()

launch() { # <name> <meterstream args...>: background, output in logs/<name>.log, pid in LAST_PID
  local name="$1"
  shift
  node "$CLI_MAIN" "$@" >"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!
  RUNNING+=("$LAST_PID")
  echo "$LAST_PID $name" >>"$PID_FILE"
}

stop_running() {
  if [ "${#RUNNING[@]}" -gt 0 ]; then stop_pids 20 "${RUNNING[@]}"; fi
  RUNNING=()
}

CLEANED=0
cleanup() {
  local status=$?
  [ "$CLEANED" = 1 ] && return
  CLEANED=1
  trap - EXIT INT TERM
  stop_running
  stop_stack
  if [ "$status" -ne 0 ]; then
    echo "performance-tracking: failed (exit $status); logs in $LOGS" >&2
    for log in "$LOGS"/*.log; do
      [ -s "$log" ] || continue
      echo "--- $(basename "$log") (last lines)" >&2
      tail -n 5 "$log" >&2
    done
  else
    # keep the results and logs; the stack's data is large and of no further use
    rm -rf "$WORK/data" "$WORK/apps"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -f "$CLI_MAIN" ] || npx tsc -b

# --- stack -----------------------------------------------------------------------------------------
if [ "$EXTERNAL" = 1 ]; then
  step "using the external stack from the environment"
else
  step "starting the embedded stack"
  start_embedded_stack "$WORK/data" --no-redis --no-ksql
fi

# --- readings --------------------------------------------------------------------------------------
WATER="$WORK/Water_perf.csv"
# One day and 10 minutes of minutely rows from 2024-01-01T00:00:00Z; the counter grows by avg_rate.
awk 'BEGIN {
  print "unix_ts,counter,avg_rate,inst_rate"
  counter = 1000
  for (i = 0; i < 1450; i++) { rate = (i % 7 == 0) ? 3 : (i % 3); counter += rate; printf "%d,%d,%d,0\n", 1704067200 + 60 * i, counter, rate }
}' >"$WATER"

replay_water() { # <topic> <gateways> <day-offset> <messages>: prints the publish time in ms
  local started
  started="$(now_ms)"
  meterstream replay --dataset "$WATER" --type water --topic "$1" --gateways "0..$(($2 - 1))" --rate 0 \
    --day-offset "$3" --message-count "$4" >>"$LOGS/replay.log" 2>&1 || fail "replay to $1 failed: $(tail -n 3 "$LOGS/replay.log")"
  echo $(($(now_ms) - started))
}

# aggregator_run <scenario> <window> <grace> <gateways> <messages> <rows> <advance messages> <expected>
aggregator_run() {
  local scenario="$1" window="$2" grace="$3" gateways="$4" messages="$5" advance="$7" expected="$8"
  local source="perf-$scenario-$RUN_ID-metrics"
  local prefix="perf-$scenario-$RUN_ID-aggregates-"
  local output="$prefix$window"
  "$TSX" "$INSPECT" create-topics "$source,$output" --partitions 4
  # The tracker starts first: "ms since consumer start" covers aggregator start-up and publishing.
  launch "perf-track-$scenario" perf track --topic "$output" --count "$expected" --from-beginning \
    --timeout-ms "$TIMEOUT_MS"
  local tracker=$LAST_PID
  # at_least_once as the original pipeline's Kafka Streams aggregators ran (the default since is exactly_once_v2,
  # whose transaction markers would also count as offsets in the topic-size column).
  launch "aggregate-$scenario" aggregate --source "$source" --window "$window" --grace "$grace" \
    --output-prefix "$prefix" --application-id "perf-$scenario-$RUN_ID" --commit-interval-ms 1000 \
    --processing-guarantee at_least_once
  local publish_ms
  publish_ms="$(replay_water "$source" "$gateways" 0 "$messages")"
  if [ "$advance" -gt 0 ]; then replay_water "$source" "$gateways" 1 "$advance" >/dev/null; fi
  wait "$tracker" || fail "perf track for ($scenario) failed: $(tail -n 3 "$LOGS/perf-track-$scenario.log")"
  local result
  result="$(grep '"msSinceConsumerStart"' "$LOGS/perf-track-$scenario.log" | tail -n 1)"
  [ -n "$result" ] || fail "perf track for ($scenario) printed no result"
  stop_running
  # After the aggregator stopped: every aggregate it will ever emit for this load is in the topic,
  # so the topic's size shows whether windows beyond the expected ones closed (or were duplicated).
  local in_topic
  in_topic="$("$TSX" "$INSPECT" topic-size "$output")"
  node -e '
    const [scenario, window, grace, gateways, messages, advance, expected, publishMs, inTopic, tracked] = process.argv.slice(1);
    const t = JSON.parse(tracked);
    process.stdout.write(JSON.stringify({ kind: "aggregator", scenario, window: +window, grace: +grace,
      gateways: +gateways, messages: +messages, advanceMessages: +advance, expected: +expected,
      received: t.messages, inTopic: +inTopic, publishMs: +publishMs, msSinceConsumerStart: t.msSinceConsumerStart,
      msSinceFirstMessage: t.msSinceFirstMessage }) + "\n");
  ' "$scenario" "$window" "$grace" "$gateways" "$messages" "$advance" "$expected" "$publish_ms" "$in_topic" "$result" >>"$RESULTS"
  echo "($scenario) $expected aggregates of $window s tracked ($in_topic in the topic): $result"
}

step "(a) 1-minute aggregator: $A_MESSAGES water messages for $A_GATEWAYS gateways ($A_ROWS minutes), then one row a day later"
# every (series, minute) is one closed window once the day-later row has passed end + 300 s
aggregator_run a 60 300 "$A_GATEWAYS" "$A_MESSAGES" "$A_ROWS" $((A_GATEWAYS * 2)) "$A_MESSAGES"

step "(b) 1-hour aggregator, grace 0: $B_MESSAGES water messages for $B_GATEWAYS gateways ($B_ROWS minutes)"
# windows [k h, (k+1) h) close when the last reading (minute B_ROWS-1) reaches their end
B_CLOSED=$((((B_ROWS - 1) * 60) / 3600))
aggregator_run b 3600 0 "$B_GATEWAYS" "$B_MESSAGES" "$B_ROWS" 0 $((B_GATEWAYS * 2 * B_CLOSED))
[ "$B_CLOSED" -gt 0 ] || echo "note: (b) spans less than an hour plus a minute; no window closes"

step "(c) Cassandra writer scaling: instances $C_INSTANCES reading $A_MESSAGES aggregates of (a)"
C_TOPIC="perf-a-$RUN_ID-aggregates-60"
for n in $C_INSTANCES; do
  group="perf-c-$RUN_ID-$n"
  keyspace="perf_c_${RUN_ID}_$n"
  started="$(now_ms)"
  for i in $(seq 1 "$n"); do
    launch "writer-$n-$i" sink cassandra --window 60 --topic "$C_TOPIC" --group "$group" \
      --cassandra-keyspace "$keyspace" --session-timeout-ms 10000
  done
  "$TSX" "$INSPECT" wait-idle "$group=$C_TOPIC" --timeout-ms "$TIMEOUT_MS" ||
    fail "the writers ($n) did not catch up: $(tail -n 3 "$LOGS/writer-$n-1.log")"
  elapsed=$(($(now_ms) - started))
  stop_running
  echo "{\"kind\":\"writer\",\"instances\":$n,\"aggregates\":$A_MESSAGES,\"ms\":$elapsed}" >>"$RESULTS"
  echo "$n writer(s): $A_MESSAGES aggregates committed in $elapsed ms"
done

report_args=("$RESULTS" --markdown "$WORK/results.md")
if [ "$RECORD" = 1 ]; then
  note="$(nproc) cores; the machine may have been shared with other work during the run."
  if [ "$EXTERNAL" != 1 ]; then
    note+=" On the embedded stack every writer talks to the one single-threaded CQL server process on the"
    note+=" same machine, which bounds what more writer instances can gain."
  fi
  report_args+=(--record --note "$note")
fi
"$TSX" bench/perf-tracking-report.ts "${report_args[@]}"
echo "results: $WORK/results.md"

# Shared by demo.sh and performance-tracking.sh (sourced, not run): process helpers and the
# embedded stack. The caller defines fail() and sets CLI_MAIN, LOGS and PID_FILE first.

alive() { kill -0 "$1" 2>/dev/null; }

# stop_pids <grace seconds> <pid...>: SIGTERM, wait up to the grace, then SIGKILL what is left.
stop_pids() {
  local grace="$1"
  shift
  local pid
  for pid in "$@"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$(($(date +%s) + grace))
  for pid in "$@"; do
    while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    if alive "$pid"; then
      echo "$(basename "$0"): pid $pid did not stop within ${grace}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

STACK_PID=""
STACK_CHILDREN=()

# start_embedded_stack <data dir> [meterstream up options...]: `meterstream up` on free ports, output
# in logs/up.out and logs/up.log; waits for its banner (90 s at most), records it and its children
# (redis-server) in PID_FILE and STACK_PID / STACK_CHILDREN, and exports the endpoints it printed.
start_embedded_stack() {
  local data_dir="$1"
  shift
  node "$CLI_MAIN" up --data-dir "$data_dir" --kafka-port 0 --schema-registry-port 0 \
    --cassandra-port 0 --s3-port 0 --redis-port 0 --ksql-port 0 "$@" >"$LOGS/up.out" 2>"$LOGS/up.log" &
  STACK_PID=$!
  echo "$STACK_PID up" >>"$PID_FILE"
  local deadline=$(($(date +%s) + 90))
  until grep -q 'Ctrl-C stops everything' "$LOGS/up.out" 2>/dev/null; do
    alive "$STACK_PID" || fail "meterstream up exited: $(tail -n 5 "$LOGS/up.log")"
    [ "$(date +%s)" -lt "$deadline" ] || fail "meterstream up did not start within 90 s"
    sleep 0.2
  done
  local child
  for child in $(pgrep -P "$STACK_PID" || true); do
    STACK_CHILDREN+=("$child")
    echo "$child $(ps -o comm= -p "$child" || echo child-of-up)" >>"$PID_FILE"
  done
  local assignment
  while read -r _ assignment; do
    export "${assignment?}"
  done < <(grep '^  export METERSTREAM_' "$LOGS/up.out")
}

# stop_stack: the stack, then its children (they stop with it unless `up` had to be killed).
stop_stack() {
  if [ -n "$STACK_PID" ]; then stop_pids 30 "$STACK_PID"; fi
  if [ "${#STACK_CHILDREN[@]}" -gt 0 ]; then stop_pids 10 "${STACK_CHILDREN[@]}"; fi
}

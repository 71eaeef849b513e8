#!/usr/bin/env bash
# Runs kafkajs's own integration specs (src/{producer,consumer,admin,cluster,broker}/**/*.spec.js)
# against one embedded broker and prints passed / failed / skipped per area, every failure
# classified (issue #26). On demand only, like ksql-qtt.sh: not part of `npm test`.
#
#   bash scripts/conformance/kafkajs.sh [--port 9092|0] [--fsync fsync|write] [--workers 2]
#        [--work-dir DIR] [--doc docs/conformance.md] PATH_TO_KAFKAJS_CHECKOUT
#
# PATH_TO_KAFKAJS_CHECKOUT is a kafkajs source tree (e.g. `git archive v2.2.4 | tar -x -C DIR`);
# kafkajs's files are never copied into this project, and the checkout itself is never changed:
#  1. the checkout is copied (without node_modules) to a scratch work dir (--work-dir, default
#     /tmp/meterstream-kafkajs-<version>); its dev dependencies are installed there with npm when
#     missing (or the checkout's node_modules is linked, when it has one) and kept between runs;
#  2. scripts/conformance/kafkajs-adjust.mjs applies our adjustments to the copy's
#     testHelpers/index.js: every plaintext broker address (the reference cluster's three brokers)
#     is the one embedded broker, and `addPartitions` goes through admin.createPartitions instead
#     of `docker exec kafka-topics`. SSL/SASL addresses stay the reference cluster's (9093/9094…):
#     nothing listens there, those specs fail and are classified `sasl-ssl` (step 13);
#  3. the broker is built (tsc -b) and started by kafkajs-broker.mjs on 127.0.0.1:PORT (default
#     9092, the suite's address; 0 = a free port) with 2 partitions per auto-created topic and
#     "localhost" advertised, as the reference cluster; its data dir is a fresh temp dir;
#  4. jest runs the specs with KAFKA_VERSION=2.4 (the reference cluster's version, which gates
#     version-dependent specs) and writes its JSON report; the broker is stopped by its pid;
#  5. kafkajs-report.mjs prints the figures per area and classifies each failure with the rules
#     of kafkajs-failure-classes.json (a failure no rule explains counts as `broker`).
# Exit status 0 when the run completed (whatever the figures), non-zero when it could not run.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$(pwd)"
PORT=9092
FSYNC=fsync
WORKERS=2
WORK_DIR=""
DOC=""
while [[ $# -gt 1 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --fsync) FSYNC="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --work-dir) WORK_DIR="$2"; shift 2 ;;
    --doc) DOC="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
CHECKOUT="$(cd "${1:?usage: $0 [options] PATH_TO_KAFKAJS_CHECKOUT}" && pwd)"
VERSION="$(node -p "require('$CHECKOUT/package.json').version")"
WORK_DIR="${WORK_DIR:-/tmp/meterstream-kafkajs-$VERSION}"
[[ "$WORK_DIR" != "$CHECKOUT" ]] || { echo "the work dir must not be the checkout" >&2; exit 2; }

# 1. scratch copy, refreshed on every run; node_modules survives between runs. The marker keeps
# the refresh (which deletes the work dir's contents) away from a directory we did not make.
MARKER="$WORK_DIR/.meterstream-kafkajs-work-dir"
if [[ -d "$WORK_DIR" && -n "$(ls -A "$WORK_DIR")" && ! -e "$MARKER" ]]; then
  echo "$WORK_DIR is not empty and was not made by this script; give another --work-dir" >&2
  exit 2
fi
mkdir -p "$WORK_DIR"
touch "$MARKER"
find "$WORK_DIR" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name "$(basename "$MARKER")" -exec rm -rf {} +
tar -C "$CHECKOUT" --exclude=./node_modules --exclude=./.git -cf - . | tar -C "$WORK_DIR" -xf -
if [[ ! -e "$WORK_DIR/node_modules/.bin/jest" ]]; then
  if [[ -e "$CHECKOUT/node_modules/.bin/jest" ]]; then
    rm -rf "$WORK_DIR/node_modules"
    ln -s "$CHECKOUT/node_modules" "$WORK_DIR/node_modules"
  else
    echo "installing kafkajs $VERSION's dev dependencies in $WORK_DIR (about 40 s)" >&2
    # --ignore-scripts: husky's git hooks are not wanted; --legacy-peer-deps: the 2019-era eslint
    # plugins' peer ranges do not resolve together, and eslint is not used here
    (cd "$WORK_DIR" && npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
      --no-package-lock >"$WORK_DIR/npm-install.log" 2>&1) ||
      { echo "npm install failed, see $WORK_DIR/npm-install.log" >&2; exit 1; }
  fi
fi

# 2. our adjustments
node scripts/conformance/kafkajs-adjust.mjs "$WORK_DIR" >&2

# 3. the broker
npx tsc -b modules/broker >&2
DATA_DIR="$(mktemp -d /tmp/meterstream-kafkajs-broker.XXXXXX)"
BROKER_LOG="$WORK_DIR/broker.log"
BROKER_PID=""
stop_broker() {
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill -TERM "$BROKER_PID"
    wait "$BROKER_PID" || echo "broker exited with status $? (see $BROKER_LOG)" >&2
  fi
  BROKER_PID=""
}
trap 'stop_broker; rm -rf "$DATA_DIR"' EXIT
node scripts/conformance/kafkajs-broker.mjs "$PORT" "$DATA_DIR" "$FSYNC" >"$BROKER_LOG" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 300); do
  grep -qs '"event":"listening"' "$BROKER_LOG" && break
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "broker did not start:" >&2; tail -20 "$BROKER_LOG" >&2; exit 1; }
  sleep 0.2
done
PORT="$(grep -o '"event":"listening","port":[0-9]*' "$BROKER_LOG" | grep -o '[0-9]*$')"
echo "broker pid $BROKER_PID listening on 127.0.0.1:$PORT (log $BROKER_LOG)" >&2

# 4. the suite; jest's exit status is 1 when a spec fails, which the report shows
RESULTS="$WORK_DIR/jest-results.json"
STARTED=$(date +%s)
(cd "$WORK_DIR" && KAFKA_VERSION=2.4 NODE_ENV=test KAFKAJS_DEBUG_PROTOCOL_BUFFERS=1 \
  KAFKAJS_CONFORMANCE_PORT="$PORT" node node_modules/.bin/jest --ci --forceExit \
  --maxWorkers="$WORKERS" --reporters=default --json --outputFile="$RESULTS" \
  'src/(producer|consumer|admin|cluster|broker)/.*\.spec\.js$' >"$WORK_DIR/jest.log" 2>&1) || true
ELAPSED=$(($(date +%s) - STARTED))
stop_broker
[[ -s "$RESULTS" ]] || { echo "jest wrote no results, see $WORK_DIR/jest.log" >&2; exit 1; }

# 5. the report
REPORT="$(KAFKAJS_VERSION="$VERSION" RUN_SECONDS="$ELAPSED" FSYNC="$FSYNC" WORKERS="$WORKERS" \
  node scripts/conformance/kafkajs-report.mjs "$RESULTS" scripts/conformance/kafkajs-failure-classes.json "$WORK_DIR")"
if [[ -n "$DOC" ]]; then
  printf '%s\n' "$REPORT" >"$DOC"
  echo "wrote $DOC" >&2
fi
printf '%s\n' "$REPORT"

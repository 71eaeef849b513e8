#!/usr/bin/env bash
# Runs ksqlDB's query-validation tests named by issue #17 on the embedded KSQL engine and writes
# docs/ksql-conformance.md (per-file figures, grouped reasons of what does not pass).
#
#   bash scripts/conformance/ksql-qtt.sh PATH_TO_QTT_DIR
#
# PATH_TO_QTT_DIR is ksqlDB's ksqldb-functional-tests/src/test/resources/query-validation-tests
# from a checkout of confluentinc/ksql (the cases are under the Confluent Community License and are
# not part of this project). Needs a build first (npm run build). KSQL_REVISION names the ksqlDB
# commit the files come from when the directory is not a git checkout. KSQL_CONFORMANCE_DOC: the
# file to write instead of docs/ksql-conformance.md (a trial run).
set -euo pipefail
cd "$(dirname "$0")/../.."
QTT_DIR="${1:?usage: $0 PATH_TO_QTT_DIR}"
DOC="${KSQL_CONFORMANCE_DOC:-docs/ksql-conformance.md}"
# A wrong path must not become a report of zero cases over the measured figures.
if [ ! -d "$QTT_DIR" ]; then
  echo "ksql-qtt.sh: $QTT_DIR is not a directory (give ksqlDB's query-validation-tests directory)" >&2
  exit 2
fi
FILES=(tumbling-windows hopping-windows session-windows window-bounds suppress filter project-filter where
  select group-by having count sum average max-group-by min-group-by latest-offset-udaf
  earliest-offset-udaf stream-table-join table-table-join joins case-expression concat cast string between
  like in null math binary-arithmetic binary-comparison comparison-expression literals identifiers
  quoted-identifiers partition-by insert-into timestamp-to-string timestampformat timestamp-extractor json
  delimited avro source-stream source-table table)
PATHS=()
for f in "${FILES[@]}"; do PATHS+=("$QTT_DIR/$f.json"); done
SUMMARY="$(mktemp)"
trap 'rm -f "$SUMMARY"' EXIT
# Exit status 1 means "something failed", which the report shows; only a missing summary is fatal.
node modules/cli/dist/main.js ksql-test --summary-file "$SUMMARY" "${PATHS[@]}" >/dev/null || true
# The REST conformance section (scripts/conformance/ksql-rest.sh) is kept as it is.
REST_SECTION="$(sed -n '/<!-- ksql-rest:begin -->/,/<!-- ksql-rest:end -->/p' docs/ksql-conformance.md)"
KSQL_REVISION="${KSQL_REVISION:-$(git -C "$QTT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
  node scripts/conformance/ksql-qtt-report.mjs "$SUMMARY" "$QTT_DIR" > "$DOC"
if [ -n "$REST_SECTION" ]; then printf '\n%s\n' "$REST_SECTION" >> "$DOC"; fi
grep -F '**total**' "$DOC"

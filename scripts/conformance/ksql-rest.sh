#!/usr/bin/env bash
# Runs ksqlDB's rest-query-validation-tests against our ksqlDB-compatible server over HTTP (a fresh
# embedded broker, Schema Registry and server per case, on 127.0.0.1 free ports) and writes the
# figures into the "REST conformance" section of docs/ksql-conformance.md.
#
#   bash scripts/conformance/ksql-rest.sh PATH_TO_REST_QTT_DIR [FILE…]
#
# PATH_TO_REST_QTT_DIR is ksqlDB's ksqldb-functional-tests/src/test/resources/rest-query-validation-tests
# from a checkout of confluentinc/ksql (the cases are under the Confluent Community License and are
# not part of this project). FILE… names files of it without .json (default: all of them). Needs a
# build first (npm run build). Takes about 2–4 s per case and registry mode; progress on stderr.
# KSQL_CONFORMANCE_DOC: the file to write instead of docs/ksql-conformance.md (a trial run).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR="${1:?usage: $0 PATH_TO_REST_QTT_DIR [FILE…]}"
shift
DOC="${KSQL_CONFORMANCE_DOC:-docs/ksql-conformance.md}"
# A wrong path must not become a report of zero cases over the measured figures.
if ! compgen -G "$DIR/*.json" >/dev/null; then
  echo "ksql-rest.sh: no .json case files in $DIR (give ksqlDB's rest-query-validation-tests directory)" >&2
  exit 2
fi
PATHS=()
if [ "$#" -gt 0 ]; then
  for f in "$@"; do PATHS+=("$DIR/$f.json"); done
else
  for f in "$DIR"/*.json; do PATHS+=("$f"); done
fi
# KSQL_REST_REGISTRIES: the registry modes to run, the first one's failures reported
# (embedded: the project's Schema Registry over HTTP; memory: an in-process one, see the runner).
SUMMARIES=()
trap 'rm -f "${SUMMARIES[@]}"' EXIT
for registry in ${KSQL_REST_REGISTRIES:-embedded}; do
  SUMMARY="$(mktemp)"
  SUMMARIES+=("$SUMMARY")
  KSQL_REST_REGISTRY="$registry" node scripts/conformance/ksql-rest-run.mjs --summary-file "$SUMMARY" "${PATHS[@]}"
done
# The report replaces its section of the document: a trial copy starts from the real one.
[ -f "$DOC" ] || cp docs/ksql-conformance.md "$DOC"
KSQL_REVISION="${KSQL_REVISION:-$(git -C "$DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)}" \
  node scripts/conformance/ksql-rest-report.mjs "$DOC" "$DIR" "${SUMMARIES[@]}"
grep -F '**total**' "$DOC" | tail -1

#!/usr/bin/env bash
# Downloads the full public datasets the replay publisher reads into datasets/full/ (git-ignored):
#   - AMPds2 water, gas and electricity meters (Harvard Dataverse, doi:10.7910/DVN/FIE0S4), CC BY 4.0
#   - UCI Individual household electric power consumption (doi:10.24432/C58K54), CC BY 4.0
# Needs curl and internet access; says so and exits 2 when it has none. The tests do not need this:
# they read the samples in ../shared/datasets.
#
#   datasets/download.sh [all|ampds2|uci] [AMPds2 file names...]
#   e.g. datasets/download.sh ampds2 Water_WHW NaturalGas_WHG Electricity_WHE
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${METERSTREAM_DATASETS_DIR:-$here/full}"
dataverse="${AMPDS2_DATAVERSE:-https://dataverse.harvard.edu}"
ampds2_doi="doi:10.7910/DVN/FIE0S4"
uci_url="${UCI_URL:-https://archive.ics.uci.edu/static/public/235/individual+household+electric+power+consumption.zip}"
what="${1:-all}"
shift || true
ampds2_files=("$@")
if [ "${#ampds2_files[@]}" -eq 0 ]; then
  ampds2_files=(Water_WHW Water_DWW Water_HTW NaturalGas_WHG NaturalGas_FRG Electricity_WHE Electricity_B1E)
fi

die() { echo "download.sh: $*" >&2; exit 2; }
command -v curl >/dev/null || die "curl is not installed; install it (apt-get install curl) and run again."

# Can we reach a host at all? A clear message beats a curl stack of retries.
reachable() {
  curl --silent --head --location --max-time 15 --output /dev/null "$1"
}

mkdir -p "$out"

download_uci() {
  local target="$out/uci/household_power_consumption.txt"
  if [ -s "$target" ]; then echo "UCI: $target already there"; return; fi
  reachable "$uci_url" || die "cannot reach $uci_url — no internet access from this machine? \
Download it elsewhere and put household_power_consumption.txt in $out/uci/."
  mkdir -p "$out/uci"
  echo "UCI: downloading $uci_url"
  curl --fail --location --retry 3 --output "$out/uci/uci.zip" "$uci_url"
  if command -v unzip >/dev/null; then
    unzip -o -q "$out/uci/uci.zip" household_power_consumption.txt -d "$out/uci"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("household_power_consumption.txt", sys.argv[2])' \
      "$out/uci/uci.zip" "$out/uci"
  fi
  rm -f "$out/uci/uci.zip"
  echo "UCI: $target ($(wc -l <"$target") lines, expected 2,075,260 with the header)"
}

download_ampds2() {
  local listing="$dataverse/api/datasets/:persistentId/versions/:latest/files?persistentId=$ampds2_doi"
  reachable "$dataverse" || die "cannot reach $dataverse — no internet access from this machine? \
Download the AMPds2 files from https://doi.org/10.7910/DVN/FIE0S4 elsewhere and put them in $out/ampds2/."
  mkdir -p "$out/ampds2"
  local files_json
  files_json="$(curl --fail --silent --location --retry 3 "$listing")" || die "cannot list the AMPds2 files at $listing"
  for name in "${ampds2_files[@]}"; do
    local target="$out/ampds2/$name.csv"
    if [ -s "$target" ]; then echo "AMPds2: $target already there"; continue; fi
    # Dataverse ingests the CSVs as .tab; ?format=original returns the file as uploaded.
    local id
    id="$(printf '%s' "$files_json" | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const name = process.argv[1];
        const file = JSON.parse(s).data.find((f) => f.label.replace(/\.(tab|csv)$/, "") === name);
        process.stdout.write(file ? String(file.dataFile.id) : "");
      });' "$name")"
    [ -n "$id" ] || die "AMPds2 has no file named $name (see $listing)"
    echo "AMPds2: downloading $name (file id $id)"
    curl --fail --location --retry 3 --output "$target.part" "$dataverse/api/access/datafile/$id?format=original"
    # The readers expect comma-separated values with the header unix_ts,...; a tab-separated copy
    # (the ingested .tab) is converted.
    if head -1 "$target.part" | grep -q $'\t'; then tr '\t' ',' <"$target.part" >"$target" && rm "$target.part"
    else mv "$target.part" "$target"; fi
    echo "AMPds2: $target ($(($(wc -l <"$target") - 1)) rows, expected 1,051,200)"
  done
}

case "$what" in
  all) download_uci; download_ampds2 ;;
  uci) download_uci ;;
  ampds2) download_ampds2 ;;
  *) die "unknown dataset '$what' (expected all, ampds2 or uci)" ;;
esac
echo "done: files in $out. Replay one with e.g.:"
echo "  meterstream replay --dataset $out/uci/household_power_consumption.txt --type electricity --gateways 0..4 --rate 1000"

#!/usr/bin/env bash
# Time mlcheck on a corpus against the JSON-parse floor (one thread parsing every notebook
# into serde_json::Value: ../shared/bench/parse-floor). Prints a Markdown table of medians
# and ratios to the floor. Speed is measured here, never asserted in tests.
#
# usage: bench/run.sh [CORPUS_DIR]          (default ../shared/corpus)
# env:   RUNS (default 7)   MLCHECK (default: target/release/mlcheck, built if missing)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(cd "${1:-$here/../shared/corpus}" && pwd)"
runs="${RUNS:-7}"
floor_dir="$here/../shared/bench/parse-floor"
floor_target="${TMPDIR:-/tmp}/mlcheck-parse-floor"
cargo build -q --release --manifest-path "$here/Cargo.toml"
mlcheck="${MLCHECK:-$here/target/release/mlcheck}"
cargo build -q --release --manifest-path "$floor_dir/Cargo.toml" --target-dir "$floor_target"
floor="$floor_target/release/parse-floor"
work="${TMPDIR:-/tmp}/mlcheck-bench-run"
rm -rf "$work"; mkdir -p "$work"; cp -r "$corpus" "$work/ro"

# The notebook-hygiene rules selected by default (NB006 and NB009 are opt-in).
nb_default="NB000,NB001,NB002,NB003,NB004,NB005,NB007,NB008"
# name|command (run in $work/ro, output discarded)
rows=(
  "parse floor (serde_json, 1 thread)|$floor ."
  "mlcheck check, default notebook rules (NB000-NB005, NB007, NB008), json|$mlcheck check --select $nb_default --output-format json --exit-zero ."
  "mlcheck check, default notebook rules (NB000-NB005, NB007, NB008), human|$mlcheck check --select $nb_default --exit-zero ."
  "mlcheck check --select NB00 (also NB006, NB009: not default), human|$mlcheck check --select NB00 --exit-zero ."
  "mlcheck check --select NB (incl. NB010/NB011), human|$mlcheck check --select NB --exit-zero ."
  "mlcheck check (default rules), json|$mlcheck check --output-format json --exit-zero ."
  "mlcheck check (default rules), human|$mlcheck check --exit-zero ."
  "mlcheck check --select SEC|$mlcheck check --select SEC --exit-zero ."
  "mlcheck check --select NB010,NB011,PY,PTH|$mlcheck check --select NB010,NB011,PY,PTH --exit-zero ."
  "mlcheck check --select ALL|$mlcheck check --select ALL --exit-zero ."
)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd() { # seconds for one run
  local s e; s=$(date +%s.%N); (cd "$work/ro" && eval "$1" >/dev/null 2>&1) || true; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
peak_kb() { (cd "$work/ro" && /usr/bin/time -f %M bash -c "$1 >/dev/null 2>&1" 2>&1 >/dev/null | tail -1) || echo "?"; }

echo "corpus: $corpus ($(find "$corpus" -name '*.ipynb' | wc -l) notebooks, $(du -sh "$corpus" | cut -f1)), $runs runs, $(nproc) cores"
echo
echo "| row | median s | × floor | peak MiB |"
echo "|---|---|---|---|"
floor_s=""
for row in "${rows[@]}"; do
  name="${row%%|*}"; cmd="${row#*|}"
  # Skip rows whose rules do not exist (yet) in this build.
  if ! (cd "$work/ro" && eval "$cmd" >/dev/null 2>&1; [ $? -ne 2 ]); then continue; fi
  time_cmd "$cmd" >/dev/null  # warm-up
  s=$(for _ in $(seq "$runs"); do time_cmd "$cmd"; done | median)
  [ -n "$floor_s" ] || floor_s="$s"
  kb=$(peak_kb "$cmd")
  mib=$( [ "$kb" = "?" ] && echo "?" || echo "scale=1; $kb/1024" | bc -l)
  printf '| %s | %.3f | %.2f | %s |\n' "$name" "$s" "$(echo "$s / $floor_s" | bc -l)" "$mib"
done

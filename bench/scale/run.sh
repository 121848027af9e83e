#!/usr/bin/env bash
# Scale benchmark (issue 16, item 6): time `mlcheck check` (default rules, JSON output) on synthetic
# monorepos of growing size, beside the JSON-parse floor (one thread parsing every notebook into
# serde_json::Value: ../shared/bench/parse-floor) in the same run, and print a Markdown table.
# Floor and mlcheck runs alternate, so load from other processes hits both alike: quote the ratios.
#
# usage: bench/scale/run.sh [SIZE...]     (default: 1000 10000 30000, and 100000 when 4 GB are free)
# env:   RUNS (default 3: median of RUNS alternating pairs after one warm-up pair)
#        MLCHECK (default target/release/mlcheck, built if missing)
#        SCALE_DIR (default ${TMPDIR:-/tmp}/mlcheck-scale: the trees are kept there and reused)
#        ARGS (default "check --output-format json --exit-zero .": what mlcheck runs)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${RUNS:-3}"
args="${ARGS:-check --output-format json --exit-zero .}"
scale_dir="${SCALE_DIR:-${TMPDIR:-/tmp}/mlcheck-scale}"
mkdir -p "$scale_dir"
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(1000 10000 30000)
  # 100k notebooks: about 2.3 GB of small-file blocks; only with 4 GB free (or already built).
  avail_kb=$(df -Pk "$scale_dir" | awk 'NR == 2 {print $4}')
  if [ -f "$scale_dir/mono100000/.generated" ] || [ "${avail_kb:-0}" -gt 4194304 ]; then
    sizes+=(100000)
  else
    echo "skipping 100000: less than 4 GB free under $scale_dir" >&2
  fi
fi
floor_dir="$here/../shared/bench/parse-floor"
floor_target="${TMPDIR:-/tmp}/mlcheck-parse-floor"
if [ -z "${MLCHECK:-}" ]; then
  cargo build -q --release --manifest-path "$here/Cargo.toml"
  mlcheck="$here/target/release/mlcheck"
else
  mlcheck="$(cd "$(dirname "$MLCHECK")" && pwd)/$(basename "$MLCHECK")"
fi
floor="$floor_target/release/parse-floor"
[ -x "$floor" ] || cargo build -q --release --manifest-path "$floor_dir/Cargo.toml" --target-dir "$floor_target"
mkdir -p "$scale_dir"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# One timed run in $1 (a tree) of the command $2..: prints "seconds peak_kib" (GNU time).
timed() {
  local dir="$1"; shift
  (cd "$dir" && /usr/bin/time -f '%e %M' "$@" >/dev/null 2>"$scale_dir/.err") || true
  tail -1 "$scale_dir/.err"
}

echo "mlcheck: $mlcheck ($($mlcheck --version 2>/dev/null || echo '?'))"
echo "args: mlcheck $args; $runs alternating runs per size after a warm-up; $(nproc) cores"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo
echo "| notebooks / .py / env files | floor s | mlcheck s | × floor | ms per notebook | peak MiB | floor peak MiB |"
echo "|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  tree="$scale_dir/mono$n"
  if [ ! -f "$tree/.generated" ]; then
    summary=$(python3 "$here/bench/scale/generate.py" "$n" "$tree")
    echo "$summary" > "$tree/.generated"
  fi
  counts=$(sed -E 's/.*: ([0-9]+) notebooks \/ ([0-9]+) .py \/ ([0-9]+) env.*/\1 \/ \2 \/ \3/' "$tree/.generated")
  # shellcheck disable=SC2086
  { timed "$tree" "$floor" . >/dev/null; timed "$tree" "$mlcheck" $args >/dev/null; }  # warm-up
  fs=(); ms=(); fk=(); mk=()
  for _ in $(seq "$runs"); do
    read -r s k < <(timed "$tree" "$floor" .); fs+=("$s"); fk+=("$k")
    # shellcheck disable=SC2086
    read -r s k < <(timed "$tree" "$mlcheck" $args); ms+=("$s"); mk+=("$k")
  done
  f=$(printf '%s\n' "${fs[@]}" | median); m=$(printf '%s\n' "${ms[@]}" | median)
  mpk=$(printf '%s\n' "${mk[@]}" | sort -n | tail -1); fpk=$(printf '%s\n' "${fk[@]}" | sort -n | tail -1)
  printf '| %s | %.2f | %.2f | %.2f | %.3f | %.0f | %.0f |\n' "$counts" "$f" "$m" \
    "$(echo "$m / $f" | bc -l)" "$(echo "$m * 1000 / $n" | bc -l)" \
    "$(echo "$mpk / 1024" | bc -l)" "$(echo "$fpk / 1024" | bc -l)"
done
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"

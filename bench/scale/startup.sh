#!/usr/bin/env bash
# Start-up cost as a git filter (issue 16, item 3): one process per notebook, like git's
# `clean` filter. Times N sequential calls of each row on one small notebook, alternating the
# rows round by round so load from other processes hits them alike, and prints per-call
# milliseconds (median of ROUNDS) and, with perf, page faults and CPU per call.
#
# usage: bench/scale/startup.sh [NOTEBOOK]
# env:   N (calls per round, default 200)  ROUNDS (default 5)
#        MLCHECK (default target/release/mlcheck; several paths separated by spaces compare
#        builds side by side, e.g. the binary and an `objcopy --strip-debug` copy)
#        NBSTRIPOUT_FAST (path to nbstripout-fast; default: on PATH, else the row is skipped;
#        `python3 -m venv V && V/bin/pip install nbstripout-fast==1.1.2` installs it)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
first=("$here"/../shared/corpus/*/*.ipynb)
nb="${1:-${first[0]}}"
n="${N:-200}"; rounds="${ROUNDS:-5}"
nbf="${NBSTRIPOUT_FAST:-$(command -v nbstripout-fast || true)}"
rows=("cat|cat")
for mlcheck in ${MLCHECK:-$here/target/release/mlcheck}; do
  tag=""; [ -z "${MLCHECK:-}" ] || [ "$(echo $MLCHECK | wc -w)" -eq 1 ] || tag=" ($(basename "$mlcheck"))"
  rows+=("mlcheck --version$tag|$mlcheck --version" "mlcheck fix --strip-outputs -$tag|$mlcheck fix --strip-outputs -")
done
[ -n "$nbf" ] && rows+=("nbstripout-fast|$nbf")

per_call_ms() { # $1 = command; prints ms per call over $n calls
  local s e; s=$(date +%s%N)
  for _ in $(seq "$n"); do eval "$1" < "$nb" > /dev/null; done
  e=$(date +%s%N); echo "($e - $s) / 1000000 / $n" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "notebook: $nb ($(stat -c %s "$nb") bytes); $n calls × $rounds rounds; load: $(uptime | sed 's/.*load average: //')"
declare -A times
for _ in $(seq "$rounds"); do
  for row in "${rows[@]}"; do times["${row%%|*}"]+="$(per_call_ms "${row#*|}") "; done
done
echo
echo "| row | ms per call | − cat | page faults | CPU ms (task-clock) |"
echo "|---|---|---|---|---|"
cat_ms=$(printf '%s\n' ${times[cat]} | median)
for row in "${rows[@]}"; do
  name="${row%%|*}"; cmd="${row#*|}"
  ms=$(printf '%s\n' ${times[$name]} | median)
  faults="?"; cpu="?"
  if command -v perf >/dev/null; then
    out=$(perf stat -x, -r 50 -e page-faults,task-clock bash -c "$cmd < '$nb' > /dev/null" 2>&1 >/dev/null || true)
    # bash -c adds one bash start-up to every row alike (the cat row shows it).
    faults=$(echo "$out" | awk -F, '/page-faults/ {printf "%.0f", $1}')
    cpu=$(echo "$out" | awk -F, '/task-clock/ {printf "%.2f", $1}')
  fi
  printf '| %s | %.2f | %+.2f | %s | %s |\n' "$name" "$ms" "$(echo "$ms - $cat_ms" | bc -l)" "$faults" "$cpu"
done

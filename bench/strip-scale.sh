#!/usr/bin/env bash
# Stripping at scale (issue 16, item 4): in-place `mlcheck fix --strip-outputs .` over a tree
# where most notebooks have outputs, against the JSON-parse floor (one thread reading every
# notebook into serde_json::Value: ../shared/bench/parse-floor) and nbstripout-fast.
#
# The tree is COPIES plain copies of the ../shared/corpus notebooks that stripping changes
# (copies, not hard links: `fix` refuses hard-linked notebooks), built once under $STRIP_DIR
# (default $TMPDIR/mlcheck-strip-scale-COPIES); every timed run of a stripper gets a
# fresh copy of it (the copy is not timed), so each run strips the same notebooks. Rows
# alternate run by run so load from other processes hits them alike. Prints wall and CPU
# (user + system) medians, both as × the floor, and the peak resident memory.
#
# usage: bench/strip-scale.sh    env: COPIES (default 4), RUNS (default 5), MLCHECK (a binary,
#        or several separated by spaces to compare builds; default: build
#        target/release/mlcheck), NBSTRIPOUT_FAST (default: on PATH, else the
#        row is skipped; `python3 -m venv V && V/bin/pip install nbstripout-fast==1.1.2`)
#
# Figures (2 cores shared with four other builders: wall times are mostly waiting for a core,
# so compare CPU, user + system; RUNS=5, load 5.7-8.0, 448 notebooks, 123 MB, all changed):
#
# | row | wall s | CPU s | × floor | user s | × floor | system s | peak MiB |
# |---|---|---|---|---|---|---|---|
# | JSON-parse floor | 0.55 | 0.15 | 1.00 | 0.10 | 1.00 | 0.05 | 14 |
# | mlcheck before (main 01a3058) | 0.76 | 0.30 | 2.00 | 0.18 | 1.80 | 0.12 | 25 |
# | mlcheck after (branch speed) | 0.94 | 0.22 | 1.47 | 0.13 | 1.30 | 0.09 | 22 |
# | nbstripout-fast 1.1.2 | 1.75 | 0.25 | 1.67 | 0.18 | 1.80 | 0.07 | 13 |
#
# The same on a quiet machine (load 1.9 from idle kernel threads, RUNS=5, main after the
# merge): floor 0.12 s wall / 0.12 s CPU; mlcheck 0.17 s (1.42x) / 0.19 s (1.58x), user 1.22x,
# system 0.08 s against 0.03; nbstripout-fast 0.27 s (2.25x) / 0.21 s (1.75x). Ten-millisecond
# resolution (GNU time): quote these loosely.
#
# What changed: the written notebook is checked with a validate-only pass of the same parser
# (no second tree), buffers are reused per thread, the temporary file is read back through
# its own handle, strings are scanned once for `"`, `\` and control characters (SSE2), escaped
# strings already in json.dumps's form are copied, and source lists that nbformat's
# join-then-split would give back are kept as they are. What remains above the floor is
# mostly system time: a temporary file per notebook (a new inode, then a rename) where the
# floor only reads; on this machine's journal-less ext4 each new inode is searched for past
# the recently deleted ones (`recently_deleted` in perf), so runs that follow deletions pay more.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
copies="${COPIES:-4}"; runs="${RUNS:-5}"
dir="${STRIP_DIR:-${TMPDIR:-/tmp}/mlcheck-strip-scale-$copies}"
if [ -z "${MLCHECK:-}" ]; then cargo build -q --release --manifest-path "$here/Cargo.toml"; fi
mlcheck="${MLCHECK:-$here/target/release/mlcheck}"
nbf="${NBSTRIPOUT_FAST:-$(command -v nbstripout-fast || true)}"
floor_dir="$here/../shared/bench/parse-floor"
floor_target="${TMPDIR:-/tmp}/mlcheck-parse-floor"
floor="$floor_target/release/parse-floor"
[ -x "$floor" ] || cargo build -q --release --manifest-path "$floor_dir/Cargo.toml" --target-dir "$floor_target"

if [ ! -d "$dir/pristine" ]; then
  rm -rf "$dir"; mkdir -p "$dir/pristine"
  # The corpus notebooks that stripping changes (112 of 330, 31 MB: outputs, counts, ids).
  (cd "$here/../shared/corpus" && { "${mlcheck%% *}" fix --strip-outputs --check . 2>/dev/null || true; } \
    | sed -n 's/^Would strip //p') > "$dir/changed.txt"
  for i in $(seq "$copies"); do
    mkdir "$dir/pristine/copy$i"
    (cd "$here/../shared/corpus" && xargs -d '\n' -a "$dir/changed.txt" cp --parents -t "$dir/pristine/copy$i")
  done
  chmod -R u+w "$dir/pristine"  # the corpus is read-only, and `fix` leaves read-only files alone
fi
nbs=$(find "$dir/pristine" -name '*.ipynb' | wc -l)
bytes=$(du -sb "$dir/pristine" | cut -f1)

fresh() { rm -rf "$dir/work"; cp -r "$dir/pristine" "$dir/work"; sync -f "$dir/work" 2>/dev/null || true; }
# One timed run: prints "wall cpu peak_kib user sys".
timed() {
  /usr/bin/time -o "$dir/time" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
  awk '{printf "%s %.3f %s %s %s\n", $1, $2 + $3, $4, $2, $3}' "$dir/time"
}
run_row() {
  case "$1" in
    floor) timed "$floor" "$dir/pristine" ;;
    mlcheck*) fresh; (cd "$dir/work" && timed "${bins[$1]}" fix --strip-outputs .) ;;
    nbstripout-fast) fresh; (cd "$dir/work" && find . -name '*.ipynb' -print0 | sort -z > "$dir/list" \
      && timed xargs -0 -a "$dir/list" "$nbf") ;;
  esac
}
rows=(floor); declare -A bins
for b in $mlcheck; do
  name="mlcheck"; [ "$(echo $mlcheck | wc -w)" -eq 1 ] || name="mlcheck ($(basename "$b"))"
  rows+=("$name"); bins[$name]="$b"
done
[ -n "$nbf" ] && rows+=(nbstripout-fast)

fresh
changed=$(cd "$dir/work" && { "${mlcheck%% *}" fix --strip-outputs . 2>&1 >/dev/null || true; } | tail -1)
echo "tree: $dir/pristine ($nbs notebooks, $((bytes / 1000000)) MB); mlcheck: $changed"
echo "$runs runs, $(nproc) cores, load $(uptime | sed 's/.*load average: //')"
declare -A wall cpu peak user sys
for row in "${rows[@]}"; do run_row "$row" >/dev/null; done  # warm-up
for _ in $(seq "$runs"); do
  for row in "${rows[@]}"; do
    read -r w c k u y < <(run_row "$row")
    wall[$row]+="$w "; cpu[$row]+="$c "; peak[$row]="$k"; user[$row]+="$u "; sys[$row]+="$y "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fw=$(echo "${wall[floor]}" | median); fc=$(echo "${cpu[floor]}" | median); fu=$(echo "${user[floor]}" | median)
echo
echo "| row | wall s | × floor | CPU s | × floor | user s | × floor | system s | peak MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
  w=$(echo "${wall[$row]}" | median); c=$(echo "${cpu[$row]}" | median)
  u=$(echo "${user[$row]}" | median); y=$(echo "${sys[$row]}" | median)
  printf '| %s | %.3f | %.2f | %.3f | %.2f | %.3f | %.2f | %.3f | %.0f |\n' "$row" "$w" \
    "$(echo "$w / $fw" | bc -l)" "$c" "$(echo "$c / $fc" | bc -l)" "$u" "$(echo "$u / $fu" | bc -l)" \
    "$y" "$(echo "${peak[$row]} / 1024" | bc -l)"
done
echo "load after: $(uptime | sed 's/.*load average: //')"

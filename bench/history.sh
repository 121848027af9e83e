#!/usr/bin/env bash
# Time `mlcheck check --history` on a generated repository with many commits.
#
# The repository (built once with `git fast-import`, in $TMPDIR) has COMMITS commits on
# `main` plus a side branch; each commit changes a Python file, a notebook and a YAML file
# (so about 3 × COMMITS distinct blobs), and one early commit adds a key that a later one
# deletes. mlcheck must find that key and nothing else.
#
# It also times the object-read floor (`git rev-list --objects --all | git cat-file --batch`:
# every reachable object read once) alternately with mlcheck, and prints the ratio and both
# peaks (/usr/bin/time).
#
# usage: bench/history.sh    env: COMMITS (default 3000), RUNS (default 5), MLCHECK (a binary;
#        default: build target/release/mlcheck), REPO (time an existing repository instead)
#
# CPU (perf stat -r 15; wall times on this shared 2-core machine are mostly waiting for a core),
# 3,001 commits / 9,002 blobs, 2026-12-03: object-read floor 79 ms; main (01a3058) 144 ms
# (1.82x); branch speed 141 ms (1.79x). Where the rest goes (perf): the notebook parse before
# the secret scan (source/json.rs, about a quarter), zlib (a sixth), the serial tree walk
# before the parallel scan (a quarter of the wall time on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
commits="${COMMITS:-3000}"
runs="${RUNS:-5}"
repo="${REPO:-${TMPDIR:-/tmp}/mlcheck-bench-history-$commits}"
if [ -z "${MLCHECK:-}" ]; then cargo build -q --release --manifest-path "$here/Cargo.toml"; fi
mlcheck="${MLCHECK:-$here/target/release/mlcheck}"

if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"; mkdir -p "$repo"
  git -C "$repo" init -q -b main
  python3 - "$commits" <<'PY' | git -C "$repo" fast-import --quiet
import json, sys
n = int(sys.argv[1])
out = sys.stdout.buffer
def blob(data):
    data = data.encode()
    out.write(b"data %d\n" % len(data) + data + b"\n")
def commit(ref, i, files, parent=None):
    out.write(f"commit {ref}\nmark :{i}\n".encode())
    out.write(f"author Dev <dev@example.com> {1_600_000_000 + i * 60} +0000\n".encode())
    out.write(f"committer Dev <dev@example.com> {1_600_000_000 + i * 60} +0000\n".encode())
    blob(f"commit {i}")
    if parent:
        out.write(f"from :{parent}\n".encode())
    for path, content in files:
        if content is None:
            out.write(f"D {path}\n".encode())
        else:
            out.write(f"M 100644 inline {path}\n".encode())
            blob(content)
def notebook(i):
    cells = [{"cell_type": "code", "execution_count": k + 1, "id": f"c{k}", "metadata": {},
              "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"loss {i}.{k}\n"]}],
              "source": [f"x{k} = {i} * {k}\n", "print(x)\n"]} for k in range(20)]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
for i in range(1, n + 1):
    files = [("train.py", f"import os\nLR = {i / 1000}\nEPOCHS = {i}\n" + "x = 1\n" * 50),
             ("notebooks/explore.ipynb", notebook(i)),
             ("config.yaml", f"lr: {i / 1000}\nepochs: {i}\n")]
    if i == 10:
        files.append(("secrets.py", 'HF_TOKEN = "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"\n'))
    if i == 20:
        files.append(("secrets.py", None))
    commit("refs/heads/main", i, files, parent=i - 1 if i > 1 else None)
commit("refs/heads/experiment", n + 1, [("exp.py", "print('side branch')\n")], parent=n // 2)
PY
  git -C "$repo" checkout -q main
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
blobs=$(git -C "$repo" rev-list --all --objects | cut -d' ' -f1 | git -C "$repo" cat-file --batch-check='%(objecttype)' | grep -c blob)
echo "repository: $repo ($(git -C "$repo" rev-list --all --count) commits, $blobs blobs), $runs runs, $(nproc) cores, load $(uptime | sed 's/.*load average: //')"
if [ -z "${REPO:-}" ]; then
  found=$("$mlcheck" check --history --select SEC --output-format json "$repo" | grep -c '"code": "SEC001"' || true)
  echo "findings: $found (expected 1: the deleted key)"
fi
# The floor: read every reachable object once (commits, trees, blobs), like `git cat-file`.
floor_cmd="git -C '$repo' rev-list --objects --all | cut -d' ' -f1 | git -C '$repo' cat-file --batch >/dev/null"
mlcheck_cmd="'$mlcheck' check --history --select SEC --exit-zero '$repo' >/dev/null 2>&1"
secs() { local s e; s=$(date +%s.%N); eval "$1" || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
eval "$floor_cmd"; eval "$mlcheck_cmd"  # warm-up
fs=(); ms=()
for _ in $(seq "$runs"); do fs+=("$(secs "$floor_cmd")"); ms+=("$(secs "$mlcheck_cmd")"); done
f=$(printf '%s\n' "${fs[@]}" | median); m=$(printf '%s\n' "${ms[@]}" | median)
fpeak=$(/usr/bin/time -f %M bash -c "$floor_cmd" 2>&1 >/dev/null | tail -1)
mpeak=$(/usr/bin/time -f %M "$mlcheck" check --history --select SEC --exit-zero "$repo" 2>&1 >/dev/null | tail -1)
printf 'object-read floor: median %.2f s, peak %.1f MiB\n' "$f" "$(echo "$fpeak / 1024" | bc -l)"
printf 'mlcheck check --history --select SEC: median %.2f s (%.2f × floor), peak %.1f MiB\n' \
  "$m" "$(echo "$m / $f" | bc -l)" "$(echo "$mpeak / 1024" | bc -l)"

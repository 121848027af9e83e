#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real `pre-commit` from PyPI.
#
# Creates a virtualenv in a temporary folder, installs pre-commit into it, snapshots this
# checkout (tracked and untracked-but-not-ignored files, so uncommitted work is tested) into a
# one-commit repository, and in a fresh project repository holding a notebook with outputs
# shows, through `pre-commit try-repo`:
#   1. the `mlcheck` hook failing on the notebook, and the `mlcheck-strip` hook (run after it)
#      stripping it (pre-commit fails a hook that modified files),
#   2. on a second run, the `mlcheck` hook passing and `mlcheck-strip` having nothing to do.
#
# pre-commit builds the hooks with `cargo install` (language: rust). `try-repo` uses a fresh
# store on each call, so there is one build per call: two in all, both hooks sharing each. CARGO_TARGET_DIR is this checkout's target/,
# so the dependencies compiled by `cargo build --release` are reused. Every network or build step has a
# timeout, so the script fails instead of hanging.
#
# Usage: tests/e2e/pre-commit.sh            (from anywhere; exit 0 = pass)
# Env:   E2E_KEEP=1 keeps the temporary folder; E2E_BUILD_TIMEOUT (seconds, default 2400).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlcheck-e2e-pre-commit.XXXXXX")"
cleanup() {
    if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

# Keep the user's git config and pre-commit cache out of it (HOME stays: cargo and rustup
# live there).
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$WORK/gitconfig"
export PRE_COMMIT_HOME="$WORK/pre-commit-cache"
export GIT_AUTHOR_NAME="mlcheck e2e" GIT_COMMITTER_NAME="mlcheck e2e"
export GIT_AUTHOR_EMAIL="e2e@example.com" GIT_COMMITTER_EMAIL="e2e@example.com"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
git config --global init.defaultBranch main
git config --global core.autocrlf false

# Build into this checkout's target/ (E2E_CARGO_TARGET_DIR overrides): the release build of
# the dependencies is shared with `cargo build --release`, so only mlcheck itself compiles.
export CARGO_TARGET_DIR="${E2E_CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR=never
BUILD_TIMEOUT="${E2E_BUILD_TIMEOUT:-2400}"

step "virtualenv + pip install pre-commit"
python3 -m venv "$WORK/venv"
timeout 600 "$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit \
    || fail "pip install pre-commit (PyPI unreachable?)"
PRE_COMMIT="$WORK/venv/bin/pre-commit"
"$PRE_COMMIT" --version

step "snapshot of $ROOT"
SRC="$WORK/mlcheck-src"
mkdir -p "$SRC"
(
    cd "$ROOT"
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            if [ -f "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done |
        xargs -0 cp --parents -P -t "$SRC"
)
git -C "$SRC" init -q
git -C "$SRC" add -A
git -C "$SRC" commit -q -m snapshot
REV="$(git -C "$SRC" rev-parse HEAD)"
[ -f "$SRC/.pre-commit-hooks.yaml" ] || fail ".pre-commit-hooks.yaml missing at the project root"
echo "revision $REV"

step "project with a notebook that has outputs"
PROJ="$WORK/project"
mkdir -p "$PROJ"
cd "$PROJ"
git init -q
cat > nb.ipynb <<'JSON'
{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "5f1c2a9e",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "E2E-OUTPUT-MARKER 2\n"
     ]
    }
   ],
   "source": [
    "print(1 + 1)"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
JSON
# Only the notebook rules: this tests the hooks, not the project-level rules.
printf 'select = ["NB"]\n' > mlcheck.toml
git add nb.ipynb mlcheck.toml
git commit -q -m "notebook with outputs"

try_repo() { # [hook-id] → sets RC and OUT
    set +e
    OUT="$(timeout "$BUILD_TIMEOUT" "$PRE_COMMIT" try-repo "$SRC" "$@" --ref "$REV" \
        --files nb.ipynb --color never 2>&1)"
    RC=$?
    set -e
    printf '%s\n' "$OUT"
    echo "(exit $RC)"
    [ "$RC" -ne 124 ] || fail "pre-commit try-repo $* timed out after ${BUILD_TIMEOUT}s"
}
# `try-repo` builds the hooks in a fresh store on every call (a few minutes each), so both
# hooks run together: `mlcheck` first, then `mlcheck-strip` (their order in the hooks file).
hook_line() { grep -E "^$1\.{3,}" <<<"$OUT" || true; }

step "1. both hooks on the notebook with outputs"
try_repo
[ "$RC" -eq 1 ] || fail "expected exit 1 from the first run, got $RC"
grep -q "not implemented" <<<"$OUT" && fail "this build lacks \`mlcheck check\` or \`fix --strip-outputs\`"
# 1a. the check hook fails and names the finding (it ran before the strip hook).
hook_line "mlcheck" | grep -q "Failed" || fail "the mlcheck hook did not fail on outputs"
grep -q "NB002" <<<"$OUT" || fail "the mlcheck hook did not report NB002 (committed outputs)"
grep -q "nb.ipynb" <<<"$OUT" || fail "the mlcheck hook did not name nb.ipynb"
# 1b. the strip hook cleaned the file (pre-commit fails a hook that modifies files).
hook_line "mlcheck strip notebook outputs" | grep -q "Failed" \
    || fail "the mlcheck-strip hook did not report a change"
grep -q "files were modified by this hook" <<<"$OUT" || fail "mlcheck-strip did not modify nb.ipynb"
grep -q "E2E-OUTPUT-MARKER" nb.ipynb && fail "nb.ipynb still has its output"
grep -q '"outputs": \[\]' nb.ipynb || fail "nb.ipynb has no empty outputs list"
grep -q '"execution_count": null' nb.ipynb || fail "nb.ipynb kept its execution count"
grep -q 'print(1 + 1)' nb.ipynb || fail "nb.ipynb lost its source"

step "2. both hooks again on the stripped notebook: the check passes, nothing to strip"
try_repo
[ "$RC" -eq 0 ] || fail "expected exit 0 after stripping, got $RC"
hook_line "mlcheck" | grep -q "Passed" || fail "the mlcheck hook did not pass"
hook_line "mlcheck strip notebook outputs" | grep -q "Passed" || fail "mlcheck-strip did not pass"

printf '\nPASS: pre-commit hooks mlcheck and mlcheck-strip\n'

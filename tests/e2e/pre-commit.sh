#!/usr/bin/env bash
# End-to-end test of the Python package and the pre-commit hooks, as a user without Rust sees them.
#
# 1. Builds the wheel ONCE with maturin from PyPI (pinned), in a temporary virtualenv: the only
#    Rust build of this test (`--release`, the same optimized build as `cargo build --release`).
# 2. Hides cargo and rustc (a PATH without them, empty CARGO_HOME/RUSTUP_HOME) for the rest.
# 3. Installs the wheel into a fresh virtualenv from a local folder (no index): `mlcheck
#    --version`, `python -m mlcheck --version`, `mlcheck check fixtures/demo` (exit 1, findings).
# 4. Snapshots this checkout (tracked and untracked-but-not-ignored files, so uncommitted work is
#    tested) into a one-commit repository tagged `v<version>`, and in a fresh project holding a
#    notebook with outputs uses the README's `.pre-commit-config.yaml` snippet as written (only
#    the repository URL replaced by the snapshot) with the real `pre-commit` from PyPI:
#    the `language: python` hooks install from the local wheel (`PIP_FIND_LINKS`, `PIP_NO_INDEX`)
#    without compiling; `mlcheck` fails on the outputs (NB002) and names the strip hook;
#    `mlcheck-strip` cleans the notebook; then every hook passes.
# 5. The `language: system` hooks with the wheel's mlcheck on PATH.
#    `E2E_RUST=1` also runs the `language: rust` hooks (a second release build: off by default).
#
# Usage: tests/e2e/pre-commit.sh            (from anywhere; exit 0 = pass)
# Env:   E2E_KEEP=1 keeps the temporary folder; E2E_WHEEL_DIR=DIR uses the wheel already in DIR
#        instead of building one; E2E_CARGO_TARGET_DIR (default: target/e2e of this checkout);
#        E2E_BUILD_TIMEOUT (seconds, default 2400).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlcheck-e2e.XXXXXX")"
cleanup() {
    if [ "${E2E_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

MATURIN_REQ="maturin==1.9.6"
PRE_COMMIT_REQ="pre-commit==4.7.0"
BUILD_TIMEOUT="${E2E_BUILD_TIMEOUT:-2400}"

step() { printf '\n=== %s\n' "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Keep the user's git config and pre-commit cache out of it.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$WORK/gitconfig"
export PRE_COMMIT_HOME="$WORK/pre-commit-cache"
export GIT_AUTHOR_NAME="mlcheck e2e" GIT_COMMITTER_NAME="mlcheck e2e"
export GIT_AUTHOR_EMAIL="e2e@example.com" GIT_COMMITTER_EMAIL="e2e@example.com"
export PIP_DISABLE_PIP_VERSION_CHECK=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE MLCHECK_OUTPUT_FORMAT PRE_COMMIT
git config --global init.defaultBranch main
git config --global core.autocrlf false
git config --global advice.detachedHead false

VERSION="$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1)"
[ -n "$VERSION" ] || fail "no version in Cargo.toml"

step "tools: $MATURIN_REQ, $PRE_COMMIT_REQ (PyPI)"
python3 -m venv "$WORK/tools"
timeout 600 "$WORK/tools/bin/python" -m pip install --quiet "$MATURIN_REQ" "$PRE_COMMIT_REQ" \
    || fail "pip install maturin pre-commit (PyPI unreachable?)"
PRE_COMMIT="$WORK/tools/bin/pre-commit"
"$PRE_COMMIT" --version

step "1. the wheel (built once)"
WHEELS="$WORK/wheels"
mkdir -p "$WHEELS"
if [ -n "${E2E_WHEEL_DIR:-}" ]; then
    cp "$E2E_WHEEL_DIR"/mlcheck-"$VERSION"-*.whl "$WHEELS"/ || fail "no mlcheck $VERSION wheel in $E2E_WHEEL_DIR"
else
    t0="$(now)"
    (cd "$ROOT" && CARGO_TARGET_DIR="${E2E_CARGO_TARGET_DIR:-$ROOT/target/e2e}" CARGO_TERM_COLOR=never \
        timeout "$BUILD_TIMEOUT" "$WORK/tools/bin/maturin" build --release --quiet --out "$WHEELS") \
        || fail "maturin build --release"
    echo "built in $(elapsed "$t0") s"
fi
WHEEL="$(ls "$WHEELS"/mlcheck-"$VERSION"-*.whl | head -n1)"
[ -f "$WHEEL" ] || fail "no wheel in $WHEELS"
echo "$(basename "$WHEEL"): $(du -k "$WHEEL" | cut -f1) KiB"
python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$WHEEL" \
    > "$WORK/wheel-files.txt"
grep -q 'scripts/mlcheck$' "$WORK/wheel-files.txt" || fail "the wheel has no mlcheck script"
grep -q 'mlcheck/__main__.py' "$WORK/wheel-files.txt" || fail "the wheel has no python -m mlcheck"
grep -q 'licenses/LICENSE-APACHE' "$WORK/wheel-files.txt" || fail "the wheel has no licence files"

step "2. hide cargo and rustc"
NOCARGO_PATH=""
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
    [ -n "$d" ] || continue
    if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then continue; fi
    NOCARGO_PATH="${NOCARGO_PATH:+$NOCARGO_PATH:}$d"
done
export PATH="$NOCARGO_PATH"
export CARGO_HOME="$WORK/no-cargo-home" RUSTUP_HOME="$WORK/no-rustup-home"
unset CARGO_TARGET_DIR RUSTC RUSTFLAGS
if command -v cargo >/dev/null || command -v rustc >/dev/null; then fail "cargo/rustc still on PATH"; fi
echo "PATH=$PATH (no cargo, no rustc)"
# Packages come from the local folder only: the wheel, nothing from an index.
export PIP_FIND_LINKS="$WHEELS" PIP_NO_INDEX=1

step "3. the wheel in a fresh virtualenv"
python3 -m venv "$WORK/user"
"$WORK/user/bin/python" -m pip install --quiet mlcheck=="$VERSION" || fail "pip install mlcheck from the wheel"
"$WORK/user/bin/mlcheck" --version | tee "$WORK/version.txt"
grep -qx "mlcheck $VERSION" "$WORK/version.txt" || fail "mlcheck --version is not 'mlcheck $VERSION'"
"$WORK/user/bin/python" -m mlcheck --version | grep -qx "mlcheck $VERSION" || fail "python -m mlcheck --version"
set +e
(cd "$ROOT" && "$WORK/user/bin/mlcheck" check fixtures/demo --output-format concise) >"$WORK/demo.txt" 2>&1
RC=$?
set -e
cat "$WORK/demo.txt"
[ "$RC" -eq 1 ] || fail "mlcheck check fixtures/demo: expected exit 1 (findings), got $RC"
grep -q "fixtures/demo/train.ipynb" "$WORK/demo.txt" || fail "the demo check named no notebook finding"

step "4. snapshot of $ROOT, tagged v$VERSION"
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
git -C "$SRC" tag "v$VERSION"
[ -f "$SRC/.pre-commit-hooks.yaml" ] || fail ".pre-commit-hooks.yaml missing at the project root"

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
# The README's snippet, as written, with the repository URL pointing at the snapshot.
awk '/<!-- pre-commit-config -->/ { on = 1; next } on && /^```yaml/ { inside = 1; next }
     inside && /^```/ { exit } inside { print }' "$ROOT/README.md" > snippet.yaml
grep -q "rev: v$VERSION" snippet.yaml || fail "the README's pre-commit snippet does not pin rev: v$VERSION"
sed "s|repo: .*|repo: $SRC|" snippet.yaml > .pre-commit-config.yaml
cat .pre-commit-config.yaml
git add nb.ipynb mlcheck.toml .pre-commit-config.yaml
git commit -q -m "notebook with outputs"

run() { # pre-commit ARGS → sets RC and OUT
    set +e
    OUT="$(timeout "${RUN_TIMEOUT:-900}" "$PRE_COMMIT" "$@" --color never 2>&1)"
    RC=$?
    set -e
    printf '%s\n' "$OUT"
    echo "(exit $RC)"
    [ "$RC" -ne 124 ] || fail "pre-commit $* timed out"
}
hook_line() { grep -E "^$1\.{3,}" <<<"$OUT" || true; }

step "4a. first hook install (language: python, from the local wheel, no cargo)"
t0="$(now)"
set +e
"$PRE_COMMIT" install-hooks --color never >"$WORK/install.txt" 2>&1
RC=$?
set -e
cat "$WORK/install.txt"
[ "$RC" -eq 0 ] || fail "pre-commit install-hooks failed without cargo"
echo "first hook install: $(elapsed "$t0") s"
grep -rqs "no published wheel" "$WORK/install.txt" && fail "the hook compiled instead of using the wheel"

step "4b. the mlcheck hook fails on the outputs and names the strip hook"
run run mlcheck --all-files
[ "$RC" -eq 1 ] || fail "expected exit 1 from the mlcheck hook, got $RC"
hook_line "mlcheck" | grep -q "Failed" || fail "the mlcheck hook did not fail on outputs"
grep -q "NB002" <<<"$OUT" || fail "the mlcheck hook did not report NB002 (committed outputs)"
grep -q "nb.ipynb" <<<"$OUT" || fail "the mlcheck hook did not name nb.ipynb"
grep -q "mlcheck-strip" <<<"$OUT" || fail "the mlcheck hook's summary did not name the mlcheck-strip hook"

step "4c. the strip hook cleans the notebook"
run run mlcheck-strip --all-files
[ "$RC" -eq 1 ] || fail "expected exit 1 (files modified) from the strip hook, got $RC"
grep -q "files were modified by this hook" <<<"$OUT" || fail "mlcheck-strip did not modify nb.ipynb"
grep -q "E2E-OUTPUT-MARKER" nb.ipynb && fail "nb.ipynb still has its output"
grep -q '"outputs": \[\]' nb.ipynb || fail "nb.ipynb has no empty outputs list"
grep -q '"execution_count": null' nb.ipynb || fail "nb.ipynb kept its execution count"
grep -q 'print(1 + 1)' nb.ipynb || fail "nb.ipynb lost its source"

step "4d. every hook passes on the stripped notebook"
run run --all-files
[ "$RC" -eq 0 ] || fail "expected exit 0 after stripping, got $RC"
hook_line "mlcheck" | grep -q "Passed" || fail "the mlcheck hook did not pass"
hook_line "mlcheck strip notebook outputs" | grep -q "Passed" || fail "mlcheck-strip did not pass"

step "5. language: system hooks with the wheel's mlcheck on PATH"
git checkout -q -- nb.ipynb
PATH="$WORK/user/bin:$PATH" run try-repo "$SRC" mlcheck-system --ref "v$VERSION" --files nb.ipynb
[ "$RC" -eq 1 ] || fail "expected exit 1 from mlcheck-system on outputs, got $RC"
grep -q "NB002" <<<"$OUT" || fail "mlcheck-system did not report NB002"
PATH="$WORK/user/bin:$PATH" run try-repo "$SRC" mlcheck-strip-system --ref "v$VERSION" --files nb.ipynb
grep -q "files were modified by this hook" <<<"$OUT" || fail "mlcheck-strip-system did not modify nb.ipynb"

if [ "${E2E_RUST:-0}" = 1 ]; then
    step "6. language: rust hooks (compiled by pre-commit)"
    git checkout -q -- nb.ipynb
    export PATH="$(dirname "$(command -v python3)"):${HOME}/.cargo/bin:$PATH"
    unset CARGO_HOME RUSTUP_HOME
    t0="$(now)"
    RUN_TIMEOUT="$BUILD_TIMEOUT" run try-repo "$SRC" mlcheck-rust --ref "v$VERSION" --files nb.ipynb
    echo "rust hook install + run: $(elapsed "$t0") s"
    [ "$RC" -eq 1 ] || fail "expected exit 1 from mlcheck-rust on outputs, got $RC"
    grep -q "NB002" <<<"$OUT" || fail "mlcheck-rust did not report NB002"
fi

printf '\nPASS: wheel without cargo, pre-commit hooks mlcheck, mlcheck-strip, mlcheck-system, mlcheck-strip-system\n'

#!/usr/bin/env bash
# Static checks of the release automation, run by .ci/run (a few seconds after the install):
# - every workflow under .github/workflows and action.yml against the GitHub JSON schemas
#   (check-jsonschema's vendored copies, no network at check time) and zizmor's audits
#   (offline; config .github/zizmor.yml);
# - .pre-commit-hooks.yaml parses and names the hook ids the README documents;
# - `cargo package --list` ships the rule data, the README and both licence files.
set -euo pipefail
cd "$(dirname "$0")/.."
ZIZMOR_REQ="zizmor==1.32.0"
CHECK_JSONSCHEMA_REQ="check-jsonschema==0.39.0"

VENV="${MLCHECK_LINT_VENV:-${TMPDIR:-/tmp}/mlcheck-lint-venv}"
if ! "$VENV/bin/python" -m pip show zizmor check-jsonschema >/dev/null 2>&1; then
    python3 -m venv "$VENV"
    timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "$ZIZMOR_REQ" "$CHECK_JSONSCHEMA_REQ"
fi

echo "== workflow and action schemas"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
echo "== zizmor"
"$VENV/bin/zizmor" --offline --quiet --config .github/zizmor.yml .github/workflows/ action.yml

echo "== .pre-commit-hooks.yaml"
"$VENV/bin/python" - <<'PY'
import re, sys
text = open(".pre-commit-hooks.yaml", encoding="utf-8").read()
ids = re.findall(r"^- id: (\S+)", text, re.M)
want = {"mlcheck": "python", "mlcheck-strip": "python", "mlcheck-rust": "rust",
        "mlcheck-strip-rust": "rust", "mlcheck-system": "system", "mlcheck-strip-system": "system"}
blocks = dict(zip(ids, re.split(r"^- id: \S+", text, flags=re.M)[1:]))
for hook, language in want.items():
    block = blocks.get(hook)
    if block is None or f"language: {language}\n" not in block:
        sys.exit(f".pre-commit-hooks.yaml: hook {hook} missing or not language: {language}")
readme = open("README.md", encoding="utf-8").read()
for hook in want:
    if f"`{hook}`" not in readme and f"id: {hook}" not in readme:
        sys.exit(f"README.md does not document the hook {hook}")
print(f"ok -- {len(ids)} hooks")
# One version everywhere: Cargo.toml's, as the action's default and the README's pins.
cargo = open("Cargo.toml", encoding="utf-8").read()
version = re.search(r'^\[package\][^\[]*?^version = "([^"]+)"', cargo, re.M | re.S).group(1)
action = open("action.yml", encoding="utf-8").read()
default = re.search(r'^  version:\n(?:    .*\n)*?    default: "([^"]+)"', action, re.M).group(1)
if default != version:
    sys.exit(f"action.yml installs mlcheck {default} by default, Cargo.toml says {version}")
for pin in set(re.findall(r"(?:rev: |mlcheck@)v(\d[^\s`]*)", readme)):
    if pin != version:
        sys.exit(f"README.md pins v{pin}, Cargo.toml says {version}")
print(f"ok -- version {version} in action.yml and README.md")
PY

echo "== cargo package --list"
LIST="$(cargo package --list --allow-dirty --quiet)"
for f in rules/secrets.toml rules/paths.toml rules/import_map.toml rules/stdlib.txt README.md \
    LICENSE-MIT LICENSE-APACHE Cargo.lock src/main.rs; do
    grep -qx "$f" <<<"$LIST" || { echo "cargo package does not ship $f" >&2; exit 1; }
done
if grep -qE '^(fixtures|tests|bench|fuzz|python)/' <<<"$LIST"; then
    echo "cargo package ships test or packaging files:" >&2
    grep -E '^(fixtures|tests|bench|fuzz|python)/' <<<"$LIST" | head >&2
    exit 1
fi
echo "ok -- $(wc -l <<<"$LIST") files"

echo "== the README's pull-request workflow"
SNIPPET="$(mktemp --suffix=.yml)"
awk '/<!-- pr-workflow -->/ { on = 1; next } on && /^```yaml/ { inside = 1; next }
     inside && /^```/ { exit } inside { print }' README.md > "$SNIPPET"
[ -s "$SNIPPET" ] || { echo "README.md has no <!-- pr-workflow --> yaml block" >&2; exit 1; }
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$SNIPPET"
rm -f "$SNIPPET"

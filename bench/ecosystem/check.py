#!/usr/bin/env python3
"""The ecosystem check: mlcheck's precision on real repositories nobody wrote for it.

Runs `mlcheck check` (every default rule, JSON output) over each repository of
../shared/ecosystem, each as its own root the way a clone is: the repository is copied to a
temporary folder, `git init`ed (so its own `.gitignore` applies, as in a clone) and checked
with that folder as the working directory. The findings are compared with the ledger, one
JSONL file per rule in bench/ecosystem/ledger/<CODE>.jsonl, where every triaged finding
carries a verdict ("true" / "false") and a one-line reason.

Sampling: a rule with more than 40 findings in one repository is triaged on a deterministic
sample of 40 there (the 40 smallest sha256 of "mlcheck-ecosystem|code|path|line|column").
NB002, NB003 and NB007 are true by definition (outputs, counts and volatile metadata are
committed and `fix --strip-outputs` would remove them; keep markers are honoured by the rules),
so they are counted but not sampled.

A finding matches a ledger entry by fingerprint, else by (repo, code, path, line, column): the
repositories never change, so the location is stable; a match by location only is reported as
"changed" (same place, new message) and keeps its verdict.

usage:
  bench/ecosystem/check.py                       # table per rule, new/gone findings
  bench/ecosystem/check.py --pending             # untriaged sampled findings as JSONL stubs
  bench/ecosystem/check.py --rules SEC001,SEC002 --repos karpathy__nanoGPT
  bench/ecosystem/check.py --strict              # exit 1 unless every sampled finding is
                                                 # triaged and every default rule >= 95% true
  bench/ecosystem/check.py --prune               # drop ledger entries no longer found
options: --mlcheck PATH (default target/release/mlcheck, built if missing),
         --ecosystem DIR (default ../shared/ecosystem), --work DIR (default $TMPDIR/mlcheck-ecosystem)
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LEDGER = HERE / "ledger"
SAMPLE = 40
SEED = "mlcheck-ecosystem"
BY_DEFINITION = {
    "NB002": "true by definition: outputs are committed and `fix --strip-outputs` removes them",
    "NB003": "true by definition: execution counts are committed and `fix --strip-outputs` resets them",
    "NB007": "true by definition: volatile metadata is committed and `fix --strip-outputs` drops it",
}
FLOOR = 0.95


def sample_key(f: dict) -> str:
    loc = f.get("location") or {}
    raw = f"{SEED}|{f['code']}|{f['path']}|{loc.get('line')}|{loc.get('column')}"
    return hashlib.sha256(raw.encode()).hexdigest()


def loc_key(repo: str, f: dict) -> tuple:
    loc = f.get("location") or {}
    return (repo, f["code"], f["path"], loc.get("line"), loc.get("column"))


def prepare(src: Path, work: Path) -> Path:
    """A copy of the repository with an empty git repository of its own (cached by mtime)."""
    dst = work / src.name
    stamp = dst / ".mlcheck-ecosystem-stamp"
    want = str(int(src.stat().st_mtime))
    if stamp.exists() and stamp.read_text() == want:
        return dst
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)
    for dirpath, dirnames, filenames in os.walk(dst):  # the corpus is read-only
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            if not p.is_symlink():
                p.chmod(p.stat().st_mode | 0o200)
    subprocess.run(["git", "init", "-q", str(dst)], check=True)
    # The stamp must not be checked: git's own exclude file hides it.
    with open(dst / ".git" / "info" / "exclude", "a") as fh:
        fh.write("\n/.mlcheck-ecosystem-stamp\n")
    stamp.write_text(want)
    return dst


def run_mlcheck(mlcheck: str, repo_dir: Path, extra: list[str]) -> tuple[list[dict], str, float]:
    start = time.monotonic()
    p = subprocess.run(
        [mlcheck, "check", "--output-format", "json", "--exit-zero", *extra, "."],
        cwd=repo_dir,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - start
    if p.returncode not in (0, 1):
        sys.exit(f"mlcheck failed in {repo_dir} (exit {p.returncode}):\n{p.stderr}")
    return json.loads(p.stdout or "[]"), p.stderr, took


def load_ledger() -> dict[str, list[dict]]:
    ledger: dict[str, list[dict]] = {}
    for f in sorted(LEDGER.glob("*.jsonl")):
        entries = []
        for n, line in enumerate(f.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                e = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"{f}:{n}: not JSON: {err}")
            if e.get("verdict") not in ("true", "false"):
                sys.exit(f"{f}:{n}: verdict must be \"true\" or \"false\"")
            if not e.get("reason"):
                sys.exit(f"{f}:{n}: every verdict needs a reason")
            entries.append(e)
        ledger[f.stem] = entries
    return ledger


def context(repo_dir: Path, f: dict, around: int = 2) -> str:
    """A few lines of the file around the finding (the cell's lines for notebooks)."""
    try:
        text = (repo_dir / f["path"]).read_text(errors="replace")
    except OSError:
        return ""
    line = (f.get("location") or {}).get("line") or 1
    lines = text.splitlines()
    lo, hi = max(0, line - 1 - around), min(len(lines), line + around)
    return "\n".join(f"{i + 1}: {lines[i][:240]}" for i in range(lo, hi))


def default_rules(mlcheck: str) -> set[str]:
    p = subprocess.run([mlcheck, "rules", "--output-format", "json"], capture_output=True, text=True)
    if p.returncode != 0:
        return set()
    return {r["code"] for r in json.loads(p.stdout) if r.get("default-enabled")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mlcheck", default=str(ROOT / "target" / "release" / "mlcheck"))
    ap.add_argument("--ecosystem", default=str(ROOT.parent / "shared" / "ecosystem"))
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "mlcheck-ecosystem"))
    ap.add_argument("--rules", default="", help="comma-separated codes to report (all by default)")
    ap.add_argument("--repos", default="", help="comma-separated repository folders (all by default)")
    ap.add_argument("--pending", action="store_true", help="print untriaged sampled findings as JSONL stubs")
    ap.add_argument("--strict", action="store_true", help="exit 1 on untriaged findings or a rule under 95%%")
    ap.add_argument("--prune", action="store_true", help="remove ledger entries that are no longer found")
    args = ap.parse_args()

    eco = Path(args.ecosystem)
    if not eco.is_dir():
        print(f"no ecosystem corpus at {eco}; nothing to check", file=sys.stderr)
        return 0
    mlcheck = str(Path(args.mlcheck).resolve())
    if not Path(mlcheck).exists():
        subprocess.run(["cargo", "build", "--release", "-q", "--manifest-path", str(ROOT / "Cargo.toml")], check=True)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    repos = sorted(p for p in eco.iterdir() if p.is_dir())
    if args.repos:
        wanted = set(args.repos.split(","))
        repos = [r for r in repos if r.name in wanted]
    only = set(filter(None, args.rules.split(",")))
    defaults = default_rules(mlcheck)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        dirs = list(pool.map(lambda r: prepare(r, work), repos))
    results = {}
    for d in dirs:  # mlcheck is parallel itself
        results[d.name] = run_mlcheck(mlcheck, d, [])
    took = time.monotonic() - start

    ledger = load_ledger()
    by_fp = {}
    by_loc = {}
    for code, entries in ledger.items():
        for e in entries:
            by_fp[(e["repo"], e["fingerprint"])] = e
            by_loc[(e["repo"], e["code"], e["path"], e.get("line"), e.get("column"))] = e

    # Findings per (rule, repo), sampled.
    groups: dict[tuple, list] = collections.defaultdict(list)
    for repo, (findings, _stderr, _t) in results.items():
        for f in findings:
            groups[(f["code"], repo)].append(f)

    stats = collections.defaultdict(lambda: collections.Counter())
    seen_entries = set()
    pending = []
    changed = []
    for (code, repo), fs in sorted(groups.items()):
        st = stats[code]
        st["findings"] += len(fs)
        if code in BY_DEFINITION:
            continue
        sample = sorted(fs, key=sample_key)[:SAMPLE]
        st["sampled"] += len(sample)
        for f in sample:
            e = by_fp.get((repo, f["fingerprint"]))
            if e is None:
                e = by_loc.get(loc_key(repo, f))
                if e is not None:
                    changed.append((repo, f, e))
            if e is None:
                pending.append((repo, f))
                continue
            seen_entries.add(id(e))
            st["triaged"] += 1
            st["true" if e["verdict"] == "true" else "false"] += 1

    gone = [e for entries in ledger.values() for e in entries if id(e) not in seen_entries]
    if args.repos:
        gone = [e for e in gone if e["repo"] in set(args.repos.split(","))]

    if args.pending:
        for repo, f in pending:
            if only and f["code"] not in only:
                continue
            loc = f.get("location") or {}
            stub = {
                "repo": repo,
                "code": f["code"],
                "path": f["path"],
                "line": loc.get("line"),
                "column": loc.get("column"),
                "fingerprint": f["fingerprint"],
                "verdict": "",
                "reason": "",
                "message": f["message"],
            }
            if f.get("cell") is not None:
                stub["cell"] = f["cell"]
            print(json.dumps(stub, ensure_ascii=False))
            print("# " + context(work / repo, f).replace("\n", "\n# "))
        return 0

    if args.prune:
        for code, entries in ledger.items():
            keep = [e for e in entries if id(e) in seen_entries]
            path = LEDGER / f"{code}.jsonl"
            if keep:
                path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in keep))
            else:
                path.unlink()
        print(f"pruned {len(gone)} ledger entries no longer found")
        return 0

    codes = sorted(c for c in stats if not only or c in only)
    print(f"{len(repos)} repositories, {sum(len(r[0]) for r in results.values())} findings, {took:.1f} s")
    print()
    print("| rule | default | findings | sampled | triaged | true | false | precision |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    failing = []
    for code in codes:
        st = stats[code]
        dflt = "yes" if code in defaults else "opt-in"
        if code in BY_DEFINITION:
            print(f"| {code} | {dflt} | {st['findings']} | — | — | — | — | by definition |")
            continue
        prec = st["true"] / st["triaged"] if st["triaged"] else None
        ptxt = f"{100 * prec:.1f}%" if prec is not None else "—"
        print(f"| {code} | {dflt} | {st['findings']} | {st['sampled']} | {st['triaged']} | {st['true']} | {st['false']} | {ptxt} |")
        if code in defaults and ((prec is not None and prec < FLOOR) or st["triaged"] < st["sampled"]):
            failing.append(code)
    total_true = sum(stats[c]["true"] for c in codes)
    total_tri = sum(stats[c]["triaged"] for c in codes)
    if total_tri:
        print(f"\nall triaged: {total_true}/{total_tri} true ({100 * total_true / total_tri:.1f}%)")
    pend = [p for p in pending if not only or p[1]["code"] in only]
    if pend:
        print(f"\nnew (untriaged) sampled findings: {len(pend)}  (see --pending)")
        for repo, f in pend[:30]:
            loc = f.get("location") or {}
            print(f"  + {f['code']} {repo}/{f['path']}:{loc.get('line')}: {f['message'][:120]}")
        if len(pend) > 30:
            print(f"  … and {len(pend) - 30} more")
    gone = [e for e in gone if not only or e["code"] in only]
    if gone:
        print(f"\ngone since the ledger: {len(gone)}  (--prune drops them)")
        for e in gone[:30]:
            print(f"  - {e['code']} {e['repo']}/{e['path']}:{e.get('line')} ({e['verdict']}): {e['reason'][:100]}")
        if len(gone) > 30:
            print(f"  … and {len(gone) - 30} more")
    if changed:
        print(f"\nsame place, new fingerprint (verdict kept): {len(changed)}")
    errs = [(r, res[1]) for r, res in results.items() if res[1].strip()]
    if errs:
        print("\nstderr:")
        for r, e in errs:
            print(f"  {r}: {e.strip().splitlines()[0][:160]}")
    if args.strict and (failing or pend):
        print(f"\nnot passing: {', '.join(failing) or 'untriaged findings'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

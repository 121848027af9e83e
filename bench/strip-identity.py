#!/usr/bin/env python3
"""Measure byte identity of `mlcheck fix --strip-outputs` with nbstripout on a corpus.

Usage: VENV_PYTHON=... strip-identity.py CORPUS MLCHECK [WORKDIR]
Run it with a Python that has nbstripout 0.9.1 installed. For each option combination:
  * in place: copies the corpus twice, strips one copy with nbstripout's own functions
    (as `nbstripout FILE` does: rewritten only if the parsed notebook changed) and the other
    with `mlcheck fix --strip-outputs`, then compares every file byte for byte;
  * filter (stdin): compares `mlcheck fix --strip-outputs -` with nbstripout's canonical
    output for every notebook.
The corpus itself is never modified.
"""
import copy, io, os, shutil, subprocess, sys, warnings

import nbformat
from nbstripout._utils import strip_output
from nbstripout._nbstripout import _parse_size

DEFAULT_KEYS = [
    "metadata.signature", "metadata.widgets", "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime", "cell.metadata.execution", "cell.metadata.heading_collapsed",
    "cell.metadata.hidden", "cell.metadata.scrolled",
]

COMBOS = {
    "default": {},
    "keep-output": {"keep_output": True},
    "keep-count": {"keep_count": True},
    "keep-id": {"keep_id": True},
    "keep-output+keep-count": {"keep_output": True, "keep_count": True},
    "extra-keys": {"extra": ["metadata.kernelspec", "cell.metadata.tags", "metadata.language_info.version"]},
    "keep-metadata-keys": {"keep_keys": ["cell.metadata.scrolled", "cell.metadata.collapsed", "metadata.widgets"]},
    "drop-empty-cells": {"drop_empty_cells": True},
    "max-size=1K": {"max_size": "1K"},
    "keep-output-type=stream": {"keep_output_types": ["stream"]},
    "keep-output+drop-output-type=error": {"keep_output": True, "drop_output_types": ["error"]},
    "strip-init-cells": {"strip_init_cells": True},
}

def mlcheck_args(c):
    a = []
    for flag in ["keep_output", "keep_count", "keep_id", "drop_empty_cells", "strip_init_cells"]:
        if c.get(flag):
            a.append("--" + flag.replace("_", "-"))
    if c.get("extra"):
        a.append("--extra-keys=" + " ".join(c["extra"]))
    if c.get("keep_keys"):
        a.append("--keep-metadata-keys=" + " ".join(c["keep_keys"]))
    if c.get("max_size"):
        a.append("--max-size=" + c["max_size"])
    for t in c.get("keep_output_types", []):
        a += ["--keep-output-type", t]
    for t in c.get("drop_output_types", []):
        a += ["--drop-output-type", t]
    return a

def nbstripout(text, c):
    """(changed, canonical text) or None when nbstripout fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.read(io.StringIO(text), as_version=nbformat.NO_CONVERT)
            orig = copy.deepcopy(nb)
            keys = [k for k in DEFAULT_KEYS + c.get("extra", []) if k not in c.get("keep_keys", [])]
            out = strip_output(nb, c.get("keep_output") or None, c.get("keep_count", False), c.get("keep_id", False),
                               keys, c.get("drop_empty_cells", False), [], c.get("strip_init_cells", False),
                               set(c.get("drop_output_types", [])), set(c.get("keep_output_types", [])),
                               _parse_size(c.get("max_size", "0")))
            buf = io.StringIO()
            nbformat.write(out, buf)
            return orig != out, buf.getvalue()
    except Exception:
        return None

def main():
    corpus, mlcheck = sys.argv[1], os.path.abspath(sys.argv[2])
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/strip-identity"
    files = sorted(os.path.relpath(os.path.join(d, f), corpus)
                   for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".ipynb"))
    total_same = total = 0
    only = [n for n in os.environ.get("COMBOS", "").split(",") if n]
    for name, c in COMBOS.items():
        if only and name not in only:
            continue
        ours_dir = os.path.join(work, name, "mlcheck")
        shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        # Contents only, not modes: the shared corpus is read-only (0444), and `fix` refuses
        # to rewrite a read-only notebook.
        shutil.copytree(corpus, ours_dir, copy_function=shutil.copyfile)
        subprocess.run([mlcheck, "fix", "--strip-outputs", "-q", *mlcheck_args(c), ours_dir])
        same_inplace = same_filter = 0
        diffs = []
        for rel in files:
            with open(os.path.join(corpus, rel), encoding="utf-8") as f:
                text = f.read()  # universal newlines, as nbstripout opens files
            raw = open(os.path.join(corpus, rel), "rb").read()
            theirs = nbstripout(text, c)
            ours_inplace = open(os.path.join(ours_dir, rel), "rb").read()
            want_inplace = raw if theirs is None or not theirs[0] else theirs[1].encode("utf-8")
            if ours_inplace == want_inplace:
                same_inplace += 1
            else:
                diffs.append(("in place", rel))
            p = subprocess.run([mlcheck, "fix", "--strip-outputs", *mlcheck_args(c), "-"], input=raw, capture_output=True)
            if theirs is None:
                ok = p.returncode != 0 and not p.stdout
            else:
                ok = p.returncode == 0 and p.stdout == theirs[1].encode("utf-8")
            if ok:
                same_filter += 1
            else:
                diffs.append(("filter", rel))
        n = len(files)
        total += 2 * n
        total_same += same_inplace + same_filter
        print(f"{name:40s} in place {same_inplace}/{n}   filter {same_filter}/{n}")
        for kind, rel in diffs[:5]:
            print(f"    differs ({kind}): {rel}")
    print(f"TOTAL identical: {total_same}/{total}")

if __name__ == "__main__":
    main()

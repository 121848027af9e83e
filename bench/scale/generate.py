#!/usr/bin/env python3
"""Build a synthetic ML monorepo from the corpus notebooks, for bench/scale/run.sh.

Layout (issue 16): one project folder per 20 notebooks; each folder holds 20 notebooks taken in
turn from the corpus, 10 small `.py` files, a `requirements.txt`, and every tenth folder also an
`environment.yml` and an `MLproject` (so about 1.1-1.2 environment files per folder, as in the
issue's table: 10,000 notebooks / 5,000 .py / ~550 environment files).

Notebooks are hard links into one private copy of the corpus kept next to the output folder
(`OUT.pool`), so a 30k-notebook tree costs the disk of one corpus, not 30k files' worth; the pool
is outside the tree, so it is never scanned. Falls back to copies where hard links fail (another
filesystem). Deterministic: the same N gives the same tree.

usage: generate.py N OUT [--corpus DIR]      (OUT is replaced; it is `git init`-ed)
"""

import argparse
import os
import shutil
import subprocess
import sys

PER_FOLDER = 20
PY_PER_FOLDER = 10

PY_TEMPLATES = [
    # Small, ordinary modules: imports, a function, a path from an environment variable.
    "import os\nimport numpy as np\n\n\ndef load(name):\n    root = os.environ.get('DATA_DIR', 'data')\n"
    "    return np.load(os.path.join(root, name))\n",
    "from dataclasses import dataclass\n\n\n@dataclass\nclass Config:\n    lr: float = 1e-3\n"
    "    epochs: int = {n}\n    batch_size: int = 32\n",
    "import torch\nfrom torch import nn\n\n\nclass Model{n}(nn.Module):\n    def __init__(self):\n"
    "        super().__init__()\n        self.fc = nn.Linear({n} + 1, 10)\n\n    def forward(self, x):\n"
    "        return self.fc(x)\n",
    "import json\nimport logging\n\nlog = logging.getLogger(__name__)\n\n\ndef save(obj, path):\n"
    "    with open(path, 'w') as f:\n        json.dump(obj, f)\n    log.info('saved %s', path)\n",
    "import pandas as pd\n\n\ndef clean(df: pd.DataFrame) -> pd.DataFrame:\n"
    "    df = df.dropna()\n    return df[df['value'] > {n}]\n",
]

REQUIREMENTS = "numpy==1.26.4\npandas==2.2.2\nscikit-learn==1.5.0\ntorch==2.3.1\nmatplotlib==3.9.0\n"
ENVIRONMENT = (
    "name: proj{n}\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy=1.26\n"
    "  - pandas=2.2\n  - pip\n  - pip:\n    - torch==2.3.1\n"
)
MLPROJECT = (
    "name: proj{n}\n\nconda_env: environment.yml\n\nentry_points:\n  main:\n"
    "    parameters:\n      epochs: {{type: int, default: 5}}\n"
    "    command: \"python train_0.py --epochs {{epochs}}\"\n"
)


def corpus_notebooks(corpus):
    found = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".ipynb"):
                found.append(os.path.join(dirpath, f))
    if not found:
        sys.exit(f"generate.py: no notebooks under {corpus}")
    return found


def link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, help="number of notebooks")
    ap.add_argument("out")
    ap.add_argument("--corpus", default=os.path.join(here, "..", "..", "..", "shared", "corpus"))
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    pool = out.rstrip("/") + ".pool"

    nbs = corpus_notebooks(os.path.abspath(args.corpus))
    # Private pool: hard links point here, never into the shared corpus.
    shutil.rmtree(pool, ignore_errors=True)
    os.makedirs(pool)
    pooled = []
    for i, nb in enumerate(nbs):
        p = os.path.join(pool, f"{i:04d}.ipynb")
        shutil.copyfile(nb, p)
        pooled.append((p, os.path.basename(nb)))

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    folders = (args.n + PER_FOLDER - 1) // PER_FOLDER
    counts = {"notebooks": 0, "py": 0, "env": 0}
    k = 0
    for f in range(folders):
        # Two levels, so no directory holds more than 100 entries of folders.
        d = os.path.join(out, f"group{f // 100:03d}", f"proj{f:05d}")
        os.makedirs(os.path.join(d, "notebooks"))
        for _ in range(min(PER_FOLDER, args.n - counts["notebooks"])):
            src, name = pooled[k % len(pooled)]
            link_or_copy(src, os.path.join(d, "notebooks", f"{k:06d}_{name}"))
            k += 1
            counts["notebooks"] += 1
        os.makedirs(os.path.join(d, "src"))
        for j in range(PY_PER_FOLDER):
            name = "train_0.py" if j == 0 else f"mod_{j}.py"
            with open(os.path.join(d, "src" if j else "", name), "w") as fh:
                fh.write(PY_TEMPLATES[(f + j) % len(PY_TEMPLATES)].replace("{n}", str(f + j)))
            counts["py"] += 1
        with open(os.path.join(d, "requirements.txt"), "w") as fh:
            fh.write(REQUIREMENTS)
        counts["env"] += 1
        if f % 10 == 0:
            with open(os.path.join(d, "environment.yml"), "w") as fh:
                fh.write(ENVIRONMENT.format(n=f))
            with open(os.path.join(d, "MLproject"), "w") as fh:
                fh.write(MLPROJECT.format(n=f))
            counts["env"] += 2
    subprocess.run(["git", "init", "-q", out], check=True)
    print(f"{out}: {counts['notebooks']} notebooks / {counts['py']} .py / {counts['env']} env files "
          f"in {folders} project folders")


if __name__ == "__main__":
    main()

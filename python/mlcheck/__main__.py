"""`python -m mlcheck ARGS`: run the installed `mlcheck` binary with ARGS."""

from __future__ import annotations

import os
import subprocess
import sys

from mlcheck import find_mlcheck_bin


def main() -> None:
    binary = find_mlcheck_bin()
    if sys.platform == "win32":
        sys.exit(subprocess.call([binary, *sys.argv[1:]]))
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()

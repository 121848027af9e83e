"""mlcheck: a fast static checker that keeps ML repositories reproducible.

The package holds the `mlcheck` binary (installed on PATH as a script); this module only
finds it, for `python -m mlcheck` and for tools that want its path.
"""

from __future__ import annotations

import os
import sys
import sysconfig


def find_mlcheck_bin() -> str:
    """Return the path of the `mlcheck` binary installed with this package."""
    exe = "mlcheck" + (sysconfig.get_config_var("EXE") or "")
    candidates = [sysconfig.get_path("scripts")]
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:  # type: ignore[attr-defined]
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # `pip install --target DIR`: DIR/bin next to DIR/mlcheck.
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bin"))
    for folder in candidates:
        path = os.path.join(folder, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the mlcheck binary was not found next to this Python package "
        f"(looked in: {', '.join(candidates)}); reinstall it with `pip install --force-reinstall mlcheck`"
    )


__all__ = ["find_mlcheck_bin"]

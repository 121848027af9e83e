"""PEP 517 build backend of mlcheck: maturin, or the published wheel of this exact version.

`pip install .` of this source tree compiles mlcheck with maturin (and cargo). pre-commit
installs a `language: python` hook by running `pip install .` in its own clone of the
repository, so with maturin alone every user of the hooks would compile mlcheck, and need a
Rust toolchain. Like the ruff-pre-commit mirror, the hooks should install the ready wheel:
this thin wrapper returns the published wheel `mlcheck==<version in Cargo.toml>` for this
platform, fetched by pip (so `PIP_INDEX_URL`, `PIP_FIND_LINKS` and pip.conf apply), when

- `MLCHECK_BUILD=wheel`, or
- `MLCHECK_BUILD` is unset or `auto`, and either the tree is a pre-commit clone (its folder
  sits in pre-commit's store, next to `db.db`) or `cargo` is not on PATH;

otherwise, or when no such wheel exists, it hands every hook to maturin (`MLCHECK_BUILD=source`
always compiles). A developer with cargo who runs `pip install .` in a checkout therefore gets
the code in front of them, never an older release of the same version number.

A downloaded wheel is installed only if it is this project's: its metadata names this
repository (`[project.urls] Repository`) and it carries the `mlcheck` binary, so a wheel of
another project published under the same name is refused (and maturin compiles instead).
Wheels are cached in the user's own cache folder (`$XDG_CACHE_HOME` or `~/.cache`), never
in a shared temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

_MATURIN = "maturin>=1.9.4,<2.0"
_ROOT = Path(__file__).resolve().parents[2]


def _version() -> str:
    text = (_ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    match = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    if not match:
        raise RuntimeError(f"no [package] version in {_ROOT / 'Cargo.toml'}")
    return match.group(1)


def _in_pre_commit_store() -> bool:
    # pre-commit clones each hook repository into `<store>/repoXXXXXXXX/`, beside `db.db`, and
    # runs pip from the hook's virtualenv `<store>/repoXXXXXXXX/py_env-<version>/` (the second
    # test holds when pip builds in a copy of the tree).
    def is_clone(folder: Path) -> bool:
        return folder.name.startswith("repo") and (folder.parent / "db.db").is_file()

    if is_clone(_ROOT):
        return True
    exe = Path(sys.executable).absolute()
    return any(p.name.startswith("py_env-") and is_clone(p.parent) for p in exe.parents)


def _want_wheel() -> bool:
    mode = os.environ.get("MLCHECK_BUILD", "auto").strip().lower()
    if mode == "source":
        return False
    if mode == "wheel":
        return True
    return _in_pre_commit_store() or shutil.which("cargo") is None


def _cache_dir() -> Path:
    # The user's own cache, never a shared temporary folder: a wheel found here is installed,
    # so nobody else may be able to put one there.
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = re.sub(r"[^A-Za-z0-9]+", "_", str(_ROOT))[-80:]
    return base / "mlcheck" / f"prebuilt-{_version()}-{key}"


# What every wheel of ours says of itself (pyproject.toml's [project.urls]): a wheel that
# PyPI serves under the name `mlcheck` but that is another project's is never installed.
_REPOSITORY = "Project-URL: Repository, https://github.com/mlcheck/mlcheck"


def _is_ours(wheel: Path) -> bool:
    """The wheel is this project's release of this version: its metadata names our
    repository and it carries the `mlcheck` binary."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            names = zf.namelist()
            meta = [n for n in names if n.endswith(".dist-info/METADATA")]
            if len(meta) != 1:
                return False
            text = zf.read(meta[0]).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile):
        return False
    binary = f"mlcheck-{_version()}.data/scripts/mlcheck"
    return (
        f"Version: {_version()}" in text.splitlines()
        and _REPOSITORY in text.splitlines()
        and any(n in (binary, binary + ".exe") for n in names)
    )


def _prebuilt_wheel() -> Path | None:
    """The published wheel of this version for this platform, fetched once; None if none."""
    cache = _cache_dir()
    for found in sorted(cache.glob("mlcheck-*.whl")):
        mine = not hasattr(os, "getuid") or found.stat().st_uid == os.getuid()
        if mine and _is_ours(found):
            return found
    # pip's build isolation points PYTHONPATH at a folder whose sitecustomize hides the
    # environment's site-packages (and pip with it): run the environment's own pip.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONNOUSERSITE")}
    tmp = Path(tempfile.mkdtemp(prefix="mlcheck-wheel-"))
    try:
        proc = subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                "--disable-pip-version-check", "--quiet", "--dest", str(tmp),
                f"mlcheck=={_version()}",
            ],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
        )
        wheels = sorted(tmp.glob("mlcheck-*.whl"))
        if wheels and not _is_ours(wheels[0]):
            sys.stderr.write(
                f"mlcheck: the wheel PyPI serves as mlcheck {_version()} is not this project's "
                "(its metadata names another repository); compiling with maturin\n"
            )
            return None
        if proc.returncode != 0 or not wheels:
            sys.stderr.write(
                f"mlcheck: no published wheel of mlcheck {_version()} for this platform "
                f"({proc.stdout.strip().splitlines()[-1:] or 'pip found none'}); compiling with maturin\n"
            )
            return None
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / wheels[0].name
        shutil.copyfile(wheels[0], target)
        return target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _use_wheel() -> Path | None:
    return _prebuilt_wheel() if _want_wheel() else None


def _maturin():
    import maturin  # installed by the frontend from get_requires_for_build_*

    return maturin


# --- PEP 517 hooks -------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return [] if _use_wheel() else [_MATURIN]


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel = _use_wheel()
    if wheel is not None:
        sys.stderr.write(f"mlcheck: installing the published wheel {wheel.name} (no compilation)\n")
        shutil.copyfile(wheel, Path(wheel_directory) / wheel.name)
        return wheel.name
    return _maturin().build_wheel(wheel_directory, config_settings, metadata_directory)


def get_requires_for_build_sdist(config_settings=None):
    return [_MATURIN]


def build_sdist(sdist_directory, config_settings=None):
    return _maturin().build_sdist(sdist_directory, config_settings)


def get_requires_for_build_editable(config_settings=None):
    return [_MATURIN]


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _maturin().build_editable(wheel_directory, config_settings, metadata_directory)

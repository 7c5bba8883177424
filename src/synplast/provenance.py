"""Provenance: which code, which commit, which packages made a number.

Three facts are recorded for every stage file and figure:

- ``code_sha256``: a content hash of the Python source a stage runs.  It covers the stage's
  entry module and, transitively, every ``synplast`` module that module imports (found by
  reading ``import`` statements, not by executing anything).  Editing a paper's module changes
  the hash of that paper's stages only; editing a shared module changes the hash of every stage
  that imports it.  The Snakemake rules carry the same hash as a ``params`` entry, so Snakemake
  reruns exactly the affected jobs.
- the git commit and whether the work tree had uncommitted changes;
- the versions of the packages that computed the numbers.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

import synplast

PACKAGE_ROOT = Path(synplast.__file__).resolve().parent
TRACKED_PACKAGES = ("synplast", "numpy", "scipy", "numba", "xarray", "netCDF4", "matplotlib")

__all__ = [
    "code_files",
    "code_sha256",
    "file_sha256",
    "git_state",
    "package_versions",
]


def _module_path(module: str) -> Path | None:
    """Source file of a ``synplast`` module (package ``__init__`` or plain module)."""
    parts = module.split(".")
    if parts[0] != "synplast":
        return None
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path, module: str) -> set[str]:
    """``synplast`` modules imported by the source file ``path`` of ``module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            # ``from synplast.kernels import lif`` imports the sub-module ``lif``
            found.update(f"{base}.{alias.name}" for alias in node.names)
    closure: set[str] = set()
    for name in found:
        # importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``
        pieces = name.split(".")
        for depth in range(1, len(pieces) + 1):
            prefix = ".".join(pieces[:depth])
            if prefix.startswith("synplast") and _module_path(prefix) is not None:
                closure.add(prefix)
    return closure


NOT_HASHED = frozenset({"synplast.registry"})
"""Modules left out of code hashes: the list of registered papers is no code a stage runs, and
registering a paper must not rerun the jobs of the others."""


@functools.cache
def code_files(*modules: str) -> tuple[Path, ...]:
    """All source files the given ``synplast`` modules run, transitively, sorted (without the
    modules of :data:`NOT_HASHED`)."""
    pending = list(modules)
    seen: dict[str, Path] = {}
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        path = _module_path(module)
        if path is None:
            raise ValueError(f"not a synplast module: {module!r}")
        seen[module] = path
        pending.extend(
            m for m in _imported_modules(path, module) if m not in seen and m not in NOT_HASHED
        )
    return tuple(sorted(set(seen.values())))


def code_sha256(*modules: str) -> str:
    """Content hash of the code the given modules run.

    Paths enter the hash relative to the package root, so the hash is the same in every clone.
    """
    digest = hashlib.sha256()
    for path in code_files(*modules):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def file_sha256(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def _git(*args: str, cwd: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def git_state(where: str | Path | None = None) -> tuple[str, int]:
    """(commit, dirty) of the git work tree holding ``where`` (default: this package).

    ``commit`` is ``"unknown"`` outside a git work tree; ``dirty`` is 1 when tracked files have
    uncommitted changes (generated results are git-ignored and do not count), else 0.
    """
    cwd = Path(where) if where is not None else PACKAGE_ROOT
    commit = _git("rev-parse", "HEAD", cwd=cwd)
    if commit is None:
        return "unknown", 0
    status = _git("status", "--porcelain", "--untracked-files=no", cwd=cwd)
    return commit, int(bool(status))


@functools.cache
def package_versions() -> str:
    """JSON object of the versions of the packages that compute and write the numbers."""
    versions = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return json.dumps(versions, sort_keys=True)

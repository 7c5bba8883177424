"""Helpers shared by the workflow tests, imported as ``tests.workflow.helpers``.

``tests/`` and ``tests/workflow/`` are packages (empty ``__init__.py``), so pytest puts the
repository root on ``sys.path`` and the import works with ``python -m pytest`` or ``pytest``,
from any working directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def run_module(module: str, workdir: Path, *args: str, env: dict | None = None, timeout: int = 900):
    """Run ``python -m module args`` in ``workdir``; returns the CompletedProcess (text)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or os.environ.copy(),
        check=False,
    )


def snakemake(workdir: Path, *args: str, env: dict | None = None, timeout: int = 900):
    """Run snakemake in ``workdir``."""
    return run_module("snakemake", workdir, *args, env=env, timeout=timeout)


def synplast_cli(workdir: Path, env: dict, *args: str):
    """Run the ``synplast`` command (of the package on ``env``'s PYTHONPATH) in ``workdir``."""
    return run_module("synplast.cli", workdir, *args, env=env)


def assert_bad_config_stops_before_any_job(
    repo: Path, tmp_path: Path, override: str, names: str, timeout: int = 900
) -> None:
    """A dry run of ``all`` with the config file ``override`` added fails before any job, with
    one ``config error`` line naming ``names``, no traceback and no results directory."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(override)
    results = tmp_path / "results"
    done = snakemake(
        repo,
        "-n",
        "all",
        "--configfile",
        "config/config.yaml",
        str(bad),
        "--config",
        f"results_dir={results}",
        timeout=timeout,
    )
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "config error" in line]
    assert len(errors) == 1 and names in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not results.exists()


COPIED = ("Snakefile", "workflow", "config", "profiles", "envs", "src", "pyproject.toml")


def make_scratch_copy(repo: Path, target: Path) -> dict:
    """Copy the workflow and package to ``target`` as a fresh git repository; returns the env
    under which Python imports ``synplast`` from the copy."""
    for name in COPIED:
        source = repo / name
        if source.is_dir():
            shutil.copytree(
                source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copy2(source, target / name)
    (target / ".gitignore").write_text("results/\nlogs/\nbenchmarks/\n.snakemake/\n__pycache__/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "scratch"], cwd=target, check=True)
    env = os.environ.copy()
    env["PYTHONPATH"] = str(target / "src")
    return env

"""Faults: a job killed in the middle of writing its stage file leaves no output that looks
complete, and ``snakemake --rerun-incomplete`` then finishes the work.

The kill lands mid-write for certain, with no hook in the package: the killed run gets a
``sitecustomize`` on its ``PYTHONPATH`` that, in every process writing a stage file, stops
inside ``netCDF4.Dataset.close`` of the temporary file (data partly flushed, the HDF5 file not
closed) and names its process in a marker file.  The test then sends that process SIGKILL,
alone (as the kernel's out-of-memory killer or a cluster's time limit would) or together with
Snakemake itself (a lost login session, a power cut).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synplast.stagefile import StageFileError, read_stage
from tests.workflow.helpers import make_scratch_copy, snakemake

TARGET = "results/tsodyks2000/main/seed1/inputs.nc"
"""A small stage file of the small config: its job takes seconds."""

STALL = """
import os

if os.environ.get("SYNPLAST_TEST_STALL_MARKER"):
    import time

    import netCDF4

    _close = netCDF4.Dataset.close

    class _Stalling(netCDF4.Dataset):
        def close(self):
            if ".tmp" in self.filepath():
                with open(os.environ["SYNPLAST_TEST_STALL_MARKER"], "w") as marker:
                    marker.write(f"{os.getpid()} {self.filepath()}")
                time.sleep(600)
            return _close(self)

    netCDF4.Dataset = _Stalling
"""


@pytest.fixture
def scratch(repo, tmp_path):
    """A scratch copy of the workflow (a git repository) and its environment."""
    work = tmp_path / "work"
    work.mkdir()
    env = make_scratch_copy(repo, work)
    return work, env


def _start_stalled_run(work: Path, env: dict, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """Start Snakemake on ``TARGET`` with the stalling ``sitecustomize``; return it and the
    process stopped in the middle of writing the stage file."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(STALL)
    marker = tmp_path / "writing"
    stalled_env = dict(env)
    stalled_env["PYTHONPATH"] = f"{hooks}{os.pathsep}{env['PYTHONPATH']}"
    stalled_env["SYNPLAST_TEST_STALL_MARKER"] = str(marker)
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "1",
            TARGET,
            "--configfile",
            "config/config.yaml",
            "config/small.yaml",
        ],
        cwd=work,
        env=stalled_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while not marker.exists() or not marker.read_text().strip():
        if run.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
            pytest.fail(f"the job never reached its write: {run.communicate()[0][-3000:]}")
        time.sleep(0.05)
    pid, temporary = marker.read_text().split(maxsplit=1)
    assert Path(temporary).name.startswith(".inputs.nc.tmp"), temporary
    return run, int(pid)


def _assert_nothing_looks_complete(work: Path) -> None:
    """No file under the target's name; the partial temporary file is hidden and refused."""
    folder = (work / TARGET).parent
    assert not (work / TARGET).exists()
    visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
    assert visible == [], visible
    partial = [p for p in folder.iterdir() if p.name.startswith(".inputs.nc.tmp")]
    assert partial, "the killed write left no partial file: the kill was not mid-write"
    for path in partial:
        with pytest.raises(StageFileError):
            read_stage(path, paper="tsodyks2000", stage="inputs")


def _rerun_incomplete(work: Path, env: dict):
    """``snakemake --rerun-incomplete`` of ``TARGET`` on the small config."""
    return snakemake(
        work,
        "--cores",
        "1",
        "--rerun-incomplete",
        TARGET,
        "--configfile",
        "config/config.yaml",
        "config/small.yaml",
        env=env,
        timeout=600,
    )


def _finish_and_check(work: Path, env: dict) -> None:
    """``--rerun-incomplete`` builds the target, which then reads as a valid stage file."""
    done = _rerun_incomplete(work, env)
    assert done.returncode == 0, done.stderr[-3000:]
    ds = read_stage(work / TARGET, paper="tsodyks2000", stage="inputs", scenario="main", seed=1)
    assert ds.sizes and all(ds[name].size for name in ds.data_vars)


def test_job_killed_mid_write_leaves_nothing_complete_and_rerun_incomplete_finishes(
    scratch, tmp_path
):
    """SIGKILL to the job alone: Snakemake reports the failed job and exits non-zero; the
    next run finishes the work."""
    work, env = scratch
    run, writer = _start_stalled_run(work, env, tmp_path)
    os.kill(writer, signal.SIGKILL)
    output, _ = run.communicate(timeout=300)
    assert run.returncode != 0, output[-3000:]
    assert "Error in rule" in output, output[-3000:]
    _assert_nothing_looks_complete(work)
    _finish_and_check(work, env)


def test_run_killed_with_its_job_mid_write_recovers_after_unlock(scratch, tmp_path):
    """SIGKILL to Snakemake and its job together: Snakemake leaves its lock (a run that
    died cannot release it), ``--unlock`` clears it, and ``--rerun-incomplete`` finishes."""
    work, env = scratch
    run, _ = _start_stalled_run(work, env, tmp_path)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    _assert_nothing_looks_complete(work)
    locked = _rerun_incomplete(work, env)
    assert locked.returncode != 0 and "--unlock" in locked.stderr, locked.stderr[-2000:]
    unlocked = snakemake(
        work, "--unlock", "--configfile", "config/config.yaml", "config/small.yaml", env=env
    )
    assert unlocked.returncode == 0, unlocked.stderr[-2000:]
    _finish_and_check(work, env)

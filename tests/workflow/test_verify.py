"""``synplast verify`` and ``synplast trace`` on the results of the session's real run.

Tests that damage results do it in a copy of ``results/`` (the CLI then runs where the copy
is), never in the shared run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import xarray as xr

from tests.workflow.helpers import synplast_cli

SEED1 = "results/tsodyks2000/main/seed1"
FIG1 = "results/tsodyks2000/figures/fig1"
SUMMARY = re.compile(r"verified (\d+) files?: (all match|\d+ problems?)")


def copy_results(work: Path, target: Path) -> Path:
    """Copy the run's ``results/`` into ``target``; returns the copy."""
    copy = target / "results"
    shutil.copytree(work / "results", copy)
    return copy


def verify(workdir: Path, env: dict, *files: str):
    """Run ``synplast verify`` in ``workdir``: (exit status, problem lines, summary match)."""
    done = synplast_cli(workdir, env, "verify", *files)
    lines = done.stdout.splitlines()
    assert lines, done.stderr
    summary = SUMMARY.fullmatch(lines[-1])
    assert summary, done.stdout + done.stderr
    return done.returncode, lines[:-1], summary


def problem_line(lines: list[str], path: str) -> str:
    """The one problem line naming ``path``."""
    found = [line for line in lines if line.startswith(f"{path}: ")]
    assert len(found) >= 1, "\n".join(lines)
    return found[0]


def test_verify_passes_on_a_fresh_run_and_reaches_every_file(tiny_run):
    work, env = tiny_run
    results = work / "results"
    figures = sorted(p.relative_to(work).as_posix() for p in results.glob("*/figures/*"))
    assert {Path(f).suffix for f in figures} == {".png", ".pdf", ".nc"}
    status, problems, summary = verify(work, env, "results/scorecard.json", *figures)
    assert status == 0 and problems == [] and summary[2] == "all match"
    # every stage file of the run is behind the scorecard or a figure: all files were checked
    every = set(results.rglob("*.nc")) | set(results.glob("*/figures/*"))
    assert int(summary[1]) == len(every) + 1


def test_verify_names_a_file_changed_after_it_was_read_and_who_read_it(tiny_run, tmp_path):
    work, env = tiny_run
    copy = copy_results(work, tmp_path)
    # a real stage file of the same paper, but not the one the plastic stage read
    shutil.copy2(copy / "tsodyks2000/ib_0.5/seed1/inputs.nc", copy / "tsodyks2000/main/seed1")
    status, problems, summary = verify(tmp_path, env, f"{FIG1}.png")
    assert status == 1 and summary[2].endswith("problems")
    line = problem_line(problems, f"{SEED1}/inputs.nc")
    assert "changed since it was read" in line
    readers = [p for p in problems if p.startswith(f"{SEED1}/inputs.nc: ")]
    assert any(f"recorded by {SEED1}/plastic.nc" in p for p in readers), readers
    # nothing else is reported: the files downstream of it are what they were
    assert {p.split(":")[0] for p in problems} == {f"{SEED1}/inputs.nc"}


def test_verify_names_a_deleted_file(tiny_run, tmp_path):
    work, env = tiny_run
    copy = copy_results(work, tmp_path)
    (copy / "tsodyks2000/main/seed1/plastic.nc").unlink()
    status, problems, _ = verify(tmp_path, env, f"{FIG1}.nc")
    assert status == 1
    assert problem_line(problems, f"{SEED1}/plastic.nc") == (
        f"{SEED1}/plastic.nc: missing (recorded by {SEED1}/test.nc)"
    )


def test_verify_names_a_file_replaced_by_a_foreign_netcdf(tiny_run, tmp_path):
    work, env = tiny_run
    copy = copy_results(work, tmp_path)
    target = copy / "tsodyks2000/main/seed1/inputs.nc"
    target.unlink()
    xr.Dataset({"v": ("t", [1.0, 2.0])}).to_netcdf(target)
    status, problems, _ = verify(tmp_path, env, f"{FIG1}.pdf")
    assert status == 1
    line = problem_line(problems, f"{SEED1}/inputs.nc")
    assert "changed since it was read" in line and "no checksum trailer" in line
    assert f"recorded by {SEED1}/" in line


def test_verify_names_a_damaged_file_given_on_the_command_line(tiny_run, tmp_path):
    """A named file has no downstream hash: its own checksum trailer catches the damage."""
    work, env = tiny_run
    copy = copy_results(work, tmp_path)
    target = copy / "tsodyks2000/main/seed1/test.nc"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    status, problems, _ = verify(tmp_path, env, f"{SEED1}/test.nc")
    assert status == 1
    assert problems == [
        f"{SEED1}/test.nc: not a readable NetCDF stage file (its bytes differ from its checksum "
        "trailer: damaged or edited since it was written) (named on the command line)"
    ]


def test_verify_names_a_claims_file_that_is_not_the_one_the_scorecard_was_made_from(
    tiny_run, tmp_path
):
    work, env = tiny_run
    copy = copy_results(work, tmp_path)
    shutil.copy2(copy / "sadeh2015/claims.nc", copy / "tsodyks2000/claims.nc")
    status, problems, _ = verify(tmp_path, env, "results/scorecard.json")
    assert status == 1
    line = problem_line(problems, "results/tsodyks2000/claims.nc")
    assert "code_sha256 and config_sha256 differ" in line
    assert line.endswith("(recorded by results/scorecard.json)")


def test_trace_goes_back_to_the_seed_and_config_of_the_first_stage(tiny_run):
    work, env = tiny_run
    plain = synplast_cli(work, env, "trace", f"{FIG1}.png")
    assert plain.returncode == 0, plain.stderr
    roots = [line for line in plain.stdout.splitlines() if line.endswith("(root)")]
    assert roots and all("stage=inputs" in line and "seed=1" in line for line in roots)
    assert "config: " not in plain.stdout
    full = synplast_cli(work, env, "trace", "--config", f"{FIG1}.png")
    assert full.returncode == 0, full.stderr
    lines = full.stdout.splitlines()
    root = next(i for i, line in enumerate(lines) if line.endswith("(root)"))
    config = lines[root + 1].strip()
    assert config.startswith('config: {"model":{') and "dt_ms" in config

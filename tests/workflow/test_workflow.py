"""The workflow as a user drives it: lint, dry-runs, a tiny real run, reruns, provenance, errors.

The real run happens once per session in a scratch copy of the repository (its own git
repository, with ``src/`` first on ``PYTHONPATH``), so tests can edit code there without
touching the working tree.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from synplast.pipeline.graph import stage_code_hash, stage_of
from synplast.provenance import file_sha256
from synplast.registry import REGISTRY
from synplast.stagefile import PROVENANCE_ATTRS, config_sha256, read_stage
from tests.conftest import load_config
from tests.workflow.helpers import (
    snakemake,
    synplast_cli,
)

SLURM_COMMANDS = ("sbatch", "srun", "squeue", "sacct", "scontrol", "sinfo", "scancel")


def stage_files(work: Path) -> list[Path]:
    return sorted((work / "results").rglob("*.nc"))


# --- static checks and planning --------------------------------------------------------------


def test_snakemake_lint_is_clean(repo):
    done = snakemake(repo, "--lint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Lints for" not in done.stdout + done.stderr


def test_snakefmt_and_ruff_are_clean(repo):
    fmt = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "workflow"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stderr
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout


def test_dry_run_of_all_plans_every_stage_figure_and_the_scorecard(repo):
    done = snakemake(repo, "-n", "all", "--directory", str(repo), "--forceall")
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    for rule in ("stage", "figure", "claims", "scorecard"):
        assert f"rule {rule}:" in out or f"\n{rule} " in out
    for stage in ("inputs", "plastic", "test"):
        assert f"results/sadeh2015/main/seed5/{stage}.nc" in out


def test_dry_run_of_one_figure_plans_only_its_chain(repo):
    done = snakemake(repo, "-n", "--forceall", "results/tsodyks2000/figures/fig1.png")
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    assert "rule figure:" in out and "claims" not in out.split("Job stats")[-1]
    assert "results/tsodyks2000/main/seed1/test.nc" in out
    assert "seed2/test.nc" not in out


def test_slurm_profile_plans_without_slurm_installed(repo, tmp_path):
    """With every SLURM command failing as 'not installed', the profile still plans ``all``."""
    shims = tmp_path / "bin"
    shims.mkdir()
    for name in SLURM_COMMANDS:
        shim = shims / name
        shim.write_text(f"#!/bin/sh\necho '{name}: command not found' >&2\nexit 127\n")
        shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = os.environ.copy()
    env["PATH"] = f"{shims}:{env['PATH']}"
    done = snakemake(repo, "--profile", "profiles/slurm", "-n", "--forceall", "all", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "scorecard" in done.stdout + done.stderr


# --- the tiny real run -----------------------------------------------------------------------


def expected_outputs(config: dict) -> set[str]:
    """Every NetCDF file ``all`` makes for ``config``, from the papers' declarations: each
    non-optional stage of each non-optional scenario (per seed when seeded), each figure that
    reads none of those optional files, each claims file."""
    import importlib

    from synplast.pipeline import graph

    files = set()
    for paper in REGISTRY:
        if not config[paper]["enabled"]:
            continue
        optional = set()
        for scenario, entry in config[paper]["scenarios"].items():
            for name, stage in graph.scenario_stages(config, paper, scenario).items():
                for request in graph.stage_requests(config, paper, scenario, name):
                    path = graph.stage_path(paper, *request).as_posix()
                    if entry.get("optional") or stage.optional:
                        optional.add(path)
                    else:
                        files.add(path)
        stages = importlib.import_module(f"synplast.papers.{paper}.stages")
        for figure in config[paper]["figures"]:
            reads = {
                graph.stage_path(paper, *r).as_posix()
                for r in stages.figure_requests(config, figure)
            }
            if not reads & optional:
                files.add(f"results/{paper}/figures/{figure}.nc")
        files.add(f"results/{paper}/claims.nc")
    return files


def test_tiny_run_writes_every_output_with_provenance(tiny_run, small_config):
    work, _ = tiny_run
    files = stage_files(work)
    assert {p.relative_to(work).as_posix() for p in files} == expected_outputs(small_config)
    stages = {read_stage(path).attrs["stage"] for path in files}
    assert stages >= {"inputs", "plastic", "test", "figure", "claims"}
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.strip()
    for path in files:
        attrs = read_stage(path).attrs
        assert set(PROVENANCE_ATTRS) <= set(attrs)
        assert attrs["git_commit"] == commit and attrs["git_dirty"] == 0
        assert config_sha256(json.loads(attrs["config_json"])) == attrs["config_sha256"]
        for upstream, digest in json.loads(attrs["inputs_sha256"]).items():
            assert file_sha256(work / upstream) == digest
    for ext in ("png", "pdf", "nc"):
        assert (work / f"results/tsodyks2000/figures/fig1.{ext}").stat().st_size > 0
    assert "| tsodyks2000 |" in (work / "results/scorecard.md").read_text()
    scorecard = json.loads((work / "results/scorecard.json").read_text())
    rows = scorecard["claims"]
    assert {row["verdict"] for row in rows} <= {"reproduced", "not reproduced", "failed"}
    for paper in REGISTRY:
        claims = importlib.import_module(f"synplast.papers.{paper}.claims")
        measured = [row["claim"] for row in rows if row["paper"] == paper]
        # a claim whose protocol did not run (e.g. switched off) may be left out
        assert set(measured) <= {claim.__name__ for claim in claims.CLAIMS} and measured
    assert {c["paper"] for c in scorecard["controls"]} == set(REGISTRY)


def test_stage_files_record_the_code_hash_and_exactly_the_config_they_depend_on(
    tiny_run, small_config
):
    work, _ = tiny_run
    declared = {"inputs": ["model"], "plastic": ["model", "protocol"], "test": None}
    for stage, sections in declared.items():
        attrs = read_stage(work / f"results/tsodyks2000/main/seed1/{stage}.nc").attrs
        decl = stage_of(small_config, "tsodyks2000", "main", stage)
        assert attrs["code_sha256"] == stage_code_hash("tsodyks2000", decl)
        assert attrs["seed"] == 1 and attrs["scenario"] == "main"
        recorded = json.loads(attrs["config_json"])
        assert sorted(recorded) == sorted(sections or ["model", "protocol", "analysis"])
    plastic = json.loads(
        read_stage(work / "results/tsodyks2000/main/seed1/plastic.nc").attrs["config_json"]
    )
    assert plastic["protocol"] == {"burn_in_ms": 200.0}


def test_figures_carry_provenance_and_trace_back_to_their_inputs(tiny_run):
    work, env = tiny_run
    done = synplast_cli(work, env, "trace", "results/tsodyks2000/figures/fig1.pdf")
    assert done.returncode == 0, done.stderr
    for stage in ("inputs", "plastic", "test"):
        assert f"results/tsodyks2000/main/seed1/{stage}.nc [ok]" in done.stdout
    png = synplast_cli(work, env, "trace", "results/tsodyks2000/figures/fig1.png")
    assert png.returncode == 0 and "stage=figure" in png.stdout


def test_trace_flags_an_upstream_file_changed_after_it_was_read(tiny_run, tmp_path):
    work, env = tiny_run
    copy = tmp_path / "results"
    shutil.copytree(work / "results", copy)
    (copy / "tsodyks2000/main/seed1/inputs.nc").write_bytes(
        (copy / "tsodyks2000/ib_0.5/seed1/inputs.nc").read_bytes()
    )
    done = synplast_cli(tmp_path, env, "trace", "results/tsodyks2000/main/seed1/test.nc")
    assert done.returncode == 1
    assert "CHANGED" in done.stdout


def test_second_run_has_nothing_to_do(tiny_run):
    work, env = tiny_run
    done = snakemake(work, "-n", "all", "--configfile", "config/small.yaml", env=env)
    assert done.returncode == 0
    assert "Nothing to be done" in done.stdout + done.stderr


def planned_kinds(work: Path, env: dict, *configs: str) -> set[tuple[str, str, str]]:
    """What a dry-run of ``all`` would make, as ``(paper, scenario, kind)`` triples: ``kind`` is
    a stage name, ``figure`` or ``claims`` (scenario ``*`` for figures and claims), and the
    scorecard is ``("*", "*", "scorecard")``."""
    done = snakemake(work, "-n", "all", "--configfile", "config/small.yaml", *configs, env=env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-2000:]
    found = set()
    for line in out.splitlines():
        if not line.strip().startswith("output:"):
            continue
        for path in line.split("output:", 1)[1].split(","):
            parts = Path(path.strip()).parts
            if parts[-1].startswith("scorecard"):
                found.add(("*", "*", "scorecard"))
            elif parts[-2] == "figures":
                found.add((parts[1], "*", "figure"))
            elif parts[-1] == "claims.nc":
                found.add((parts[1], "*", "claims"))
            else:
                found.add((parts[1], parts[2], Path(parts[-1]).stem))
    return found


SMALL = load_config("config.yaml", "small.yaml")


def scenarios_in_all(paper: str) -> list[str]:
    """The paper's scenarios that ``all`` builds in the small config."""
    return [s for s, entry in SMALL[paper]["scenarios"].items() if not entry.get("optional")]


TSODYKS_SCENARIOS = scenarios_in_all("tsodyks2000")
DOWNSTREAM = {
    ("tsodyks2000", "*", "figure"),
    ("tsodyks2000", "*", "claims"),
    ("*", "*", "scorecard"),
}


def tsodyks_stage(*stages: str, scenarios=TSODYKS_SCENARIOS) -> set:
    return {("tsodyks2000", scenario, stage) for scenario in scenarios for stage in stages}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("papers/tsodyks2000/figures.py", {("tsodyks2000", "*", "figure")}),
        ("papers/tsodyks2000/claims.py", {("tsodyks2000", "*", "claims"), ("*", "*", "scorecard")}),
        ("papers/tsodyks2000/probe.py", tsodyks_stage("test") | DOWNSTREAM),
        ("kernels/stp.py", tsodyks_stage("plastic", "test") | DOWNSTREAM),
    ],
)
def test_code_edit_reruns_exactly_the_affected_jobs_and_revert_restores(tiny_run, module, expected):
    work, env = tiny_run
    path = work / "src" / "synplast" / module
    original = path.read_text()
    try:
        path.write_text(original + "\n# an edit\n")
        assert planned_kinds(work, env) == expected
    finally:
        path.write_text(original)
    assert planned_kinds(work, env) == set()


def test_edit_of_shared_stage_file_code_reruns_every_job(tiny_run):
    work, env = tiny_run
    path = work / "src" / "synplast" / "stagefile.py"
    original = path.read_text()
    try:
        path.write_text(original + "\n# an edit\n")
        kinds = planned_kinds(work, env)
        assert tsodyks_stage("inputs", "plastic", "test") <= kinds
        assert {("sadeh2015", "main", "inputs"), ("sadeh2015", "*", "claims")} <= kinds
    finally:
        path.write_text(original)
    assert planned_kinds(work, env) == set()


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        # an analysis threshold: the test stage (which measures) and what reads it, no simulation
        (
            "tsodyks2000:\n  analysis: {ps_threshold: 0.06}\n",
            tsodyks_stage("test") | DOWNSTREAM,
        ),
        # a model key of one scenario: only that scenario's chain and what reads it
        (
            "tsodyks2000:\n  scenarios:\n    ib_0.375:\n      seeds: [1]\n"
            "      model: {ib_half_width_mV: 0.3}\n      protocol: {record_ms: 600.0}\n",
            # (the claims read no ib_0.375 file, so they stay; its figure is redrawn)
            tsodyks_stage("inputs", "plastic", "test", scenarios=["ib_0.375"])
            | {("tsodyks2000", "*", "figure")},
        ),
        # the recording length (of main only: the other scenarios set their own): the burn-in
        # (plastic) does not depend on it, and the claims read no main file
        (
            "tsodyks2000:\n  protocol: {record_ms: 500.0}\n",
            tsodyks_stage("test", scenarios=["main"]) | {("tsodyks2000", "*", "figure")},
        ),
        # one figure's option: that paper's figures only
        (
            "tsodyks2000:\n  figures:\n    fig1: {inset_window_ms: [300.0, 340.0]}\n",
            {("tsodyks2000", "*", "figure")},
        ),
        # a sweeney2017 metric bin: its analysis (test) stages, never the 2.5 million steps
        (
            "sweeney2017:\n  analysis: {correlation_bin_edges: [0.0, 0.03, 0.1, 0.5]}\n",
            {("sweeney2017", s, "test") for s in scenarios_in_all("sweeney2017")}
            | {
                ("sweeney2017", "*", "figure"),
                ("sweeney2017", "*", "claims"),
                ("*", "*", "scorecard"),
            },
        ),
        # a sadeh2015 analysis key: its test stages and downstream, nothing of tsodyks2000
        (
            "sadeh2015:\n  analysis: {w_th_bidir_mV: 0.9}\n",
            {("sadeh2015", s, "test") for s in scenarios_in_all("sadeh2015")}
            | {("sadeh2015", "*", "figure"), ("sadeh2015", "*", "claims"), ("*", "*", "scorecard")},
        ),
    ],
)
def test_config_change_reruns_exactly_the_jobs_that_depend_on_it(
    tiny_run, tmp_path, override, expected
):
    work, env = tiny_run
    path = tmp_path / "override.yaml"
    path.write_text(override)
    assert planned_kinds(work, env, str(path)) == expected
    assert planned_kinds(work, env) == set()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:2000])


def _foreign_netcdf(path: Path) -> None:
    """A valid NetCDF file that is no stage file (no provenance)."""
    import xarray as xr

    path.unlink()
    xr.Dataset({"v": ("t", [1.0, 2.0])}).to_netcdf(path)


def _another_stage(path: Path) -> None:
    """A real stage file of the same run, but of another stage."""
    shutil.copy2(path.with_name("inputs.nc"), path)


def _not_netcdf(path: Path) -> None:
    path.write_text("plastic weights, see the lab notebook\n")


DAMAGES = {
    "truncated": (_truncate, "plastic.nc: not a readable NetCDF stage file"),
    "foreign_netcdf": (_foreign_netcdf, "plastic.nc: not a readable NetCDF stage file"),
    "another_stage": (_another_stage, "plastic.nc: stage is 'inputs', expected 'plastic'"),
    "not_netcdf": (_not_netcdf, "plastic.nc: not a readable NetCDF stage file"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_stage_file_fails_its_job_with_one_line_naming_it(tiny_run, tmp_path, damage):
    """A truncated, foreign or wrong file given as a job's input stops that job: the log
    names the file in one line, and the job's own output is not written."""
    work, env = tiny_run
    copy = tmp_path / "work"
    shutil.copytree(work, copy, symlinks=True)
    env = {**env, "PYTHONPATH": str(copy / "src")}
    target = copy / "results/tsodyks2000/main/seed1/plastic.nc"
    spoil, message = DAMAGES[damage]
    spoil(target)
    done = snakemake(
        copy,
        "--cores",
        "1",
        "results/tsodyks2000/main/seed1/test.nc",
        "--configfile",
        "config/small.yaml",
        "--force",
        env=env,
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if message in line]
    assert lines, done.stderr[-3000:]
    log = (copy / "logs/tsodyks2000/main/seed1/test.log").read_text()
    assert [line for line in log.splitlines() if message in line], log[-3000:]
    assert not (copy / "results/tsodyks2000/main/seed1/test.nc").exists()

"""The SLURM profile (profiles/slurm) on a real single-node SLURM cluster with accounting.

The module starts the cluster with .ci/slurm/up.sh and stops it with .ci/slurm/down.sh. Where the
cluster cannot be started the tests fail in CI (the environment variable CI is set) and are
skipped elsewhere, e.g. for a developer without root or apt.

Each Snakemake run happens in a scratch copy of the repository, as a user would run it:
``snakemake --profile profiles/slurm ...``. The checks use SLURM's accounting (sacct), not
Snakemake's word: every job of the small config (all of it for two papers, one chain of stages of
every sub-model for the other three) ran as a SLURM job and completed, its outputs equal a local
run's value for value for every paper, a second run does nothing; a failing job makes Snakemake exit
non-zero and names the job's SLURM log; a job killed by SLURM at its time limit (TIMEOUT) is retried
with the longer runtime its rule asks for; the rule's resources, the partition and account from
the environment, and HDF5_USE_FILE_LOCKING=FALSE reach the job.

    CI=1 pytest -m slurm tests/workflow/test_slurm_cluster.py --durations=0
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from synplast.registry import REGISTRY

pytestmark = pytest.mark.slurm

REPO = Path(__file__).resolve().parents[2]
FIXTURE_SNAKEFILE = Path(__file__).resolve().parent / "slurm_fixture" / "Snakefile"
UP = REPO / ".ci" / "slurm" / "up.sh"
DOWN = REPO / ".ci" / "slurm" / "down.sh"
SMALL_CONFIG = "config/small.yaml"
# The cluster run covers every paper: the whole small config (``all``: every stage, figure and
# the claims) of the first two (about 50 jobs), and one chain of stages of every sub-model of the
# other three (22 jobs; their whole small config would add about 80 jobs). Its runtime grows by
# 4-5 s per job; the profile's mechanics do not depend on the paper, but each paper's kernels
# must give on the cluster the numbers they give locally.
CLUSTER_PAPERS = ("tsodyks2000", "sadeh2015")
CLUSTER_CHAINS = {
    "sweeney2017": ("diffusive",),
    "milstein2021": ("A-ref", "B-induction2", "C-network"),  # B-induction2 reads B-induction1
    "urbanczik2014": ("main", "control_spikes_only"),  # sub-models main and variant
}
CLUSTER_CONFIG = "config/cluster_test.yaml"

# A run that takes longer has hung (e.g. polling a status command that never answers).
RUN_TIMEOUT_S = 900
# The partition and account that the fixture run asks for through the environment; up.sh creates
# both next to the defaults (partition "debug", account "root"), so that the test can tell a
# requested value from the default one.
ALT_PARTITION = "debug-alt"
ALT_ACCOUNT = "synplast-ci"
# Global attributes that legitimately differ between two runs of the same code and config: the
# time of writing, and the sha256 of upstream files (which contain that time). For the latter the
# set of upstream files is still compared.
VOLATILE_ATTRS = {"date_created", "inputs_sha256"}
# Variables the runs do without: SYNPLAST_SLURM_* is set only where a test asks for it, and the
# profile itself must supply HDF5_USE_FILE_LOCKING.
PROFILE_SUPPLIED_ENV = {
    "SYNPLAST_SLURM_PARTITION",
    "SYNPLAST_SLURM_ACCOUNT",
    "HDF5_USE_FILE_LOCKING",
    "SNAKEMAKE_PROFILE",
}
# Scratch copies of the repository leave out what runs produce.
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    "results",
    "logs",
    "benchmarks",
    ".snakemake",
    ".benchmarks",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "*.egg-info",
    ".foundation-ready",
)


# ------------------------------------------------------------------------------ helpers


class Run:
    """One finished Snakemake run: its exit code, its output, and what it submitted to SLURM."""

    SUBMITTED = re.compile(
        r"Job (?P<job>\d+) has been submitted with SLURM jobid (?P<slurm>\d+)"
        r" \(log: (?P<log>.+?)\)\."
    )
    # "rule NAME:" opens the block of a job Snakemake hands to the executor; "localrule NAME:"
    # one that it runs itself.
    JOB_BLOCK = re.compile(
        r"^(?P<kind>rule|localrule) (?P<rule>\w+):\n(?:    .*\n)*?    jobid: (?P<job>\d+)$", re.M
    )

    def __init__(self, returncode: int, output: str, seconds: float):
        self.returncode = returncode
        self.output = output
        self.seconds = seconds
        match = re.search(r"SLURM run ID: (\S+)", output)
        self.run_id = match.group(1) if match else None
        # SLURM job id -> (Snakemake job id, SLURM log file)
        self.submitted = {
            m["slurm"]: (m["job"], Path(m["log"])) for m in self.SUBMITTED.finditer(output)
        }
        # Snakemake job id -> rule, for the jobs that went to the executor
        self.remote_jobs = {
            m["job"]: m["rule"] for m in self.JOB_BLOCK.finditer(output) if m["kind"] == "rule"
        }
        self.local_rules = {
            m["rule"] for m in self.JOB_BLOCK.finditer(output) if m["kind"] == "localrule"
        }

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def run_env(**extra: str) -> dict[str, str]:
    """The environment of a run: this one, less what the profile must supply by itself."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLURM_", "SBATCH_")) and key not in PROFILE_SUPPLIED_ENV
    }
    env.update(extra)
    return env


class Started:
    """A Snakemake run going on in the background; its output goes to cwd/snakemake-<n>.log."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None):
        self.args = args
        n = len(list(cwd.glob("snakemake-*.log")))
        self.log = cwd / f"snakemake-{n + 1}.log"
        self.start = time.monotonic()
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "snakemake", *args],
                cwd=cwd,
                env=env if env is not None else run_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> Run:
        """The finished run; a run still going RUN_TIMEOUT_S after its start has hung: fail."""
        remaining = RUN_TIMEOUT_S - (time.monotonic() - self.start)
        try:
            self.proc.wait(timeout=max(remaining, 1))
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(
                f"snakemake {' '.join(self.args)} ran over {RUN_TIMEOUT_S} s:\n"
                + self.log.read_text()[-3000:]
            )
        return Run(self.proc.returncode, self.log.read_text(), time.monotonic() - self.start)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def snakemake(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run Snakemake with this interpreter in ``cwd`` and wait for it."""
    return Started(args, cwd, env).wait()


def sacct(run_id: str) -> dict[str, dict[str, str]]:
    """SLURM's accounting records of the jobs of one Snakemake run (job name = run id)."""
    fields = [
        "JobIDRaw",
        "State",
        "Comment",
        "Partition",
        "Account",
        "Timelimit",
        "ReqMem",
        "AllocCPUS",
    ]
    out = subprocess.run(
        [
            "sacct",
            "-X",
            "-P",
            "-n",
            "--name",
            run_id,
            "--starttime",
            "now-1days",
            "--format",
            ",".join(fields),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    rows = [dict(zip(fields, line.split("|"), strict=True)) for line in out.splitlines() if line]
    return {row["JobIDRaw"]: row for row in rows}


def chain_targets() -> list[str]:
    """The stage files of :data:`CLUSTER_CHAINS` in the small config: every non-optional stage
    of each scenario (Snakemake adds the stages they read)."""
    from synplast.cli import load_config
    from synplast.pipeline import graph

    config = load_config(
        [str(REPO / "config" / "config.yaml"), str(REPO / SMALL_CONFIG)],
        REPO / "workflow" / "schemas" / "config.schema.yaml",
    )
    return [
        graph.stage_path(paper, *request, root="results").as_posix()
        for paper, scenarios in CLUSTER_CHAINS.items()
        for scenario in scenarios
        for name, stage in graph.scenario_stages(config, paper, scenario).items()
        if not stage.optional
        for request in graph.stage_requests(config, paper, scenario, name)
    ]


def scratch_copy(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A copy of the repository, with Numba's cache files (so that the jobs load the compiled
    kernels rather than compile them each)."""
    dest = tmp_path_factory.mktemp(name) / "synplast"
    shutil.copytree(REPO, dest, ignore=COPY_IGNORE, symlinks=True)
    for cache in (REPO / "src").rglob("__pycache__/*.nb[ci]"):
        target = dest / cache.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, target)  # with the source's time stamps, which the cache checks
    return dest


def copy_env(copy: Path) -> dict[str, str]:
    """The environment of a run in ``copy``: its own ``src`` first on the path, so that its
    jobs (SLURM's too: the profile exports the environment) run the copy's code, not the
    working tree's, which may change while the runs go on."""
    return run_env(
        PYTHONPATH=os.pathsep.join(filter(None, [str(copy / "src"), os.environ.get("PYTHONPATH")]))
    )


def profile_retries() -> int:
    """Retries as the profile sets them (its YTE parts are keys and values YAML still reads)."""
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    return int(profile.get("retries", 0))


# ------------------------------------------------------------------------------ the cluster


@pytest.fixture(scope="module")
def slurm_cluster():
    """A running single-node SLURM with accounting, for the tests of this module."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            ["bash", str(UP)], capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL
        )
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except (OSError, subprocess.TimeoutExpired) as exc:
        returncode, stdout, stderr = 1, "", f"up.sh: {exc}"
    seconds = time.monotonic() - start
    # up.sh logs "<daemon> started" for what it starts; if it started nothing, the cluster was
    # already running (a developer's), and teardown leaves it so.
    started_here = "started, pid" in stdout
    if returncode != 0:
        subprocess.run(["bash", str(DOWN)], capture_output=True, timeout=300)
        lines = stderr.strip().splitlines() or ["up.sh failed without a message"]
        errors = [line for line in lines if line.startswith("up.sh:")]
        reason = (errors or lines)[-1]
        if os.environ.get("CI"):
            pytest.fail(f"the SLURM test cluster did not start ({reason})\n{stderr[-3000:]}")
        pytest.skip(f"no local SLURM cluster: {reason}")
    print(f"\n[slurm] cluster ready after {seconds:.1f} s", file=sys.stderr)
    yield {"up_seconds": seconds}
    if started_here:
        subprocess.run(["bash", str(DOWN)], capture_output=True, timeout=300)


# ------------------------------------------------------------------------------ (a) small config


@pytest.fixture(scope="module")
def small_runs(slurm_cluster, fixture_started, tmp_path_factory):
    """The small config through the slurm profile, and the same locally, in two scratch copies:
    ``all`` of :data:`CLUSTER_PAPERS` and the stage chains of :data:`CLUSTER_CHAINS`.

    The local run goes on at the same time (the SLURM run spends much of its time waiting), and
    so does the fixture workflow (``fixture_started``), which mostly waits for a time limit.
    """
    if not (REPO / SMALL_CONFIG).exists():
        pytest.fail(f"{SMALL_CONFIG} is missing")
    slurm_dir = scratch_copy(tmp_path_factory, "slurm-run")
    local_dir = scratch_copy(tmp_path_factory, "local-run")
    for folder in (slurm_dir, local_dir):
        (folder / CLUSTER_CONFIG).write_text(
            "".join(
                f"{paper}: {{enabled: false}}\n"
                for paper in REGISTRY
                if paper not in CLUSTER_PAPERS
            )
        )
    # the targets before --configfile, which would take them for more config files
    configs = ["--configfile", SMALL_CONFIG, CLUSTER_CONFIG]
    targets = ["all", *chain_targets()]
    slurm_args = ["--profile", "profiles/slurm", *targets, *configs]
    local = Started(["--cores", "2", *targets, *configs], local_dir, copy_env(local_dir))
    try:
        first = snakemake(slurm_args, slurm_dir, copy_env(slurm_dir))
        local_run = local.wait()
    finally:
        local.stop()
    assert local_run.returncode == 0, f"the local run failed:\n{local_run.tail()}"
    second = snakemake(slurm_args, slurm_dir, copy_env(slurm_dir))
    print(
        f"\n[slurm] small config: first run {first.seconds:.1f} s (local run alongside), "
        f"second run {second.seconds:.1f} s",
        file=sys.stderr,
    )
    return {"first": first, "second": second, "slurm_dir": slurm_dir, "local_dir": local_dir}


def test_small_config_runs_every_job_as_a_completed_slurm_job(small_runs):
    run = small_runs["first"]
    assert run.returncode == 0, run.tail()
    assert run.run_id, "no 'SLURM run ID' in the output: did the slurm executor run?"
    assert run.remote_jobs, "no job went to the SLURM executor"
    # every job Snakemake handed to the executor was submitted, once
    submitted_jobs = sorted(job for job, _ in run.submitted.values())
    assert submitted_jobs == sorted(run.remote_jobs), run.tail()
    # only jobs without any action ran outside SLURM
    assert run.local_rules <= {"all"}, f"rules run outside SLURM: {run.local_rules}"
    # and SLURM's accounting knows each of them as completed, under its rule
    records = sacct(run.run_id)
    assert set(records) == set(run.submitted), (records, run.submitted)
    for slurm_id, (job, _) in run.submitted.items():
        record = records[slurm_id]
        assert record["State"] == "COMPLETED", record
        assert record["Comment"].startswith(f"rule_{run.remote_jobs[job]}"), record


def test_small_config_outputs_on_slurm_equal_a_local_run(small_runs):
    import numpy as np
    import xarray as xr

    assert small_runs["first"].returncode == 0, small_runs["first"].tail()
    slurm_results = small_runs["slurm_dir"] / "results"
    local_results = small_runs["local_dir"] / "results"
    slurm_files = sorted(p.relative_to(slurm_results) for p in slurm_results.rglob("*.nc"))
    local_files = sorted(p.relative_to(local_results) for p in local_results.rglob("*.nc"))
    assert slurm_files, "the SLURM run wrote no .nc file under results/"
    assert slurm_files == local_files
    # every paper's numbers were computed on the cluster
    assert {rel.parts[0] for rel in slurm_files} >= set(REGISTRY), slurm_files
    for rel in slurm_files:
        with (
            xr.open_dataset(slurm_results / rel, engine="netcdf4") as on_slurm,
            xr.open_dataset(local_results / rel, engine="netcdf4") as local,
        ):
            on_slurm.load()
            local.load()
            # values, dimensions and coordinates, exactly
            xr.testing.assert_equal(on_slurm, local)
            # attributes too (some are arrays: compare with numpy), but for the volatile ones
            for name in on_slurm.variables:
                np.testing.assert_equal(
                    dict(on_slurm[name].attrs), dict(local[name].attrs), f"{rel}: {name}.attrs"
                )
            stable = {k: v for k, v in on_slurm.attrs.items() if k not in VOLATILE_ATTRS}
            np.testing.assert_equal(
                stable, {k: v for k, v in local.attrs.items() if k not in VOLATILE_ATTRS}, str(rel)
            )
            assert set(on_slurm.attrs) == set(local.attrs), rel
            if "inputs_sha256" in on_slurm.attrs:
                assert (
                    json.loads(on_slurm.attrs["inputs_sha256"]).keys()
                    == json.loads(local.attrs["inputs_sha256"]).keys()
                ), rel


def test_second_run_of_the_small_config_does_nothing(small_runs):
    run = small_runs["second"]
    assert run.returncode == 0, run.tail()
    assert "Nothing to be done" in run.output, run.tail()
    assert not run.submitted


# ------------------------------------------------------------------------------ (b), (c) fixture


@pytest.fixture(scope="module")
def fixture_started(slurm_cluster, tmp_path_factory):
    """The test-only workflow through the same profile, started in the background.

    All three targets go in one run: the profile's keep-going lets the failing job fail while the
    one over its time limit is retried. The partition and account come from the environment, as
    the profile documents. The run mostly waits (for SLURM's time limit), so it goes on while the
    small config runs.
    """
    workdir = tmp_path_factory.mktemp("slurm-fixture")
    env = run_env(SYNPLAST_SLURM_PARTITION=ALT_PARTITION, SYNPLAST_SLURM_ACCOUNT=ALT_ACCOUNT)
    started = Started(
        ["--profile", str(REPO / "profiles" / "slurm"), "--snakefile", str(FIXTURE_SNAKEFILE),
         "--directory", str(workdir), "all"],
        workdir,
        env,
    )  # fmt: skip
    # Let its first job (the probe, which needs both CPUs of a 2-core node) reach the queue
    # before the small config's jobs do.
    deadline = time.monotonic() + 60
    while "has been submitted with SLURM jobid" not in started.log.read_text():
        if started.proc.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    yield started, workdir
    started.stop()


@pytest.fixture(scope="module")
def fixture_run(fixture_started):
    started, workdir = fixture_started
    run = started.wait()
    print(f"\n[slurm] fixture workflow: {run.seconds:.1f} s", file=sys.stderr)
    assert run.run_id, run.tail()
    return {"run": run, "workdir": workdir, "sacct": sacct(run.run_id)}


def jobs_of_rule(fixture_run, rule: str) -> list[tuple[str, Path, dict[str, str]]]:
    """(SLURM job id, SLURM log, accounting record) of each attempt of ``rule``, in order."""
    run, records = fixture_run["run"], fixture_run["sacct"]
    return [
        (slurm_id, log, records[slurm_id])
        for slurm_id, (job, log) in sorted(run.submitted.items(), key=lambda kv: int(kv[0]))
        if run.remote_jobs.get(job) == rule
    ]


def test_rule_resources_partition_account_and_hdf5_setting_reach_the_job(fixture_run):
    [(_, _, record)] = jobs_of_rule(fixture_run, "probe")
    assert record["State"] == "COMPLETED", record
    # from the rule: threads 2, mem_mb 300, runtime 2 min
    assert (record["AllocCPUS"], record["ReqMem"], record["Timelimit"]) == ("2", "300M", "00:02:00")
    # from $SYNPLAST_SLURM_PARTITION and $SYNPLAST_SLURM_ACCOUNT, not the cluster's defaults
    assert (record["Partition"], record["Account"]) == (ALT_PARTITION, ALT_ACCOUNT)
    # the profile sets HDF5_USE_FILE_LOCKING (the run's own environment lacks it)
    seen = dict(
        line.split("=", 1)
        for line in (fixture_run["workdir"] / "results" / "probe.env").read_text().splitlines()
    )
    assert seen.get("HDF5_USE_FILE_LOCKING") == "FALSE", seen
    assert seen.get("SLURM_CPUS_PER_TASK") == "2", seen


def test_failing_job_makes_snakemake_exit_nonzero_and_names_its_slurm_log(fixture_run):
    run = fixture_run["run"]
    assert run.returncode != 0, run.tail()
    attempts = jobs_of_rule(fixture_run, "fail_on_purpose")
    assert len(attempts) == profile_retries() + 1, attempts
    for slurm_id, slurm_log, record in attempts:
        assert record["State"] == "FAILED", record
        assert f"SLURM-job '{slurm_id}' failed" in run.output
        # the error report names the SLURM log, and that log holds the job's own message
        assert re.search(rf"^    log: .*{re.escape(str(slurm_log))}", run.output, re.M), run.tail()
        assert slurm_log.is_file(), slurm_log
        assert "synplast-fixture: failing on purpose" in slurm_log.read_text().splitlines()
    assert not (fixture_run["workdir"] / "results" / "never.txt").exists()


def test_job_over_its_time_limit_is_killed_by_slurm_and_retried_with_more_time(fixture_run):
    run = fixture_run["run"]
    attempts = jobs_of_rule(fixture_run, "over_time_limit")
    assert [record["State"] for _, _, record in attempts] == ["TIMEOUT", "COMPLETED"], attempts
    first, second = (record["Timelimit"] for _, _, record in attempts)
    # the rule's runtime grows with the attempt: 1 minute, then 3
    assert (first, second) == ("00:01:00", "00:03:00")
    assert f"SLURM-job '{attempts[0][0]}' failed, SLURM status is: 'TIMEOUT'" in run.output
    assert (fixture_run["workdir"] / "results" / "over_time_limit.txt").read_text() == "done\n"

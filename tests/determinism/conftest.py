"""Fixtures of the determinism tests: the runs they compare, each made once per session.

- ``in_process_runs``: every stage of :data:`PLAN` run twice in the pytest process (the second
  time with the papers in reverse order);
- ``one_job_runs``: the same in one fresh process each, with ``NUMBA_NUM_THREADS`` 1 and 2
  (and ``PYTHONHASHSEED`` 1 and 2, so that an order taken from a set would show);
- ``split_run``: the stages of :data:`SPLIT_PLAN` as Snakemake runs them, one process per
  stage, in a scratch copy of the repository;
- ``kernel_replay``: the kernels' small cases, called compiled here and in pure Python in a
  process with ``NUMBA_DISABLE_JIT=1``.

The subprocess runs start together before the first determinism test and go on while the
in-process work proceeds; a test waits only for the run it reads.  Each pays 3-5 s of imports.
"""

from __future__ import annotations

import pickle
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.determinism.helpers import (
    PLAN,
    REPO,
    SPLIT_PLAN,
    Background,
    load_small_config,
    plan_requests,
    python_env,
    relative_paths,
    run_plan,
)

BACKGROUND = ("one_job_runs", "split_run", "kernel_replay")
"""Fixtures that start subprocesses, in start order (the replay first records in-process)."""

TIMEOUT_S = 900


@pytest.fixture(scope="session", autouse=True)
def _start_background_runs(request):
    """Start the subprocess runs that the selected tests read, all at once."""
    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in BACKGROUND:
        if name in wanted:
            request.getfixturevalue(name)


@dataclass
class Run:
    """Stage files written under ``root`` (relative ``files``) by ``background``, if any."""

    root: Path
    files: list[str]
    background: Background | None = None
    threads: int | None = None

    def done(self) -> Run:
        if self.background is not None:
            self.background.wait(TIMEOUT_S)
        return self


@pytest.fixture(scope="session")
def plan_files() -> list[str]:
    """The stage files of :data:`PLAN`, relative to a results directory."""
    config = load_small_config("results")
    return relative_paths(config, plan_requests(config, PLAN))


@pytest.fixture(scope="session")
def split_files() -> list[str]:
    """The stage files of :data:`SPLIT_PLAN`, relative to a results directory."""
    config = load_small_config("results")
    return relative_paths(config, plan_requests(config, SPLIT_PLAN))


@pytest.fixture(scope="session")
def one_job_runs(tmp_path_factory, plan_files):
    """``{threads: Run}``: every stage of :data:`PLAN` in one fresh process, per thread count."""
    base = tmp_path_factory.mktemp("one-job")
    runs = {}
    for threads in (1, 2):
        root = base / f"threads{threads}"
        env = python_env(NUMBA_NUM_THREADS=str(threads), PYTHONHASHSEED=str(threads))
        command = [sys.executable, "-m", "tests.determinism.one_job", str(root), "plan"]
        background = Background(
            f"one job, {threads} thread(s)", command, base / f"threads{threads}.log", env
        )
        runs[threads] = Run(root, plan_files, background, threads)
    yield runs
    for run in runs.values():
        run.background.stop()


@pytest.fixture(scope="session")
def split_run(tmp_path_factory, split_files):
    """The stages of :data:`SPLIT_PLAN` run by Snakemake (``--cores 2``; each rule asks for
    one Numba thread) in a scratch copy of the repository; Numba's cache files are copied
    along, so the jobs load the compiled kernels instead of compiling them each."""
    from tests.workflow.helpers import make_scratch_copy

    work = tmp_path_factory.mktemp("split") / "synplast"
    work.mkdir()
    env = make_scratch_copy(REPO, work)
    for cache in (REPO / "src").rglob("__pycache__/*.nb[ci]"):
        target = work / cache.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cache, target)
    targets = [f"results/{rel}" for rel in split_files]
    command = [sys.executable, "-m", "snakemake", "--cores", "2", *targets]
    command += ["--configfile", "config/small.yaml"]  # after the targets: it takes several files
    background = Background("split run (Snakemake)", command, work / "snakemake.log", env, work)
    run = Run(work / "results", split_files, background, 1)
    yield run
    background.stop()


@pytest.fixture(scope="session")
def in_process_runs(tmp_path_factory, plan_files):
    """Every stage of :data:`PLAN` run twice in this process: ``(first, second)``, on one
    Numba thread (parallel loops on a busy machine wait for descheduled threads at every step;
    the thread count itself is ``test_threads``' business)."""
    import numba

    base = tmp_path_factory.mktemp("in-process")
    runs = []
    saved = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        for reverse in (False, True):
            root = base / ("second" if reverse else "first")
            start = time.monotonic()
            files = run_plan(load_small_config(root), PLAN, reverse=reverse)
            report(f"in-process run {len(runs) + 1}", start)
            assert sorted(files) == sorted(plan_files)
            runs.append(Run(root, files, threads=1))
    finally:
        numba.set_num_threads(saved)
    return tuple(runs)


def report(what: str, start: float) -> None:
    print(f"\n[determinism] {what}: {time.monotonic() - start:.1f} s", file=sys.stderr)


@dataclass
class KernelReplay:
    """The kernels' cases (``(kernel, label, args, kwargs)``), their compiled outputs, the
    recorded calls of the tiny runs, and the pure-Python process."""

    calls: dict
    cases: list
    compiled: dict
    background: Background
    target: Path

    def pure(self) -> dict:
        """``{"outputs": {(kernel, label): output}, "reached": [...], "seconds": {...}}``."""
        self.background.wait(TIMEOUT_S)
        with open(self.target, "rb") as handle:
            found = pickle.load(handle)
        found["outputs"] = {(k, label): out for k, label, out in found["outputs"]}
        return found


@pytest.fixture(scope="session")
def kernel_replay(tmp_path_factory):
    """Record the tiny runs' kernel calls, start the pure-Python replay of every case, and
    call each case compiled here meanwhile."""
    from tests.determinism import kernels

    base = tmp_path_factory.mktemp("kernels")
    start = time.monotonic()
    calls = kernels.record_chains(base / "chains")
    report("tiny runs recording the kernel calls", start)
    cases = kernels.kernel_cases(calls)
    source, target = base / "cases.pkl", base / "pure.pkl"
    with open(source, "wb") as handle:
        pickle.dump(cases, handle)
    command = [sys.executable, "-m", "tests.determinism.kernels", str(source), str(target)]
    env = python_env(NUMBA_DISABLE_JIT="1")
    background = Background("pure-Python kernel replay", command, base / "replay.log", env)
    compiled = {
        (kernel, label): kernels.run_case(kernels.resolve(kernel), args, kwargs)
        for kernel, label, args, kwargs in cases
    }
    yield KernelReplay(calls, cases, compiled, background, target)
    background.stop()

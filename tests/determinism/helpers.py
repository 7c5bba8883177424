"""Helpers of the determinism tests, imported as ``tests.determinism.helpers``.

- :data:`PLAN` and :data:`SPLIT_PLAN`: the scenarios whose stages the runs compute (every
  sub-model of every paper; see ``test_the_runs_cover_every_sub_model_and_stage_of_every_paper``);
- :func:`plan_requests` and :func:`run_plan`: every stage of a plan, upstream stages first,
  run through :func:`synplast.pipeline.stage.run_stage` in the calling process (the worker
  ``tests.determinism.one_job`` does the same in a fresh process);
- :func:`stage_file_differences` / :func:`assert_same_results`: two stage files, or two result
  trees, compared bit for bit (every variable and coordinate, their attributes, and the global
  attributes but those that record when and from which git state a file was written);
- :func:`value_differences`: the same for the nested return values and arguments of a kernel;
- :class:`Background`: a subprocess run that goes on while the tests do other work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import xarray as xr

REPO = Path(__file__).resolve().parents[2]
CONFIG_FILES = ("config/config.yaml", "config/small.yaml")
SCHEMA = "workflow/schemas/config.schema.yaml"

PLAN: dict[str, tuple[str, ...]] = {
    # main: depressing E->E and I->E, facilitating E->I and I->I; the controls: the two-state
    # static synapse and all-facilitating pathways (the other scenarios only change numbers)
    "tsodyks2000": ("main", "ctl_static", "ctl_facilitating"),
    "sadeh2015": ("main", "ablation_EE", "ablation_EE_IE", "ablation_EE_EI", "no_plasticity"),
    "sweeney2017": (
        "diffusive",
        "standard",
        "diffusive_fixed",
        "control_shuffled_kernel",
        "control_no_plasticity",
        "sigma_0.005",
        "sigma_0.1",
    ),
    # every sub-model: calibration, A (both integrators), B (a second induction reading the
    # first one's files), C (seeded, parallel walk)
    "milstein2021": (
        "calibration",
        "A-ref",
        "A-seed",
        "B-induction1",
        "B-induction2",
        "B-induction2-from-model",
        "C-network",
    ),
    "urbanczik2014": ("main", "control_teacher_off", "control_spikes_only"),
}
"""Scenarios of the small config whose (non-optional) stages the one-job runs compute."""

SPLIT_PLAN: dict[str, tuple[str, ...]] = {
    "tsodyks2000": ("main",),
    "sadeh2015": ("main",),
    "sweeney2017": ("diffusive",),
    "milstein2021": ("A-ref", "B-induction2", "C-network"),
    "urbanczik2014": ("main", "control_spikes_only"),
}
"""The scenarios run split (one process per stage, by Snakemake): one chain of every sub-model
(about 25 jobs; each job pays 3-5 s of imports)."""

VOLATILE_ATTRS = frozenset({"date_created", "git_commit", "git_dirty"})
"""Global attributes that differ between two runs of the same code and config: when the file
was written, and the git state of the directory it was written from."""

THREADS_ATTR = "numba_threads"
"""Global attribute recording Numba's thread count in the writing process (0 if the process
never loaded Numba): it describes the run, not its numbers, and differs by design between a
1-thread and a 2-thread run and between one process for all stages and one per stage."""


def load_small_config(root: str | Path) -> dict:
    """The validated small config (``config.yaml`` + ``small.yaml``) writing under ``root``."""
    from synplast.cli import load_config

    config = load_config([str(REPO / name) for name in CONFIG_FILES], REPO / SCHEMA)
    config["results_dir"] = str(root)
    return config


def plan_requests(config: Mapping, plan: Mapping[str, Iterable[str]]) -> list[tuple[str, object]]:
    """``(paper, Request)`` of every non-optional stage of the plan's scenarios, each after the
    stages it reads (also of other scenarios, e.g. milstein2021's calibration)."""
    from synplast.pipeline import graph

    ordered: list[tuple[str, object]] = []
    for paper, scenarios in plan.items():
        seen: set = set()

        def visit(request, paper=paper, seen=seen):
            if request in seen:
                return
            for upstream in graph.upstream_requests(config, paper, request):
                if upstream is not None:
                    visit(upstream)
            seen.add(request)
            ordered.append((paper, request))

        for scenario in scenarios:
            for name, stage in graph.scenario_stages(config, paper, scenario).items():
                if not stage.optional:
                    for request in graph.stage_requests(config, paper, scenario, name):
                        visit(request)
    return ordered


def relative_paths(config: Mapping, requests: Iterable[tuple[str, object]]) -> list[str]:
    """The stage files of ``requests`` relative to the results directory."""
    from synplast.pipeline.graph import stage_path

    return [stage_path(paper, *request, root=".").as_posix() for paper, request in requests]


def run_plan(config: Mapping, plan: Mapping[str, Iterable[str]], reverse: bool = False) -> list:
    """Run every stage of ``plan`` in this process, into ``config["results_dir"]``; papers in
    reverse order with ``reverse``.  Returns the stage files, relative to that directory."""
    from synplast.pipeline.stage import run_stage

    papers = list(plan)[::-1] if reverse else list(plan)
    requests = plan_requests(config, {paper: plan[paper] for paper in papers})
    for paper, request in requests:
        run_stage(paper, request.stage, config=config, scenario=request.scenario, seed=request.seed)
    return relative_paths(config, requests)


# --- comparing values ------------------------------------------------------------------------


def array_differences(a: np.ndarray, b: np.ndarray, where: str) -> list[str]:
    """Differences between two arrays, bit for bit: shape, dtype, then every element's bytes
    (so NaN positions, and +0.0 against -0.0, count)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return [f"{where}: {a.dtype}{list(a.shape)} != {b.dtype}{list(b.shape)}"]
    if a.dtype.kind in "OUS":
        same = a.shape == b.shape and all(x == y for x, y in zip(a.ravel(), b.ravel(), strict=True))
        return [] if same else [f"{where}: text values differ"]
    if a.size == 0:
        return []
    flat_a = np.ascontiguousarray(a).reshape(-1).view(np.uint8).reshape(a.size, -1)
    flat_b = np.ascontiguousarray(b).reshape(-1).view(np.uint8).reshape(b.size, -1)
    differ = np.flatnonzero((flat_a != flat_b).any(axis=1))
    if differ.size == 0:
        return []
    first = int(differ[0])
    numeric = a.dtype.kind in "fc"
    close = bool(np.array_equal(a, b, equal_nan=True)) if numeric else False
    note = " (equal as numbers: only the sign of a zero or a NaN payload differs)" if close else ""
    return [
        f"{where}: {differ.size} of {a.size} elements differ{note}; first at flat index "
        f"{first}: {a.reshape(-1)[first]!r} != {b.reshape(-1)[first]!r}"
    ]


def value_differences(a, b, where: str = "value") -> list[str]:
    """Differences between two nested values (tuples, lists, dicts, arrays, scalars), bit for
    bit; a NumPy scalar and a Python number of the same value and kind count as equal (pure
    Python and compiled code return one or the other)."""
    if isinstance(a, tuple | list) or isinstance(b, tuple | list):
        if not (isinstance(a, tuple | list) and isinstance(b, tuple | list)) or len(a) != len(b):
            return [f"{where}: {type(a).__name__} != {type(b).__name__} or lengths differ"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in value_differences(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or a.keys() != b.keys():
            return [f"{where}: keys differ"]
        return [d for k in a for d in value_differences(a[k], b[k], f"{where}[{k!r}]")]
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return array_differences(a, b, where)
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return [] if a == b else [f"{where}: {a!r} != {b!r}"]
    x, y = np.asarray(a), np.asarray(b)
    kinds = {x.dtype.kind, y.dtype.kind}
    if kinds <= {"b"} or kinds <= {"i", "u"}:
        return [] if int(a) == int(b) else [f"{where}: {a!r} != {b!r}"]
    if len(kinds) > 1:
        return [f"{where}: {type(a).__name__} {a!r} and {type(b).__name__} {b!r} differ in kind"]
    kind = kinds.pop()
    dtype = np.complex128 if kind == "c" else np.float64
    return array_differences(x.astype(dtype), y.astype(dtype), where)


# --- comparing stage files --------------------------------------------------------------------


def open_raw(path: str | Path) -> xr.Dataset:
    """A stage file's stored values, undecoded (no masking, scaling or time decoding)."""
    with xr.open_dataset(path, engine="netcdf4", decode_cf=False) as handle:
        return handle.load()


def _same_attr(x, y) -> bool:
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return not value_differences(x, y)
    return x == y or (x != x and y != y)  # NaN-valued attributes


def _upstream_files(attrs: Mapping, root: str) -> list[str]:
    """The upstream files recorded in ``inputs_sha256``, relative to the results directory."""
    files = json.loads(attrs.get("inputs_sha256", "{}") or "{}")
    return sorted(os.path.relpath(path, root) for path in files)


def stage_file_differences(
    a: str | Path,
    b: str | Path,
    *,
    roots: tuple[str, str],
    ignore: Iterable[str] = VOLATILE_ATTRS,
) -> list[str]:
    """How two stage files differ: variables, coordinates and dimensions (bit for bit), their
    attributes, and the global attributes but ``ignore``.  ``inputs_sha256`` is compared as
    the list of upstream files relative to each run's results directory ``roots`` (its hashes
    cover the upstream files' own ``date_created``).  Empty when the files hold the same
    numbers."""
    ignore = set(ignore)
    with open_raw(a) as one, open_raw(b) as two:
        if not one.variables or not any(var.size for var in one.variables.values()):
            return [f"{a}: no values to compare"]
        found = []
        if dict(one.sizes) != dict(two.sizes):
            found.append(f"dimensions {dict(one.sizes)} != {dict(two.sizes)}")
        if set(one.variables) != set(two.variables):
            found.append(f"variables {sorted(one.variables)} != {sorted(two.variables)}")
        for name in sorted(set(one.variables) & set(two.variables)):
            x, y = one.variables[name], two.variables[name]
            if x.dims != y.dims:
                found.append(f"{name}: dimensions {x.dims} != {y.dims}")
                continue
            found += array_differences(x.values, y.values, name)
            if set(x.attrs) != set(y.attrs) or not all(
                _same_attr(x.attrs[k], y.attrs[k]) for k in x.attrs
            ):
                found.append(f"{name}: attributes {x.attrs} != {y.attrs}")
        keys = (set(one.attrs) | set(two.attrs)) - ignore - {"inputs_sha256"}
        for key in sorted(keys):
            if key not in one.attrs or key not in two.attrs:
                found.append(f"global attribute {key!r} only in one file")
            elif not _same_attr(one.attrs[key], two.attrs[key]):
                found.append(f"global attribute {key}: {one.attrs[key]!r} != {two.attrs[key]!r}")
        if "inputs_sha256" not in ignore:
            upstream = _upstream_files(one.attrs, roots[0]), _upstream_files(two.attrs, roots[1])
            if upstream[0] != upstream[1]:
                found.append(f"upstream files {upstream[0]} != {upstream[1]}")
    return found


def assert_same_results(
    root_a: str | Path,
    root_b: str | Path,
    files: Iterable[str],
    *,
    ignore: Iterable[str] = VOLATILE_ATTRS,
    roots: tuple[str, str] | None = None,
) -> int:
    """Every one of ``files`` (relative paths) holds the same numbers under both results
    directories; returns how many values were compared.  ``roots`` are the results directories
    as the runs named them in ``inputs_sha256`` (default: ``root_a``, ``root_b``)."""
    files = sorted(set(files))
    assert files, "nothing to compare"
    roots = roots or (str(root_a), str(root_b))
    problems, compared = [], 0
    for rel in files:
        a, b = Path(root_a) / rel, Path(root_b) / rel
        missing = [str(p) for p in (a, b) if not p.is_file()]
        if missing:
            problems.append(f"{rel}: missing {missing}")
            continue
        problems += [
            f"{rel}: {d}" for d in stage_file_differences(a, b, roots=roots, ignore=ignore)
        ]
        with open_raw(a) as ds:
            compared += sum(var.size for var in ds.variables.values())
    assert not problems, "\n".join(problems)
    return compared


def assert_threads_recorded(
    root: str | Path, files: Iterable[str], threads: int, exact: Iterable[str] = ()
) -> None:
    """Every one of ``files`` records ``threads`` Numba threads (or 0: its process never
    loaded Numba), and those of ``exact`` (stages that run parallel loops) exactly that."""
    recorded = {}
    for rel in files:
        with open_raw(Path(root) / rel) as ds:
            recorded[rel] = int(ds.attrs[THREADS_ATTR])
    wrong = {rel: n for rel, n in recorded.items() if n not in (0, threads)}
    wrong.update({rel: recorded.get(rel) for rel in exact if recorded.get(rel) != threads})
    assert not wrong, f"expected {threads} Numba threads: {wrong}"


# --- background runs --------------------------------------------------------------------------


class Background:
    """A command (``name`` in messages) running in its own process group while the tests do
    other work; its output goes to ``log``."""

    def __init__(self, name: str, args: list[str], log: Path, env: dict, cwd: Path = REPO):
        self.name, self.args, self.log = name, args, log
        self.start = time.monotonic()
        with open(log, "w") as out:
            self.proc = subprocess.Popen(
                args,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.seconds: float | None = None

    def wait(self, timeout: float = 900) -> None:
        """Wait for the command; fail with its output's tail if it fails or runs too long."""
        try:
            self.proc.wait(timeout=max(timeout - (time.monotonic() - self.start), 1))
        except subprocess.TimeoutExpired:
            self.stop()
            command = " ".join(self.args)
            raise AssertionError(f"{command} ran over {timeout} s:\n{self.tail()}") from None
        if self.seconds is None:
            self.seconds = time.monotonic() - self.start
            print(f"\n[determinism] {self.name}: {self.seconds:.1f} s", file=sys.stderr)
        assert self.proc.returncode == 0, f"{' '.join(self.args)} failed:\n{self.tail()}"

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """End the command and the processes it started (its own process group)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def python_env(**extra: str) -> dict:
    """This process's environment with ``extra`` set (``PYTHONPATH`` leading to this checkout's
    ``src`` and ``tests``, whatever the installed package)."""
    env = os.environ.copy()
    env.pop("NUMBA_DISABLE_JIT", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.update(extra)
    return env

"""Runners for the workflow's generic rules: one paper-independent function per rule kind.

- :mod:`.stage`: ``inputs``, ``plastic`` and ``test`` stages of any paper;
- :mod:`.figure`: render one figure of a paper from stage files;
- :mod:`.claims`: measure a paper's claims, and join all papers into the scorecard.

The workflow scripts are thin adapters that read the ``snakemake`` object and call these, so
every rule can also be run from Python (tests, debugging) without Snakemake.  Each runner
module is kept separate so that its code hash covers only what that kind of rule runs.
"""

from __future__ import annotations

from pathlib import Path

STAGE_MODULES = {
    "inputs": ("inputs", "make_inputs"),
    "plastic": ("plastic", "run_plastic"),
    "test": ("probe", "run_test"),
}
"""Stage name -> (module of the paper package, function)."""

UPSTREAM = {"inputs": (), "plastic": ("inputs",), "test": ("inputs", "plastic")}
"""Stage name -> the stages whose files it reads, in call order."""


def stage_path(paper: str, scenario: str, seed: int, stage: str, root: str | Path = "results"):
    """``results/<paper>/<scenario>/seed<seed>/<stage>.nc``."""
    return Path(root) / paper / scenario / f"seed{int(seed)}" / f"{stage}.nc"


def figure_stem(paper: str, figure: str, root: str | Path = "results") -> Path:
    """``results/<paper>/figures/<figure>`` (``.png``, ``.pdf`` and ``.nc`` are added)."""
    return Path(root) / paper / "figures" / figure


def paper_module(paper: str, module: str) -> str:
    return f"synplast.papers.{paper}.{module}"


def code_hash(paper: str, kind: str) -> str:
    """Content hash of the code one rule kind runs for ``paper``.

    ``kind`` is a stage name, ``figure`` or ``claims``.
    """
    from synplast.provenance import code_sha256

    if kind in STAGE_MODULES:
        return code_sha256("synplast.pipeline.stage", paper_module(paper, STAGE_MODULES[kind][0]))
    if kind == "figure":
        return code_sha256(
            "synplast.pipeline.figure",
            paper_module(paper, "figures"),
            paper_module(paper, "targets"),
        )
    if kind == "claims":
        return code_sha256(
            "synplast.pipeline.claims",
            paper_module(paper, "claims"),
            paper_module(paper, "targets"),
        )
    raise ValueError(f"unknown rule kind {kind!r}")


def read_requested(paper, requests, input_paths=None, root="results"):
    """Read and check the stage files of ``requests`` (``(scenario, seed, stage)`` triples).

    ``input_paths`` are the files the rule was given, in request order (default: the standard
    paths under ``root``).  Returns ``(paths, {request: Dataset})``.
    """
    from synplast.stagefile import read_stage

    if input_paths is None:
        paths = [
            stage_path(paper, scenario, seed, stage, root) for scenario, seed, stage in requests
        ]
    else:
        paths = [Path(path) for path in input_paths]
    if len(paths) != len(requests):
        raise ValueError(f"{paper}: expected {len(requests)} input files, got {len(paths)}")
    datasets = {
        request: read_stage(
            path, paper=paper, stage=request[2], scenario=request[0], seed=request[1]
        )
        for request, path in zip(requests, paths, strict=True)
    }
    return paths, datasets


def provenance_of_requests(requests) -> dict:
    """``scenario`` and ``seed`` attributes of a file made from several stage files."""
    seeds = sorted({seed for _, seed, _ in requests})
    return {
        "scenario": ",".join(dict.fromkeys(scenario for scenario, _, _ in requests)),
        "seed": seeds[0] if len(seeds) == 1 else -1,
    }


def set_threads(threads: int) -> int:
    """Use ``threads`` Numba threads (capped at what Numba was started with); returns it."""
    import numba

    threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(threads)
    return threads


class logged:
    """Context manager of every rule script: stdout and stderr go to the rule's log file.

    A failure writes its traceback to the log and one line naming the error and the log to the
    console's stderr, then exits non-zero, so the console stays readable and the log holds the
    detail.
    """

    def __init__(self, log_path: str | Path):
        self.log_path = Path(log_path)

    def __enter__(self):
        import sys

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        self._saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self._handle
        return self

    def __exit__(self, kind, error, tb):
        import sys
        import traceback

        if error is not None:
            traceback.print_exception(kind, error, tb, file=self._handle)
        sys.stdout, sys.stderr = self._saved
        self._handle.close()
        if error is not None and not isinstance(error, SystemExit):
            first = str(error).splitlines()[0] if str(error) else ""
            print(
                f"synplast: {type(error).__name__}: {first} (log: {self.log_path})", file=sys.stderr
            )
            raise SystemExit(1) from None
        return False

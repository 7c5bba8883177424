"""Runners for the workflow's generic rules: one paper-independent function per rule kind.

- :mod:`.graph`: the stage graphs the papers declare, paths and code hashes;
- :mod:`.stage`: any declared stage of any paper;
- :mod:`.figure`: render one figure of a paper from stage files;
- :mod:`.claims`: measure a paper's claims, and join all papers into the scorecard.

The workflow scripts are thin adapters that read the ``snakemake`` object and call these, so
every rule can also be run from Python (tests, debugging) without Snakemake.  Each runner
module is kept separate so that its code hash covers only what that kind of rule runs.
"""

from __future__ import annotations

from pathlib import Path

from synplast.pipeline.graph import (
    Request,
    claims_code_hash,
    declaration,
    figure_code_hash,
    figure_stem,
    stage_code_hash,
    stage_path,
)

__all__ = [
    "Request",
    "claims_code_hash",
    "declaration",
    "figure_code_hash",
    "figure_stem",
    "logged",
    "provenance_of_requests",
    "read_requested",
    "set_threads",
    "stage_code_hash",
    "stage_path",
]


def read_requested(paper, requests, input_paths=None, root="results"):
    """Read and check the stage files of ``requests`` (``(scenario, seed, stage)`` triples,
    ``seed`` None for a deterministic stage).

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
    """``scenario`` and ``seeds`` attributes of a file made from several stage files: the
    scenarios and the real seeds it was made from (empty for deterministic stages)."""
    seeds = sorted({int(seed) for _, seed, _ in requests if seed is not None})
    scenarios = ",".join(dict.fromkeys(scenario for scenario, _, _ in requests))
    if len(seeds) == 1:
        return {"scenario": scenarios, "seed": seeds[0]}
    return {"scenario": scenarios, "seeds": seeds}


def set_threads(threads: int) -> int:
    """Use ``threads`` Numba threads (capped at what Numba can start); returns it.

    Numba is not imported for this: a job that runs no Numba code (drawing inputs, a figure)
    does not pay for loading it; the thread count then takes effect when Numba is imported.
    """
    import os
    import sys

    threads = max(1, int(threads))
    numba = sys.modules.get("numba")
    if numba is None:
        limit = int(os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count() or 1)
        threads = min(threads, limit)
        os.environ["NUMBA_NUM_THREADS"] = str(threads)
    else:
        threads = min(threads, numba.config.NUMBA_NUM_THREADS)
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

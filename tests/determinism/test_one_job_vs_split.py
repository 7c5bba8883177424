"""Identical numbers whether a paper's stages run in one job or split.

"One job": every stage of the plan, one after the other, in ONE Python process, sharing its
imports, compiled kernels, Numba thread pool and any module state a stage leaves behind
(``tests.determinism.one_job``, one Numba thread).  "Split": each stage its own process, as
Snakemake runs them (``snakemake --cores 2`` in a scratch copy; every rule asks for one Numba
thread).  For every paper, one chain of every sub-model
(:data:`tests.determinism.helpers.SPLIT_PLAN`) must hold the same values bit for bit.
"""

from __future__ import annotations

import re

from tests.determinism.helpers import THREADS_ATTR, VOLATILE_ATTRS, assert_same_results


def test_stages_split_over_processes_equal_all_stages_in_one_process(split_run, one_job_runs):
    split, one_job = split_run.done(), one_job_runs[1].done()
    log = split.background.log.read_text()
    jobs = re.findall(r"^(?:local)?rule (?:stage|deterministic_stage):$", log, re.M)
    assert len(jobs) == len(split.files), f"expected one job per stage file:\n{log[-3000:]}"
    # numba_threads: 0 in a job that never loaded Numba, 1 in one process that did
    assert_same_results(
        one_job.root,
        split.root,
        split.files,
        ignore=VOLATILE_ATTRS | {THREADS_ATTR},
        roots=(str(one_job.root), "results"),
    )

"""Identical numbers for 1 and 2 Numba threads.

Numba's thread count is fixed when a process starts its thread pool, so each count gets its own
process (``NUMBA_NUM_THREADS=1`` and ``=2``), running every stage of
:data:`tests.determinism.helpers.PLAN`; the files must hold the same values bit for bit.  The
files record the thread count (``numba_threads``), which is checked to be the one asked for
and is the one global attribute besides the time of writing and the git state that differs.
"""

from __future__ import annotations

from tests.determinism.helpers import (
    THREADS_ATTR,
    VOLATILE_ATTRS,
    assert_same_results,
    assert_threads_recorded,
)

PARALLEL_STAGES = (
    "tsodyks2000/main/seed1/plastic.nc",
    "tsodyks2000/main/seed1/test.nc",
    "milstein2021/C-network/seed0/network.nc",
)
"""Files of stages whose kernels run ``prange`` loops (their thread count must be exact)."""


def test_one_and_two_numba_threads_write_identical_numbers(one_job_runs):
    one, two = one_job_runs[1].done(), one_job_runs[2].done()
    for run in (one, two):
        assert_threads_recorded(run.root, run.files, run.threads, exact=PARALLEL_STAGES)
    assert_same_results(one.root, two.root, one.files, ignore=VOLATILE_ATTRS | {THREADS_ATTR})

"""Identical numbers on re-run: the same stages with the same config and seeds, run again,
write the same values bit for bit, in the same process and in a fresh one.

Every non-optional stage of the scenarios of :data:`tests.determinism.helpers.PLAN` (every
sub-model of every paper) is compared: every variable and coordinate, byte for byte (NaN
positions and signed zeros included), their attributes, and every global attribute but the
time of writing and the git state.
"""

from __future__ import annotations

import sys

from tests.determinism.helpers import assert_same_results


def test_second_run_in_the_same_process_writes_identical_numbers(in_process_runs, plan_files):
    """The second run (papers in reverse order, after everything the first left behind in
    the process: imports, compiled kernels, module state) equals the first."""
    first, second = in_process_runs
    compared = assert_same_results(first.root, second.root, plan_files)
    print(f"\n[determinism] {len(plan_files)} files, {compared} values", file=sys.stderr)


def test_run_in_a_fresh_process_writes_identical_numbers(in_process_runs, one_job_runs):
    """A fresh process (with another hash seed) equals this one, at the same thread count."""
    first, _ = in_process_runs
    fresh = one_job_runs[first.threads].done()
    assert_same_results(first.root, fresh.root, fresh.files)

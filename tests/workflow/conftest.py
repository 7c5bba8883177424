"""The session's one real run of the small config, shared by the workflow tests.

``tiny_run_process`` runs ``all`` once per test session in a scratch copy of the repository
(its own git repository, with ``src/`` first on ``PYTHONPATH``), with ``--cores 8`` even on a
machine with fewer cores, so that many jobs read and write NetCDF (HDF5) files at once.
``tiny_run`` is the same run for tests that need it to have succeeded.  Tests that edit code
or damage results work on copies, never on the shared run.
"""

from __future__ import annotations

import pytest

from tests.workflow.helpers import make_scratch_copy, snakemake


@pytest.fixture(scope="session")
def tiny_run_process(repo, tmp_path_factory):
    """The small config's ``all``, run for real once: ``(workdir, env, completed process)``."""
    work = tmp_path_factory.mktemp("workflow")
    env = make_scratch_copy(repo, work)
    done = snakemake(work, "--cores", "8", "all", "--configfile", "config/small.yaml", env=env)
    return work, env, done


@pytest.fixture(scope="session")
def tiny_run(tiny_run_process):
    """``(workdir, env)`` of the shared run, which must have succeeded."""
    work, env, done = tiny_run_process
    assert done.returncode == 0, done.stderr[-3000:]
    return work, env

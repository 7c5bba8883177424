"""The comparators of the determinism tests fail where they must: a self-test.

The stage-file comparator is given a real stage file and copies of it perturbed through the
NetCDF library (one float one ulp off, one integer changed, an attribute changed), and small
files differing in the ways the real ones might (a NaN moved, a signed zero, a coordinate, a
dtype, a missing variable); only the time of writing and the git state may differ unseen.  The
value comparator of the kernel outputs is checked the same way.  The
plans the runs compute are checked to cover every sub-model and stage of every paper.
"""

from __future__ import annotations

import shutil

import netCDF4
import numpy as np
import pytest
import xarray as xr

from synplast.pipeline import graph
from synplast.registry import REGISTRY
from tests.determinism.helpers import (
    PLAN,
    SPLIT_PLAN,
    open_raw,
    plan_requests,
    stage_file_differences,
    value_differences,
)
from tests.determinism.kernels import CHAINS, KERNELS

REAL_FILE = "tsodyks2000/main/seed1/test.nc"


def perturbed(source, target, change) -> str:
    shutil.copy2(source, target)
    with netCDF4.Dataset(target, "r+") as handle:
        change(handle)
    return target


def first_variable(path, kind: str) -> str:
    """A variable with values of dtype kind ``kind`` (``f``, ``i``) in a stage file."""
    with open_raw(path) as ds:
        return next(
            name for name, var in ds.variables.items() if var.dtype.kind == kind and var.size > 1
        )


def test_stage_file_comparator_sees_a_one_ulp_change_in_a_real_file(in_process_runs, tmp_path):
    first, _ = in_process_runs
    source = first.root / REAL_FILE
    roots = (str(first.root), str(first.root))
    floats, ints = first_variable(source, "f"), first_variable(source, "i")

    def nudge(handle):
        values = handle[floats][:]
        handle[floats][0] = np.nextafter(values[0], np.inf)

    def bump(handle):
        handle[ints][0] = handle[ints][0] + 1

    def restamp(handle):
        handle.setncattr("date_created", "1999-01-01T00:00:00Z")
        handle.setncattr("git_commit", "0" * 40)
        handle.setncattr("git_dirty", 1 - int(handle.getncattr("git_dirty")))

    def reconfigure(handle):
        handle.setncattr("config_sha256", "0" * 64)

    def relabel(handle):
        handle[floats].setncattr("units", "furlong")

    assert stage_file_differences(source, source, roots=roots) == []
    assert (
        stage_file_differences(source, perturbed(source, tmp_path / "a.nc", restamp), roots=roots)
        == []
    )
    for name, change, expected in (
        ("nudge", nudge, f"{floats}: 1 of"),
        ("bump", bump, f"{ints}: 1 of"),
        ("reconfigure", reconfigure, "global attribute config_sha256"),
        ("relabel", relabel, f"{floats}: attributes"),
    ):
        found = stage_file_differences(
            source, perturbed(source, tmp_path / f"{name}.nc", change), roots=roots
        )
        assert len(found) == 1 and found[0].startswith(expected), (name, found)


def small_file(path, values, *, t=(0.0, 1.0, 2.0), extra=None, attrs=None) -> str:
    data = {"a": ("t", np.asarray(values)), "n": ("t", np.array([1, 2, 3], np.int32))}
    data.update(extra or {})
    ds = xr.Dataset(data, coords={"t": ("t", np.asarray(t))}, attrs={"paper": "p", **(attrs or {})})
    ds.to_netcdf(path, engine="netcdf4")
    return path


@pytest.mark.parametrize(
    ("values", "kwargs", "expected"),
    [
        ([0.0, np.nan, 1.0], {}, "a: 2 of 3 elements differ"),
        ([-0.0, 1.0, np.nan], {}, "a: 1 of 3 elements differ (equal as numbers"),
        ([0.0, 1.0, np.nan], {"t": (0.0, 1.0, 3.0)}, "t: 1 of 3"),
        (np.array([0.0, 1.0, np.nan], np.float32), {}, "a: float64[3] != float32[3]"),
        ([0.0, 1.0, np.nan], {"extra": {"b": ("t", np.zeros(3))}}, "variables"),
        ([0.0, 1.0, np.nan], {"attrs": {"seed": 2}}, "global attribute 'seed' only in one"),
    ],
)
def test_stage_file_comparator_sees_every_kind_of_difference(tmp_path, values, kwargs, expected):
    base = small_file(tmp_path / "base.nc", [0.0, 1.0, np.nan])
    roots = (str(tmp_path), str(tmp_path))
    # the same values, NaN at the same place, written again: equal
    assert (
        stage_file_differences(
            base, small_file(tmp_path / "same.nc", [0.0, 1.0, np.nan]), roots=roots
        )
        == []
    )
    other = small_file(tmp_path / "other.nc", values, **kwargs)
    found = stage_file_differences(base, other, roots=roots)
    assert any(line.startswith(expected) for line in found), found


def test_stage_file_comparator_refuses_a_file_without_values(tmp_path):
    empty = tmp_path / "empty.nc"
    xr.Dataset(attrs={"paper": "p"}).to_netcdf(empty, engine="netcdf4")
    assert "no values to compare" in stage_file_differences(empty, empty, roots=("", ""))[0]


def test_value_comparator_is_bit_for_bit():
    one = np.array([1.0, np.nan, 3.0])
    result = (one, np.arange(3), 2.5, 7, None)
    assert (
        value_differences(result, (one.copy(), np.arange(3), np.float64(2.5), np.int64(7), None))
        == []
    )
    nudged = one.copy()
    nudged[0] = np.nextafter(1.0, 2.0)
    for other in (
        (nudged, np.arange(3), 2.5, 7, None),
        (np.array([1.0, 2.0, np.nan]), np.arange(3), 2.5, 7, None),
        (one, np.arange(3), -2.5, 7, None),
        (one, np.arange(3, dtype=np.int32), 2.5, 7, None),
        (one, np.arange(3), 2.5, 8, None),
        (one, np.arange(3), 2.5, 7.0, None),
        (one, np.arange(3), 2.5, 7),
    ):
        assert value_differences(result, other), other
    assert value_differences(0.0, -0.0)
    assert value_differences([np.zeros(0)], [np.zeros(0)]) == []


def test_the_runs_cover_every_sub_model_and_stage_of_every_paper(small_config):
    """Every paper's sub-models (those its small-config scenarios use) and each of their
    non-optional stages are in the one-job plan and in the split plan, and every paper has a
    tiny run for the kernel cases."""
    for paper in REGISTRY:
        wanted = {
            (graph.submodel_of(small_config, paper, scenario), name)
            for scenario, entry in small_config[paper]["scenarios"].items()
            if not entry.get("optional")
            for name, stage in graph.scenario_stages(small_config, paper, scenario).items()
            if not stage.optional
        }
        for plan in (PLAN, SPLIT_PLAN):
            covered = {
                (graph.submodel_of(small_config, paper, request.scenario), request.stage)
                for _, request in plan_requests(small_config, {paper: plan[paper]})
            }
            assert wanted <= covered, (paper, wanted - covered)
        assert paper in CHAINS
        assert any(kernel.startswith(f"synplast.papers.{paper}.") for kernel in KERNELS)

"""The stage-file contract: provenance on write, checks on read, atomic writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr

from synplast.stagefile import (
    PROVENANCE_ATTRS,
    StageFileError,
    config_sha256,
    read_stage,
    write_stage,
)

PROVENANCE = dict(
    paper="tsodyks2000",
    scenario="main",
    stage="inputs",
    seed=7,
    config={"model": {"dt_ms": 1.0}},
    code_sha256="abc",
)


def dataset(values=(1.0, 2.0, 3.0), **attrs) -> xr.Dataset:
    return xr.Dataset(
        {
            "rate_Hz": (
                "neuron",
                np.asarray(values),
                {"units": "Hz", "long_name": "firing rate", **attrs},
            )
        },
        coords={
            "neuron": (
                "neuron",
                np.arange(len(values)),
                {"units": "1", "long_name": "neuron index"},
            )
        },
    )


def test_written_file_carries_every_provenance_attribute(tmp_path):
    upstream = tmp_path / "up.nc"
    write_stage(dataset(), upstream, **PROVENANCE)
    path = write_stage(
        dataset(), tmp_path / "f.nc", **{**PROVENANCE, "stage": "plastic"}, inputs=[upstream]
    )
    attrs = read_stage(path, paper="tsodyks2000", stage="plastic", seed=7).attrs
    assert set(PROVENANCE_ATTRS) <= set(attrs)
    assert json.loads(attrs["config_json"]) == PROVENANCE["config"]
    assert attrs["config_sha256"] == config_sha256(PROVENANCE["config"])
    assert list(json.loads(attrs["inputs_sha256"])) == [str(upstream)]
    assert set(json.loads(attrs["package_versions"])) >= {"numpy", "numba", "xarray"}


def test_variables_without_units_are_refused(tmp_path):
    bad = xr.Dataset({"w": ("k", np.ones(2))})
    with pytest.raises(StageFileError, match="units"):
        write_stage(bad, tmp_path / "f.nc", **PROVENANCE)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"paper": "sadeh2015"}, "paper is 'tsodyks2000', expected 'sadeh2015'"),
        ({"stage": "test"}, "stage is 'inputs', expected 'test'"),
        ({"seed": 8}, "seed is 7, expected 8"),
        ({"variables": ["weights_mV"]}, "missing variable"),
    ],
)
def test_reading_the_wrong_file_is_a_one_line_error_naming_it(tmp_path, expect, message):
    path = write_stage(dataset(), tmp_path / "f.nc", **PROVENANCE)
    with pytest.raises(StageFileError) as error:
        read_stage(path, **expect)
    assert str(path) in str(error.value) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_nan_is_refused_unless_the_variable_allows_it(tmp_path):
    path = write_stage(dataset([1.0, np.nan]), tmp_path / "f.nc", **PROVENANCE)
    with pytest.raises(StageFileError, match="'rate_Hz' holds NaN"):
        read_stage(path)
    ok = write_stage(dataset([1.0, np.nan], may_be_nan=1), tmp_path / "g.nc", **PROVENANCE)
    assert np.isnan(read_stage(ok)["rate_Hz"].values[1])


def test_truncated_and_foreign_files_are_one_line_errors(tmp_path):
    path = write_stage(dataset(np.arange(5000.0)), tmp_path / "f.nc", **PROVENANCE)
    path.write_bytes(path.read_bytes()[:1500])
    with pytest.raises(StageFileError, match="not a readable NetCDF stage file"):
        read_stage(path)
    plain = tmp_path / "plain.nc"
    dataset().to_netcdf(plain)
    with pytest.raises(StageFileError, match="missing provenance attribute"):
        read_stage(plain)
    with pytest.raises(StageFileError, match="does not exist"):
        read_stage(tmp_path / "absent.nc")


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_netcdf", explode)
    with pytest.raises(KeyboardInterrupt):
        write_stage(dataset(), tmp_path / "f.nc", **PROVENANCE)
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writer_never_leaves_a_complete_looking_file(tmp_path):
    """SIGKILL during a large write: the target name never appears (only a hidden temp)."""
    target = tmp_path / "big.nc"
    code = f"""
import numpy as np, xarray as xr, sys
from synplast.stagefile import write_stage
ds = xr.Dataset({{"w": (("a", "b"), np.random.default_rng(0).random((6000, 6000)),
                  {{"units": "mV", "long_name": "weights"}})}})
print("ready", flush=True)
write_stage(ds, {str(target)!r}, paper="p", scenario="s", stage="plastic", seed=1,
            config={{}}, code_sha256="x")
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    deadline = time.time() + 60
    while not any(p.name.startswith(".big.nc.tmp") for p in tmp_path.iterdir()):
        assert time.time() < deadline and proc.poll() is None, "writer never started"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not target.exists()

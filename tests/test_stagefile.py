"""The stage-file contract: provenance on write, checks on read, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import time

import netCDF4
import numpy as np
import pytest
import xarray as xr

from synplast.stagefile import (
    PROVENANCE_ATTRS,
    TRAILER_LENGTH,
    StageFileError,
    _append_trailer,
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_is_refused_unless_the_variable_allows_it(tmp_path, dtype):
    values = np.array([1.0, np.nan], dtype=dtype)
    path = write_stage(dataset(values), tmp_path / "f.nc", **PROVENANCE)
    with pytest.raises(StageFileError, match="'rate_Hz' holds NaN"):
        read_stage(path)
    ok = write_stage(dataset(values, may_be_nan=1), tmp_path / "g.nc", **PROVENANCE)
    assert np.isnan(read_stage(ok)["rate_Hz"].values[1])


def test_truncated_and_foreign_files_are_one_line_errors(tmp_path):
    path = write_stage(dataset(np.arange(5000.0)), tmp_path / "f.nc", **PROVENANCE)
    path.write_bytes(path.read_bytes()[:1500])
    with pytest.raises(StageFileError, match="not a readable NetCDF stage file"):
        read_stage(path)
    plain = tmp_path / "plain.nc"
    dataset().to_netcdf(plain)
    with pytest.raises(StageFileError, match="no checksum trailer"):
        read_stage(plain)
    _append_trailer(plain)  # a well-formed file, but without provenance
    with pytest.raises(StageFileError, match="missing provenance attribute"):
        read_stage(plain)
    with pytest.raises(StageFileError, match="does not exist"):
        read_stage(tmp_path / "absent.nc")


def test_the_checksum_trailer_is_the_sha256_of_the_rest_of_the_file(tmp_path):
    raw = write_stage(dataset(), tmp_path / "f.nc", **PROVENANCE).read_bytes()
    body, trailer = raw[:-TRAILER_LENGTH], raw[-TRAILER_LENGTH:]
    assert trailer == b"\nsynplast sha256 " + hashlib.sha256(body).hexdigest().encode() + b"\n"
    assert body.startswith(b"\x89HDF\r\n\x1a\n")
    # every NetCDF reader ignores the trailer
    with xr.open_dataset(tmp_path / "f.nc") as plain:
        np.testing.assert_array_equal(plain["rate_Hz"].values, dataset()["rate_Hz"].values)


def flip_byte_of(path, value: bytes) -> None:
    """Flip the lowest bit of the last byte of the first occurrence of ``value`` in ``path``."""
    raw = bytearray(path.read_bytes())
    offset = raw.find(value)
    assert offset >= 0, "value not stored verbatim"
    raw[offset + len(value) - 1] ^= 1
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("variable", "stored"),
    [
        # a scalar is stored contiguously, without an HDF5 checksum
        ("dt_ms", struct.pack("<d", 0.123456789)),
        # strings live in HDF5's global heap, without a checksum
        ("label", b"synapse-statement"),
    ],
)
def test_a_flipped_byte_that_hdf5_would_not_notice_is_refused(tmp_path, variable, stored):
    ds = dataset().assign(
        dt_ms=((), 0.123456789, {"units": "ms", "long_name": "clock step"}),
        label=((), "synapse-statement", {"units": "1", "long_name": "label"}),
    )
    path = write_stage(ds, tmp_path / "f.nc", **PROVENANCE)
    flip_byte_of(path, stored)
    with xr.open_dataset(path) as plain:  # HDF5 itself reads back another value, silently
        assert plain[variable].values != ds[variable].values
    with pytest.raises(StageFileError, match="differ from its checksum trailer") as error:
        read_stage(path)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)


def test_numeric_arrays_carry_hdf5_chunk_checksums_and_coordinates_no_fill_value(tmp_path):
    path = write_stage(dataset(), tmp_path / "f.nc", **PROVENANCE)
    with netCDF4.Dataset(path) as handle:
        assert handle.variables["rate_Hz"].filters()["fletcher32"]
        assert handle.variables["neuron"].filters()["fletcher32"]
        assert "_FillValue" not in handle.variables["neuron"].ncattrs()


def test_a_text_index_is_stored_as_a_cf_label_and_read_back_as_the_index(tmp_path):
    claims = ["rate_rises", "x_recovers"]
    ds = xr.Dataset(
        {"value": (("claim",), [1.0, 2.0], {"units": "1", "long_name": "measured value"})},
        coords={"claim": ("claim", claims, {"units": "1", "long_name": "claim id"})},
    )
    path = write_stage(ds, tmp_path / "f.nc", **PROVENANCE)
    with netCDF4.Dataset(path) as handle:
        assert "claim" not in handle.variables  # no text-valued coordinate variable
        label = handle.variables["claim_label"]
        assert label.dimensions == ("claim",) and label.labels_dimension == "claim"
        assert handle.variables["value"].coordinates == "claim_label"
    back = read_stage(path)
    assert list(back.indexes["claim"]) == claims
    assert back["claim"].attrs == {"units": "1", "long_name": "claim id"}
    assert "claim_label" not in back.variables
    assert back["value"].sel(claim="x_recovers").item() == 2.0


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

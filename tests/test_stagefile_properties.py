"""Property-based tests of ``read_stage`` against damaged stage files.

Whatever the damage (truncation, flipped or overwritten bytes, zero-filled regions, garbage
appended, provenance attributes deleted or renamed, the wrong paper or stage, a value or a NaN
written into a variable), ``read_stage`` either returns a Dataset identical to the original
(the damage hit only bytes the file does not use) or raises ``StageFileError`` with one line
naming the file: never another exception, never a hang, never a crash of the process.

The damaged files are read by a separate reader process, so that a crash inside HDF5 (a
segmentation fault on corrupt metadata) fails the test with the damage that caused it instead
of killing the test run; a reader that does not answer within ``READ_TIMEOUT_S`` is a hang.
Both are real risks: a few hundred zeroed bytes in HDF5's global heap make the HDF5 library
loop forever when it opens the file, and a flipped byte in a scalar variable or a string is
read back as another value without any error.  This is why every stage file ends with a
checksum trailer that ``read_stage`` checks before HDF5 sees the file
(``synplast.stagefile.check_trailer``).
"""

from __future__ import annotations

import itertools
import json
import select
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from synplast.stagefile import PROVENANCE_ATTRS, var_attrs, write_stage

EXPECTED = {"paper": "tsodyks2000", "scenario": "main", "stage": "plastic", "seed": 3}
READ_TIMEOUT_S = 60
# About 25 ms per example (write the damaged copy, read it in the reader process): the whole
# file runs in well under a minute.
BYTE_DAMAGE = settings(max_examples=150, deadline=None, database=None)
EDITS = settings(max_examples=40, deadline=None, database=None)

READER = r"""
import json, sys
from synplast.stagefile import StageFileError, read_stage
expected = json.loads(sys.argv[2])
original = read_stage(sys.argv[1], **expected)
print("ready", flush=True)
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        ds = read_stage(path, **expected)
    except StageFileError as error:
        reply = {"outcome": "StageFileError", "message": str(error)}
    except BaseException as error:
        reply = {"outcome": type(error).__name__, "message": str(error)}
    else:
        reply = {"outcome": "identical" if ds.identical(original) else "differs"}
    print(json.dumps(reply), flush=True)
"""


def original_dataset() -> xr.Dataset:
    """A stage file's worth of every storage kind: compressed chunked arrays (float, int),
    a scalar, strings, a text index, a variable that may hold NaN."""
    rng = np.random.default_rng(0)
    n = 48
    osi = rng.random(n)
    osi[::7] = np.nan
    claims = np.array(["rate_rises", "bursts_synchronise", "x_recovers"], dtype=object)
    return xr.Dataset(
        {
            "W_mV": (("pre", "post"), rng.normal(size=(n, n)), var_attrs("mV", "weight")),
            "rate_Hz": ("neuron", 10 * rng.random(n), var_attrs("Hz", "firing rate")),
            "osi": ("neuron", osi, var_attrs("1", "OSI (NaN: silent)", may_be_nan=True)),
            "spike_step": (
                "spike",
                np.sort(rng.integers(0, 10_000, 400)).astype(np.int32),
                var_attrs("1", "step of each spike (time = step x dt_ms)"),
            ),
            "dt_ms": ((), 0.123456789, var_attrs("ms", "clock step")),
            "statement": (
                "claim",
                np.array(["the rate rises", "bursts synchronise", "x recovers"], dtype=object),
                var_attrs("1", "statement of the claim"),
            ),
        },
        coords={
            "neuron": ("neuron", np.arange(n, dtype=np.int32), var_attrs("1", "neuron index")),
            "pre": ("pre", np.arange(n, dtype=np.int32), var_attrs("1", "presynaptic neuron")),
            "post": ("post", np.arange(n, dtype=np.int32), var_attrs("1", "postsynaptic neuron")),
            "claim": ("claim", claims, var_attrs("1", "claim id")),
        },
    )


FLOAT_VARIABLES = ("W_mV", "rate_Hz", "osi", "dt_ms")


class Reader:
    """A long-lived process that reads damaged copies with ``read_stage``; restarted after a
    crash or a hang."""

    def __init__(self, original: Path) -> None:
        """Start the process; it reads ``original`` first, as the reference."""
        self.original = original
        self._start()

    def _start(self) -> None:
        """Start the reader process and wait for it to be ready."""
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, str(self.original), json.dumps(EXPECTED)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "ready", "the reader did not start"

    def read(self, path: Path) -> dict:
        """The reader's outcome for ``path``: ``identical``, ``differs``, ``StageFileError``
        (with ``message``), another exception's name, ``hang`` or ``crash``."""
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], READ_TIMEOUT_S)
        if not ready:
            self.close()
            self._start()
            return {"outcome": "hang", "message": f"no answer within {READ_TIMEOUT_S} s"}
        line = self.proc.stdout.readline()
        if not line:
            status = self.proc.wait()
            self._start()
            return {"outcome": "crash", "message": f"reader process died (status {status})"}
        return json.loads(line)

    def close(self) -> None:
        """Stop the process."""
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="module")
def stage_file(tmp_path_factory):
    """The original file, its bytes, a folder for damaged copies, and the reader process."""
    folder = tmp_path_factory.mktemp("damage")
    original = write_stage(
        original_dataset(),
        folder / "plastic.nc",
        config={"model": {"dt_ms": 0.1}},
        code_sha256="0" * 64,
        **EXPECTED,
    )
    reader = Reader(original)
    yield original, original.read_bytes(), folder, reader
    reader.close()


_names = itertools.count()


def damaged_copy(folder: Path, data: bytes) -> Path:
    """Write ``data`` as a new file in ``folder`` (a new name each time: no reader can have
    it cached)."""
    path = folder / f"damaged{next(_names)}.nc"
    path.write_bytes(data)
    return path


def assert_identical_or_refused(reader: Reader, path: Path, damage: str) -> str:
    """The property: ``read_stage`` of ``path`` returns the original or raises a one-line
    ``StageFileError`` naming the file.  Returns the outcome."""
    reply = reader.read(path)
    outcome = reply["outcome"]
    assert outcome in ("identical", "StageFileError"), (
        f"{damage}: read_stage gave {outcome} ({reply.get('message', '')})"
    )
    if outcome == "StageFileError":
        message = reply["message"]
        assert message.startswith(f"{path}: ") and "\n" not in message, (damage, message)
    path.unlink()
    return outcome


@BYTE_DAMAGE
@given(data=st.data())
def test_truncation_at_any_offset_is_refused(stage_file, data):
    _, raw, folder, reader = stage_file
    size = data.draw(st.integers(0, len(raw) - 1), label="size")
    path = damaged_copy(folder, raw[:size])
    outcome = assert_identical_or_refused(reader, path, f"truncated to {size} bytes")
    assert outcome == "StageFileError", f"truncated to {size} bytes: read back whole"


@BYTE_DAMAGE
@given(data=st.data())
def test_flipped_bits_anywhere(stage_file, data):
    _, raw, folder, reader = stage_file
    flips = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)), min_size=1, max_size=8
        ),
        label="(offset, xor mask)",
    )
    damaged = bytearray(raw)
    for offset, mask in flips:
        damaged[offset] ^= mask
    assert_identical_or_refused(reader, damaged_copy(folder, bytes(damaged)), f"flips {flips}")


@BYTE_DAMAGE
@given(data=st.data())
def test_overwritten_bytes_anywhere(stage_file, data):
    _, raw, folder, reader = stage_file
    offset = data.draw(st.integers(0, len(raw) - 1), label="offset")
    junk = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
    damaged = (raw[:offset] + junk + raw[offset + len(junk) :])[: len(raw)]
    path = damaged_copy(folder, damaged)
    assert_identical_or_refused(reader, path, f"{len(junk)} bytes written at {offset}")


@BYTE_DAMAGE
@given(data=st.data())
def test_zero_filled_regions(stage_file, data):
    _, raw, folder, reader = stage_file
    offset = data.draw(st.integers(0, len(raw) - 1), label="offset")
    length = data.draw(st.integers(1, 4096), label="length")
    damaged = bytearray(raw)
    damaged[offset : offset + length] = bytes(len(damaged[offset : offset + length]))
    path = damaged_copy(folder, bytes(damaged))
    assert_identical_or_refused(reader, path, f"{length} zero bytes at {offset}")


@BYTE_DAMAGE
@given(garbage=st.binary(min_size=1, max_size=4096))
def test_garbage_appended(stage_file, garbage):
    _, raw, folder, reader = stage_file
    path = damaged_copy(folder, raw + garbage)
    assert_identical_or_refused(reader, path, f"{len(garbage)} bytes appended")


def edited_copy(folder: Path, raw: bytes, edit) -> Path:
    """A copy of the original with ``edit(handle)`` applied through the netCDF4 library (a
    well-formed file whose content or provenance was changed)."""
    path = damaged_copy(folder, raw)
    with netCDF4.Dataset(path, "a") as handle:
        edit(handle)
    return path


def assert_refused(reader: Reader, path: Path, edit: str) -> None:
    """An edited file is never read as the original."""
    outcome = assert_identical_or_refused(reader, path, edit)
    assert outcome == "StageFileError", f"{edit}: read back as the original"


@EDITS
@given(name=st.sampled_from(PROVENANCE_ATTRS), rename=st.booleans())
def test_deleted_or_renamed_provenance_attribute_is_refused(stage_file, name, rename):
    _, raw, folder, reader = stage_file

    def edit(handle):
        if rename:
            handle.renameAttribute(name, f"{name}_old")
        else:
            handle.delncattr(name)

    path = edited_copy(folder, raw, edit)
    assert_refused(reader, path, f"{'renamed' if rename else 'deleted'} {name}")


@EDITS
@given(
    key=st.sampled_from(sorted(EXPECTED)),
    value=st.one_of(st.text(max_size=20), st.integers(-5, 5)),
)
def test_wrong_paper_stage_scenario_or_seed_is_refused(stage_file, key, value):
    _, raw, folder, reader = stage_file
    if value == EXPECTED[key]:
        value = f"not {value}"
    path = edited_copy(folder, raw, lambda handle: handle.setncattr(key, value))
    assert_refused(reader, path, f"{key} set to {value!r}")


@EDITS
@given(data=st.data(), name=st.sampled_from(FLOAT_VARIABLES), nan=st.booleans())
def test_a_nan_or_another_value_written_into_a_variable_is_refused(stage_file, data, name, nan):
    _, raw, folder, reader = stage_file
    shape = original_dataset()[name].shape
    index = tuple(data.draw(st.integers(0, n - 1), label=f"index {i}") for i, n in enumerate(shape))
    value = np.nan if nan else data.draw(st.floats(allow_nan=False), label="value")
    original = original_dataset()[name].values[index]
    if not nan and (value == original or np.isnan(original)):
        value = 1.5 if original != 1.5 else 2.5

    def edit(handle):
        handle.variables[name][index] = value

    path = edited_copy(folder, raw, edit)
    assert_refused(reader, path, f"{name}{list(index)} set to {value}")


@EDITS
@given(
    name=st.sampled_from(("W_mV", "rate_Hz", "osi", "spike_step", "claim_label")),
    attr=st.sampled_from(("units", "long_name", "may_be_nan")),
)
def test_an_edited_variable_attribute_is_refused(stage_file, name, attr):
    _, raw, folder, reader = stage_file

    def edit(handle):
        variable = handle.variables[name]
        if attr in variable.ncattrs():
            variable.delncattr(attr)
        else:
            variable.setncattr(attr, 1)

    path = edited_copy(folder, raw, edit)
    assert_refused(reader, path, f"{name}.{attr} edited")

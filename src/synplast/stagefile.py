"""Stage files: xarray Datasets in NetCDF that carry their provenance.

Every file the pipeline writes between stages (and the data behind every figure) goes through
:func:`write_stage` and is read back through :func:`read_stage`.

Writing
    - checks that every variable and coordinate has ``units`` and ``long_name``;
    - sets the global provenance attributes (paper, scenario, stage, seed, git commit and
      dirtiness, code hash, exact config and its hash, upstream files and their hashes, package
      versions, Numba thread count);
    - writes zlib-compressed NetCDF-4 (with HDF5's Fletcher-32 checksum on every compressed
      variable) to a temporary name in the target folder, appends the checksum trailer (see
      below), flushes it to disk, then renames it: a killed job never leaves a file that looks
      complete.

Reading
    - a missing, truncated, damaged or foreign file, the wrong paper or stage, a missing
      provenance attribute or variable, or a NaN where none may be, is a
      :class:`StageFileError` whose message is one line naming the file.

Checksum trailer
    HDF5 checksums the file's metadata and (with Fletcher-32) compressed chunks, but not
    scalar variables (stored contiguously) nor its global heap (strings, and the dimension
    lists of every netCDF-4 file): a flipped byte there is read back as another value without
    an error, and a damaged global heap can send the HDF5 library into an endless loop when it
    opens the file.  So :func:`write_stage` appends to the file the sha256 of all its bytes, as
    a trailer of :data:`TRAILER_LENGTH` bytes (``"\\nsynplast sha256 <64 hex digits>\\n"``) after
    the end of the HDF5 data, where every NetCDF reader ignores it; :func:`read_stage` checks
    it (:func:`check_trailer`) before HDF5 sees the file, so a damaged file, an edited one or
    one not written here is refused before it is parsed.

A variable that may legitimately hold NaN (e.g. the OSI of a silent neuron) is written with the
attribute ``may_be_nan = 1``.

CF
    Files declare ``Conventions = "CF-1.10"`` and follow it: every ``units`` is UDUNITS-valid, a
    coordinate variable (named after its dimension) is numeric and has no ``_FillValue``.  CF
    has no text-valued coordinate variables, so a text index of the Dataset (claim names,
    scenario names) is stored as the auxiliary coordinate ``<dimension>_label`` with the
    attribute ``labels_dimension = "<dimension>"`` (CF's string-valued labels);
    :func:`read_stage` turns it back into the index.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

# HDF5 file locking fails on many shared cluster filesystems (NFS, Lustre); the files here are
# written once under a temporary name and renamed, so locking buys nothing.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

import synplast  # noqa: E402
from synplast.provenance import file_sha256, git_state, package_versions  # noqa: E402

PROVENANCE_ATTRS = (
    "Conventions",
    "title",
    "references",
    "source",
    "paper",
    "scenario",
    "stage",
    "git_commit",
    "git_dirty",
    "code_sha256",
    "config_json",
    "config_sha256",
    "inputs_sha256",
    "package_versions",
    "numba_threads",
)

LABELS_ATTR = "labels_dimension"
"""Attribute of the auxiliary coordinate that stores a text index (see the module docstring)."""

TRAILER_MAGIC = b"\nsynplast sha256 "
TRAILER_LENGTH = len(TRAILER_MAGIC) + 64 + 1
"""Bytes of the checksum trailer at the end of every stage file."""

__all__ = [
    "PROVENANCE_ATTRS",
    "TRAILER_LENGTH",
    "StageFileError",
    "atomic_write_text",
    "var_attrs",
    "check_trailer",
    "config_sha256",
    "provenance_attrs",
    "read_stage",
    "write_stage",
]


class StageFileError(ValueError):
    """A stage file is missing, damaged or not the file the caller expected."""


def var_attrs(units: str, long_name: str, *, may_be_nan: bool = False, **extra) -> dict:
    """Attributes of a stage-file variable: ``units``, ``long_name`` (both required by
    :func:`write_stage`), ``may_be_nan = 1`` where NaN is legitimate, and any ``extra``."""
    attrs = {"units": units, "long_name": long_name, **extra}
    if may_be_nan:
        attrs["may_be_nan"] = 1
    return attrs


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no whitespace: the form that is hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def config_sha256(config: Mapping) -> str:
    """sha256 of the canonical JSON of a config mapping."""
    return hashlib.sha256(canonical_json(config).encode()).hexdigest()


def _numba_threads() -> int:
    """Numba threads the job ran with; 0 when it ran no Numba code (Numba never imported)."""
    import sys

    numba = sys.modules.get("numba")
    return int(numba.get_num_threads()) if numba is not None else 0


def provenance_attrs(
    *,
    paper: str,
    scenario: str,
    stage: str,
    seed: int | None = None,
    seeds: Iterable[int] = (),
    config: Mapping,
    code_sha256: str,
    inputs: Iterable[str | Path] = (),
    title: str = "",
    references: str = "",
) -> dict[str, str | int]:
    """The global attributes every stage file and figure carries (strings and ints only).

    ``seed`` is recorded for a file of one seeded run only; a file made from several runs
    records their real ``seeds`` (JSON list); a deterministic stage records neither.
    """
    commit, dirty = git_state(Path.cwd())
    upstream = {str(Path(p)): file_sha256(p) for p in inputs}
    run = f"{scenario} seed {seed}" if seed is not None else scenario
    seeded = {"seed": int(seed)} if seed is not None else {}
    if seeds:
        seeded["seeds"] = canonical_json([int(s) for s in seeds])
    return {
        "Conventions": "CF-1.10",
        "title": title or f"synplast {paper} {run}: {stage}",
        "references": references,
        "source": f"synplast {synplast.__version__}",
        "paper": paper,
        "scenario": scenario,
        "stage": stage,
        **seeded,
        "git_commit": commit,
        "git_dirty": int(dirty),
        "code_sha256": code_sha256,
        "config_json": canonical_json(config),
        "config_sha256": config_sha256(config),
        "inputs_sha256": canonical_json(upstream),
        "package_versions": package_versions(),
        "numba_threads": _numba_threads(),
        "date_created": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _check_metadata(ds: xr.Dataset) -> None:
    """Refuse a Dataset whose variables or coordinates lack ``units`` or ``long_name``."""
    for name, var in ds.variables.items():
        missing = [key for key in ("units", "long_name") if key not in var.attrs]
        if missing:
            raise StageFileError(f"variable {name!r} lacks attribute(s) {', '.join(missing)}")


def _encoding(ds: xr.Dataset) -> dict[str, dict]:
    """zlib compression and HDF5's Fletcher-32 chunk checksum for every numeric array (so that
    any NetCDF reader detects a damaged chunk); no ``_FillValue`` on coordinate variables (CF
    forbids missing values there)."""
    encoding: dict[str, dict] = {}
    for name, var in ds.variables.items():
        if var.dtype.kind in "biuf" and var.ndim > 0:
            encoding[name] = {"zlib": True, "complevel": 4, "fletcher32": True}
        if name in ds.dims:
            encoding.setdefault(name, {})["_FillValue"] = None
    return encoding


def _text_indexes_as_labels(ds: xr.Dataset) -> xr.Dataset:
    """Store each text-valued coordinate variable as the auxiliary coordinate
    ``<dimension>_label`` (CF allows text in auxiliary coordinates, not in coordinate
    variables)."""
    for dim in list(ds.dims):
        if dim not in ds.variables or ds.variables[dim].dtype.kind not in "OUS":
            continue
        label = f"{dim}_label"
        if label in ds.variables:
            raise StageFileError(f"text index {dim!r} cannot be stored: {label!r} exists")
        var = ds.variables[dim].to_base_variable()
        var.attrs = {**var.attrs, LABELS_ATTR: str(dim)}
        ds = ds.drop_vars(dim).assign_coords({label: var})
    return ds


def _labels_as_text_indexes(ds: xr.Dataset) -> xr.Dataset:
    """Undo :func:`_text_indexes_as_labels`."""
    for name in [name for name, var in ds.variables.items() if LABELS_ATTR in var.attrs]:
        var = ds.variables[name].to_base_variable()
        dim = var.attrs.pop(LABELS_ATTR)
        if var.dims != (dim,) or dim in ds.variables:
            raise ValueError(f"{name!r} does not label dimension {dim!r}")
        ds = ds.drop_vars(name).assign_coords({dim: var})
    return ds


def _append_trailer(path: Path) -> None:
    """Append the checksum trailer: the sha256 of every byte of ``path`` so far."""
    digest = file_sha256(path)
    with open(path, "ab") as handle:
        handle.write(TRAILER_MAGIC + digest.encode() + b"\n")


def check_trailer(path: str | Path) -> None:
    """Check the checksum trailer of a stage file without parsing it as HDF5: raises
    :class:`StageFileError` when the file is too short, has no trailer (truncated, or not
    written by :func:`write_stage`) or its bytes differ from the checksum (damaged or edited
    since it was written)."""
    path = Path(path)
    try:
        digest, recorded = _trailer_digests(path)
    except OSError as error:
        raise StageFileError(f"{path}: not a readable NetCDF stage file ({error})") from None
    if recorded is None:
        raise StageFileError(
            f"{path}: not a readable NetCDF stage file (no checksum trailer: truncated, "
            "or not written by synplast)"
        )
    if digest != recorded:
        raise StageFileError(
            f"{path}: not a readable NetCDF stage file (its bytes differ from its checksum "
            "trailer: damaged or edited since it was written)"
        )


def _trailer_digests(path: Path) -> tuple[str, str | None]:
    """(sha256 of the bytes before the trailer, the sha256 the trailer records); the second
    is None when the file ends in no trailer."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if size > TRAILER_LENGTH:
            handle.seek(size - TRAILER_LENGTH)
            trailer = handle.read(TRAILER_LENGTH)
        else:
            trailer = b""
        recorded = trailer[len(TRAILER_MAGIC) : -1]
        if not (
            trailer.startswith(TRAILER_MAGIC)
            and trailer.endswith(b"\n")
            and all(c in b"0123456789abcdef" for c in recorded)
        ):
            return "", None
        handle.seek(0)
        digest = hashlib.sha256()
        left = size - TRAILER_LENGTH
        while left:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest(), recorded.decode()


def write_stage(ds: xr.Dataset, path: str | Path, **provenance) -> Path:
    """Write ``ds`` to ``path`` atomically, with the provenance attributes.

    ``provenance`` takes the keyword arguments of :func:`provenance_attrs`.
    """
    path = Path(path)
    _check_metadata(ds)
    out = _text_indexes_as_labels(ds.copy())
    out.attrs = {**ds.attrs, **provenance_attrs(**provenance)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        out.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=_encoding(out))
        _append_trailer(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_stage(
    path: str | Path,
    *,
    variables: Iterable[str] = (),
    **expected: str | int,
) -> xr.Dataset:
    """Open and check a stage file; return it loaded into memory.

    ``expected`` names provenance attributes and their required values (``paper=``,
    ``stage=``, ``scenario=``, ``seed=``; None: not checked).  Raises :class:`StageFileError`
    (one line, naming the file) when the file is missing or unreadable, lacks a provenance
    attribute, has another paper, stage, scenario or seed than expected, lacks one of
    ``variables``, or holds a NaN in a variable not marked ``may_be_nan``.  The checksum
    trailer is checked before the file is parsed (:func:`check_trailer`).
    """
    path = Path(path)
    if not path.is_file():
        raise StageFileError(f"{path}: stage file does not exist")
    check_trailer(path)
    try:
        with xr.open_dataset(path, engine="netcdf4") as handle:
            ds = handle.load()
    except Exception as error:  # netCDF4 raises OSError, RuntimeError, ValueError...
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StageFileError(f"{path}: not a readable NetCDF stage file ({reason})") from None
    ds.attrs = {
        key: value.item() if isinstance(value, np.generic) else value
        for key, value in ds.attrs.items()
    }
    missing = [key for key in PROVENANCE_ATTRS if key not in ds.attrs]
    if missing:
        raise StageFileError(f"{path}: missing provenance attribute(s) {', '.join(missing)}")
    try:
        ds = _labels_as_text_indexes(ds)
    except (ValueError, KeyError) as error:
        raise StageFileError(f"{path}: bad text index ({error})") from None
    for key, want in expected.items():
        if key not in (*PROVENANCE_ATTRS, "seed"):
            raise TypeError(f"read_stage got an unknown expectation {key!r}")
        if want is not None and ds.attrs.get(key) != want:
            raise StageFileError(f"{path}: {key} is {ds.attrs.get(key)!r}, expected {want!r}")
    absent = [name for name in variables if name not in ds.variables]
    if absent:
        raise StageFileError(f"{path}: missing variable(s) {', '.join(absent)}")
    for name, var in ds.variables.items():
        nan_forbidden = var.dtype.kind == "f" and not var.attrs.get("may_be_nan", 0)
        if nan_forbidden and np.isnan(var.values).any():
            raise StageFileError(f"{path}: variable {name!r} holds NaN")
    return ds


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write a text file under a temporary name, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path

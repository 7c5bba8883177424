"""The provenance chain behind a file, walked once for ``synplast trace`` and ``synplast verify``.

Every stage file and figure records the sha256 of each upstream file it read
(``inputs_sha256``); the scorecard JSON records, per claim, the ``code_sha256`` and
``config_sha256`` of the claims file it was made from.  :class:`ChainWalker` follows these
records from a figure (PNG, PDF or NetCDF), a stage file or the scorecard back to the files of
the first stage, and yields one :class:`Link` per file reached, depth first, with what no
longer matches:

- ``missing``: a recorded upstream file does not exist;
- ``changed``: its sha256 differs from the one recorded when it was read;
- ``unreadable``: it cannot be read, or carries no provenance (a foreign file);
- ``config``: its ``config_sha256`` is not the hash of its own ``config_json``;
- ``recorded``: a claims file whose code or config hash differs from the scorecard's;
- ``content``: (with ``check_contents``) a NetCDF file that no downstream hash pins, whose
  content fails :func:`synplast.stagefile.read_stage` (damaged data, NaN where none may be).

Paths recorded in a file are relative to the directory the workflow ran in; run from there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ChainWalker", "Link", "file_provenance"]

# Image metadata carries the provenance attributes but the bulky config (see
# synplast.plotting.figure_provenance_json).
IMAGE_SUFFIXES = (".png", ".pdf")


def file_provenance(path: Path, *, trusted: bool = False) -> dict:
    """Provenance attributes of a NetCDF stage file or a figure (PNG/PDF); raises on a file
    that cannot be read.

    A NetCDF file's checksum trailer is checked first (a damaged file can hang the HDF5
    library), unless it is ``trusted``: its sha256 is the one recorded when a stage read it.
    """
    if path.suffix in IMAGE_SUFFIXES:
        from synplast.plotting import read_figure_provenance

        return read_figure_provenance(path)
    import netCDF4

    from synplast.stagefile import check_trailer

    if not trusted:
        check_trailer(path)

    with netCDF4.Dataset(path) as handle:
        return {key: handle.getncattr(key) for key in handle.ncattrs()}


@dataclass
class Link:
    """One file of a chain, as reached from the downstream file that recorded it.

    ``recorded_by`` is None for a file named by the caller.  ``pinned`` says whether a
    downstream file recorded its sha256 (then ``changed`` tells whether it differs).
    ``problems`` maps a kind (see the module docstring) to a one-line description.
    ``repeat`` marks a file reached before: its upstream files are not walked again.
    """

    path: Path
    depth: int
    recorded_by: Path | None = None
    pinned: bool = False
    attrs: dict | None = None
    problems: dict[str, str] = field(default_factory=dict)
    repeat: bool = False
    scorecard_claims: int | None = None

    @property
    def missing(self) -> bool:
        """The file does not exist."""
        return "missing" in self.problems

    @property
    def changed(self) -> bool:
        """The file differs from the sha256 recorded when it was read."""
        return "changed" in self.problems

    @property
    def is_root(self) -> bool:
        """A stage file of the first stage: provenance without upstream files."""
        return self.attrs is not None and not _upstream(self.attrs)


def _upstream(attrs: dict) -> dict[str, str]:
    """The ``inputs_sha256`` record of ``attrs`` (path -> sha256); raises ValueError when it
    is not a JSON object."""
    upstream = json.loads(attrs.get("inputs_sha256") or "{}")
    if not isinstance(upstream, dict):
        raise ValueError("inputs_sha256 is not a JSON object")
    return upstream


def _short(digest: str) -> str:
    """The first 12 hex digits of a hash, for messages."""
    return f"{digest[:12]}…"


class ChainWalker:
    """Walks provenance chains, hashing each file once and listing each file's upstream once
    across every walk of the same walker."""

    def __init__(self, *, check_contents: bool = False) -> None:
        """``check_contents``: read every NetCDF file that no downstream hash pins (a file
        named by the caller, a claims file behind the scorecard) with
        :func:`synplast.stagefile.read_stage`, which checks its content checksum."""
        self.check_contents = check_contents
        self._hashes: dict[Path, str] = {}
        self._seen: set[Path] = set()

    def _sha256(self, path: Path) -> str:
        """sha256 of ``path``, computed once per walker."""
        from synplast.provenance import file_sha256

        key = path.resolve()
        if key not in self._hashes:
            self._hashes[key] = file_sha256(path)
        return self._hashes[key]

    def walk(self, path: str | Path) -> Iterator[Link]:
        """The links of the chain behind ``path``: the file itself first, then, depth first,
        each upstream file (for the scorecard JSON: each claims file it was made from)."""
        path = Path(path)
        if path.suffix == ".json":
            yield from self._walk_scorecard(path)
        else:
            yield from self._walk_file(path, 0, None)

    def _walk_scorecard(self, path: Path) -> Iterator[Link]:
        """The scorecard, then the chain of every claims file its rows name."""
        link = Link(path, 0)
        self._seen.add(path.resolve())
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            rows = [*document["claims"], *document.get("controls", [])]
            sources: dict[str, dict] = {}
            for row in rows:
                recorded = {k: row[k] for k in ("code_sha256", "config_sha256") if k in row}
                sources.setdefault(row["source"], {}).update(recorded)
            link.scorecard_claims = len(document["claims"])
        except FileNotFoundError:
            link.problems["missing"] = "missing"
            yield link
            return
        except (OSError, ValueError, KeyError, TypeError) as error:
            link.problems["unreadable"] = f"not a readable scorecard ({error})"
            yield link
            return
        yield link
        for source, recorded in sources.items():
            yield from self._walk_file(Path(source), 1, path, expect=recorded)

    def _walk_file(
        self,
        path: Path,
        depth: int,
        recorded_by: Path | None,
        recorded_sha256: str | None = None,
        expect: dict | None = None,
    ) -> Iterator[Link]:
        """``path`` as recorded by ``recorded_by`` (with its sha256, or with the code and
        config hashes ``expect``ed), then its upstream files."""
        link = Link(path, depth, recorded_by, pinned=recorded_sha256 is not None)
        if not path.is_file():
            link.problems["missing"] = "missing"
            yield link
            return
        if recorded_sha256 is not None:
            now = self._sha256(path)
            if now != recorded_sha256:
                link.problems["changed"] = (
                    f"changed since it was read (sha256 {_short(recorded_sha256)} recorded, "
                    f"now {_short(now)})"
                )
        if path.resolve() in self._seen:
            link.repeat = True
            yield link
            return
        self._seen.add(path.resolve())
        try:
            trusted = link.pinned and not link.changed
            link.attrs = file_provenance(path, trusted=trusted)
            upstream = _upstream(link.attrs)
        except Exception as error:  # unreadable or foreign file: one line, whatever the cause
            from synplast.stagefile import StageFileError

            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            reason = reason.removeprefix(f"{path}: ")
            link.attrs = None
            damaged = isinstance(error, StageFileError)  # the checksum trailer's verdict
            link.problems["unreadable"] = reason if damaged else f"no provenance ({reason})"
            yield link
            return
        self._check(link, expect or {})
        yield link
        for parent, sha256 in upstream.items():
            yield from self._walk_file(Path(parent), depth + 1, path, recorded_sha256=sha256)

    def _check(self, link: Link, expect: dict) -> None:
        """Record in ``link`` what in its provenance or content no longer holds."""
        from synplast.stagefile import PROVENANCE_ATTRS, StageFileError, read_stage

        attrs = link.attrs
        required = [
            key
            for key in PROVENANCE_ATTRS
            if not (key == "config_json" and link.path.suffix in IMAGE_SUFFIXES)
        ]
        absent = [key for key in required if key not in attrs]
        if absent:
            link.problems["unreadable"] = f"no provenance (missing {', '.join(absent)})"
            return
        if "config_json" in attrs:
            digest = hashlib.sha256(str(attrs["config_json"]).encode()).hexdigest()
            if digest != attrs["config_sha256"]:
                link.problems["config"] = "config_sha256 is not the hash of its config_json"
        differs = [key for key, value in expect.items() if attrs.get(key) != value]
        if differs:
            link.problems["recorded"] = (
                f"{' and '.join(differs)} differ from the ones recorded when it was read"
            )
        if self.check_contents and not link.pinned and link.path.suffix == ".nc":
            try:
                read_stage(link.path)
            except StageFileError as error:
                link.problems["content"] = str(error).removeprefix(f"{link.path}: ")

"""CF compliance of every NetCDF file the small config writes (stage files, figure data,
claims), checked by the IOOS compliance checker against the CF version each file declares in
``Conventions``.

The checker's high-priority findings (a "must" of the conventions) are errors and fail the
test, as does a check that could not run on the file; its medium- and low-priority findings
("should", "may") are listed in the failure message but allowed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from synplast.registry import REGISTRY


@pytest.fixture(scope="module")
def suite():
    """The compliance checker's suite, with every installed checker loaded."""
    from compliance_checker.runner import CheckSuite

    with warnings.catch_warnings():  # deprecation notices of checkers other than CF's
        warnings.simplefilter("ignore", DeprecationWarning)
        CheckSuite.load_all_available_checkers()
    return CheckSuite()


def cf_findings(suite, path: Path) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` of the CF checker for the conventions ``path`` declares."""
    from compliance_checker.base import BaseCheck

    ds = suite.load_dataset(str(path))
    try:
        declared = str(ds.getncattr("Conventions"))
        assert declared.startswith("CF-"), f"{path}: Conventions = {declared!r}"
        checker = f"cf:{declared.removeprefix('CF-')}"
        assert checker in suite.checkers, f"{path}: no checker for {declared}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results, crashed = suite.run_all(ds, [checker])[checker]
    finally:
        ds.close()
    errors = [f"check {name} could not run: {error[0]!r}" for name, error in crashed.items()]
    advice = []
    for result in results:
        value = result.value
        passed, total = value if isinstance(value, tuple) else (int(bool(value)), 1)
        if passed < total:
            found = errors if result.weight == BaseCheck.HIGH else advice
            found.extend(result.msgs or [str(result.name)])
    return errors, advice


@pytest.mark.parametrize("paper", list(REGISTRY))
def test_every_netcdf_file_of_the_small_run_is_cf_compliant(tiny_run, suite, paper):
    work, _ = tiny_run
    files = sorted((work / "results" / paper).rglob("*.nc"))
    assert files
    errors, advice = {}, {}
    for path in files:
        name = path.relative_to(work).as_posix()
        errors[name], advice[name] = cf_findings(suite, path)
    failing = {name: found for name, found in errors.items() if found}
    allowed = sorted({message for found in advice.values() for message in found})
    assert not failing, (
        "CF errors:\n"
        + "\n".join(f"{name}: {message}" for name, found in failing.items() for message in found)
        + "\nallowed warnings: "
        + "; ".join(allowed)
    )

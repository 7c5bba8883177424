"""The scorecard: each paper's claims, the expectation, the measurement over seeds, a verdict.

A paper's ``claims.evaluate`` returns :class:`~synplast.claimkit.ClaimResult` rows (built with
the helpers of :mod:`synplast.claimkit`).  They are stored per paper in
``results/<paper>/claims.nc`` (a stage file with provenance, via :func:`claims_dataset`), and
:func:`render` joins every paper's file into ``results/scorecard.md`` (for people) and
``results/scorecard.json`` (for programs), each row naming the file it came from.

A claim passes when its criterion holds for **every** seed; the measurement is reported as the
mean, SD, min and max over seeds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from synplast.claimkit import ClaimResult, summary
from synplast.stagefile import atomic_write_text, var_attrs

__all__ = ["ClaimResult", "claims_dataset", "render", "rows"]


def claims_dataset(results: Sequence[ClaimResult]) -> xr.Dataset:
    """The claims of one paper as a Dataset (claim x seed)."""
    seeds = sorted({s for r in results for s in r.seeds})
    value = np.full((len(results), len(seeds)), np.nan)
    passed = np.zeros((len(results), len(seeds)), dtype=np.int8)
    for i, result in enumerate(results):
        for seed, v, ok in zip(result.seeds, result.values, result.passed, strict=True):
            value[i, seeds.index(seed)] = v
            passed[i, seeds.index(seed)] = int(ok)

    def text(values, long_name):
        return (
            ("claim",),
            np.asarray(values, dtype=object),
            var_attrs("1", long_name),
        )

    return xr.Dataset(
        {
            "statement": text([r.statement for r in results], "the claim"),
            "expectation": text(
                [r.expectation for r in results],
                "expected value or direction, with its justification",
            ),
            "measure": text([r.measure for r in results], "what is measured"),
            "measure_units": text([r.units for r in results], "units of the measurement"),
            "note": text([r.note for r in results], "remarks"),
            "verdict": text([r.verdict for r in results], "pass or fail"),
            "value": (
                ("claim", "seed"),
                value,
                var_attrs("1", "measurement per seed (see measure_units)", may_be_nan=True),
            ),
            "passed": (
                ("claim", "seed"),
                passed,
                var_attrs("1", "criterion holds for this seed (1) or not"),
            ),
        },
        coords={
            "claim": (
                "claim",
                np.asarray([r.claim_id for r in results], dtype=object),
                var_attrs("1", "claim identifier"),
            ),
            "seed": (
                "seed",
                np.asarray(seeds, dtype=np.int64),
                var_attrs("1", "network seed"),
            ),
        },
    )


def rows(claims: xr.Dataset, source: str) -> list[dict]:
    """Scorecard rows of one paper's claims Dataset."""
    out = []
    for i, claim in enumerate(claims["claim"].values):
        mask = ~np.isnan(claims["value"].values[i])
        out.append(
            {
                "paper": claims.attrs["paper"],
                "claim": str(claim),
                "statement": str(claims["statement"].values[i]),
                "expectation": str(claims["expectation"].values[i]),
                "measure": str(claims["measure"].values[i]),
                "units": str(claims["measure_units"].values[i]),
                "seeds": [int(s) for s in claims["seed"].values[mask]],
                "values": [float(v) for v in claims["value"].values[i][mask]],
                "seeds_passing": int(claims["passed"].values[i].sum()),
                "summary": summary(claims["value"].values[i]),
                "verdict": str(claims["verdict"].values[i]),
                "note": str(claims["note"].values[i]),
                "source": source,
                "code_sha256": claims.attrs["code_sha256"],
                "config_sha256": claims.attrs["config_sha256"],
                "git_commit": claims.attrs["git_commit"],
            }
        )
    return out


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.3g}"


def render(all_rows: list[dict], markdown_path: str | Path, json_path: str | Path) -> None:
    """Write the scorecard as Markdown and JSON (each atomically)."""
    passed = sum(row["verdict"] == "pass" for row in all_rows)
    lines = [
        "# synplast scorecard",
        "",
        f"{passed} of {len(all_rows)} claims pass. A claim passes when its criterion holds "
        "for every seed; the measurement is mean ± SD [min, max] over seeds.",
        "",
        "| paper | claim | expectation | measurement | seeds passing | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for row in all_rows:
        s = row["summary"]
        units = "" if row["units"] == "1" else f" {row['units']}"
        measurement = (
            f"{row['measure']}: {_fmt(s['mean'])} ± {_fmt(s['sd'])} "
            f"[{_fmt(s['min'])}, {_fmt(s['max'])}]{units}"
        )
        lines.append(
            f"| {row['paper']} | {row['statement']} | {row['expectation']} | {measurement} | "
            f"{row['seeds_passing']}/{len(row['seeds'])} | **{row['verdict']}** |"
        )
    lines += ["", "Sources (trace any of them with `synplast trace FILE`):", ""]
    for source in sorted({row["source"] for row in all_rows}):
        lines.append(f"- `{source}`")
    atomic_write_text(markdown_path, "\n".join(lines) + "\n")
    atomic_write_text(json_path, json.dumps({"claims": all_rows}, indent=2, allow_nan=True) + "\n")

"""The scorecard: each paper's claims, the expectation, the measurement over seeds, a verdict.

A paper's ``claims.evaluate`` returns :class:`~synplast.claimkit.ClaimResult` rows (built with
the helpers of :mod:`synplast.claimkit`).  They are stored per paper in
``results/<paper>/claims.nc`` (a stage file with provenance, via :func:`claims_dataset`), and
:func:`render` joins every paper's file into ``results/scorecard.md`` (for people) and
``results/scorecard.json`` (for programs), each row naming the file it came from.

A claim holds when its criterion holds for **every** seed; the measurement is reported as the
mean, SD, min and max over seeds.  The verdict is ``reproduced``, ``not reproduced`` (the
reference model itself does not show it; the evidence is given) or ``failed`` (a defect).
Each paper's negative controls (deliberately wrong models) are re-measured on every claim: a
control is rejected when it fails every claim it is aimed at; a claim that no control fails is
listed as such.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from synplast.claimkit import VERDICTS, ClaimResult, summary
from synplast.stagefile import atomic_write_text, var_attrs

__all__ = [
    "ClaimResult",
    "claims_dataset",
    "control_rows",
    "render",
    "render_html",
    "rows",
    "write_html",
]

NOT_MEASURED = -1
"""``control_holds`` of a claim the control does not measure (its protocol did not run)."""


def claims_dataset(
    results: Sequence[ClaimResult],
    controls: Mapping[str, Sequence[ClaimResult]] | None = None,
    control_specs: Mapping[str, Mapping] | None = None,
) -> xr.Dataset:
    """The claims of one paper as a Dataset (claim x seed), with, per negative control, which
    claims hold on it (control x claim) and which it is aimed at."""
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

    ds = xr.Dataset(
        {
            "statement": text([r.statement for r in results], "the claim"),
            "expectation": text(
                [r.expectation for r in results],
                "expected value or direction, with its justification",
            ),
            "measure": text([r.measure for r in results], "what is measured"),
            "measure_units": text([r.units for r in results], "units of the measurement"),
            "note": text([r.note for r in results], "remarks"),
            "verdict": text([r.verdict for r in results], "reproduced, not reproduced or failed"),
            "not_reproduced": text(
                [r.not_reproduced for r in results],
                "why the reference model itself does not show the claim (evidence), if so",
            ),
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
    return _with_controls(ds, results, controls or {}, control_specs or {})


def _with_controls(ds, results, controls, specs) -> xr.Dataset:
    """Add the negative controls' variables (none when the paper declares no control)."""
    names = list(controls)
    claim_ids = [r.claim_id for r in results]
    holds = np.zeros((len(names), len(claim_ids)), dtype=np.int8)
    aimed = np.zeros((len(names), len(claim_ids)), dtype=np.int8)
    for i, name in enumerate(names):
        measured = {r.claim_id: r for r in controls[name]}
        unknown = sorted(set(specs[name]["aimed_at"]) - set(claim_ids))
        if unknown:
            raise ValueError(f"control {name} is aimed at unknown claim(s) {', '.join(unknown)}")
        for j, claim in enumerate(claim_ids):
            holds[i, j] = int(measured[claim].holds) if claim in measured else NOT_MEASURED
            aimed[i, j] = int(claim in specs[name]["aimed_at"])
    ds = ds.assign_coords(
        control=("control", np.asarray(names, dtype=object), var_attrs("1", "negative control"))
    )
    ds["control_scenario"] = (
        ("control",),
        np.asarray([specs[n]["scenario"] for n in names], dtype=object),
        var_attrs("1", "scenario of the control (a deliberately wrong model)"),
    )
    ds["control_description"] = (
        ("control",),
        np.asarray([specs[n]["description"] for n in names], dtype=object),
        var_attrs("1", "what is wrong with the control model"),
    )
    ds["control_holds"] = (
        ("control", "claim"),
        holds,
        var_attrs(
            "1",
            "the claim holds in every seed of the control (1), not (0), or was not measured on "
            "it (-1: its protocol did not run)",
        ),
    )
    ds["control_aimed_at"] = (
        ("control", "claim"),
        aimed,
        var_attrs("1", "the control is aimed at the claim: it must fail it (1) or not (0)"),
    )
    return ds


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
                "not_reproduced": str(claims["not_reproduced"].values[i]),
                "failed_by_controls": [
                    str(c)
                    for c, h in zip(
                        claims["control"].values,
                        claims["control_holds"].values[:, i] if "control_holds" in claims else [],
                        strict=False,
                    )
                    if h == 0
                ],
                "note": str(claims["note"].values[i]),
                "source": source,
                "code_sha256": claims.attrs["code_sha256"],
                "config_sha256": claims.attrs["config_sha256"],
                "git_commit": claims.attrs["git_commit"],
            }
        )
    return out


def control_rows(claims: xr.Dataset, source: str) -> list[dict]:
    """Scorecard rows of one paper's negative controls: which claims each fails, and whether it
    is rejected (fails every claim it is aimed at)."""
    out = []
    if "control" not in claims.coords:
        return out
    ids = [str(c) for c in claims["claim"].values]
    for i, control in enumerate(claims["control"].values):
        holds = claims["control_holds"].values[i]
        aimed = claims["control_aimed_at"].values[i].astype(bool)
        fails = [claim for claim, h in zip(ids, holds, strict=True) if h == 0]
        aimed_at = [claim for claim, a in zip(ids, aimed, strict=True) if a]
        out.append(
            {
                "paper": claims.attrs["paper"],
                "control": str(control),
                "scenario": str(claims["control_scenario"].values[i]),
                "description": str(claims["control_description"].values[i]),
                "aimed_at": aimed_at,
                "fails": fails,
                "rejected": all(claim in fails for claim in aimed_at),
                "source": source,
            }
        )
    return out


def _fmt(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.3g}"


def _measurement(row: dict) -> str:
    """``measure: mean ± SD [min, max] units`` of one scorecard row."""
    s = row["summary"]
    units = "" if row["units"] == "1" else f" {row['units']}"
    return (
        f"{row['measure']}: {_fmt(s['mean'])} ± {_fmt(s['sd'])} "
        f"[{_fmt(s['min'])}, {_fmt(s['max'])}]{units}"
    )


def render(
    all_rows: list[dict],
    markdown_path: str | Path,
    json_path: str | Path,
    controls: Sequence[dict] = (),
) -> None:
    """Write the scorecard (claims, then negative controls) as Markdown and JSON, atomically."""
    counts = {verdict: sum(row["verdict"] == verdict for row in all_rows) for verdict in VERDICTS}
    lines = [
        "# synplast scorecard",
        "",
        f"{len(all_rows)} claims: {counts['reproduced']} reproduced, "
        f"{counts['not reproduced']} not reproduced (the reference model itself does not show "
        f"them; evidence given), {counts['failed']} failed (a defect of the replication). A "
        "claim holds when its criterion holds for every seed; the measurement is mean ± SD "
        "[min, max] over seeds.",
        "",
        "| paper | claim | expectation | measurement | seeds passing | verdict "
        "| failed by controls |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in all_rows:
        measurement = _measurement(row)
        verdict = f"**{row['verdict']}**"
        if row["not_reproduced"] and row["verdict"] != "reproduced":
            verdict += f": {row['not_reproduced']}"
        failed_by = ", ".join(row["failed_by_controls"]) or "none"
        lines.append(
            f"| {row['paper']} | {row['statement']} | {row['expectation']} | {measurement} | "
            f"{row['seeds_passing']}/{len(row['seeds'])} | {verdict} | {failed_by} |"
        )
    lines += _control_lines(all_rows, controls)
    lines += ["", "Sources (trace any of them with `synplast trace FILE`):", ""]
    for source in sorted({row["source"] for row in all_rows}):
        lines.append(f"- `{source}`")
    atomic_write_text(markdown_path, "\n".join(lines) + "\n")
    document = {"claims": all_rows, "controls": list(controls)}
    atomic_write_text(json_path, json.dumps(document, indent=2, allow_nan=True) + "\n")


def _claims_no_control_fails(all_rows) -> list[str]:
    """``paper.claim`` of every claim that no negative control fails."""
    return [f"{row['paper']}.{row['claim']}" for row in all_rows if not row["failed_by_controls"]]


def _control_lines(all_rows: list[dict], controls: Sequence[dict]) -> list[str]:
    """The negative-controls section of the Markdown scorecard."""
    lines = [
        "",
        "## Negative controls",
        "",
        "Deliberately wrong models that a careless replication could be, measured on every "
        "claim. A control is rejected when it fails every claim it is aimed at.",
        "",
        "| paper | control | what is wrong | aimed at | claims it fails | rejected |",
        "|---|---|---|---|---|---|",
    ]
    for c in controls:
        lines.append(
            f"| {c['paper']} | {c['control']} (`{c['scenario']}`) | {c['description']} | "
            f"{', '.join(c['aimed_at'])} | {', '.join(c['fails']) or 'none'} | "
            f"**{'yes' if c['rejected'] else 'NO'}** |"
        )
    unguarded = _claims_no_control_fails(all_rows)
    lines += [
        "",
        "Claims that no control fails (no wrong model shows that they have power): "
        + (", ".join(unguarded) if unguarded else "none")
        + ".",
    ]
    return lines


# ---------------------------------------------------------------------------- HTML

HTML_STYLE = """
body { font-family: system-ui, sans-serif; font-size: 14px; margin: 1.5em; color: #1e293b; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #cbd5e1; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
code { font-size: 0.9em; }
.claim-id { color: #475569; font-size: 0.85em; }
.reproduced { color: #15803d; font-weight: bold; }
.not-reproduced { color: #b45309; font-weight: bold; }
.failed, .not-rejected { color: #b91c1c; font-weight: bold; }
.rejected { color: #15803d; font-weight: bold; }
"""


def render_html(document: Mapping) -> str:
    """The scorecard (``{"claims": rows, "controls": rows}``, as in the JSON) as one HTML page:
    the same claims, negative controls, unguarded claims and sources as the Markdown."""
    from html import escape

    all_rows, controls = list(document["claims"]), list(document.get("controls", []))
    counts = {verdict: sum(row["verdict"] == verdict for row in all_rows) for verdict in VERDICTS}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>synplast scorecard</title>',
        f"<style>{HTML_STYLE}</style></head><body>",
        "<h1>synplast scorecard</h1>",
        f"<p>{len(all_rows)} claims: {counts['reproduced']} reproduced, "
        f"{counts['not reproduced']} not reproduced (the reference model itself does not show "
        f"them; evidence given), {counts['failed']} failed (a defect of the replication). A "
        "claim holds when its criterion holds for every seed; the measurement is mean ± SD "
        "[min, max] over seeds.</p>",
        "<h2>Claims</h2>",
        "<table><thead><tr><th>paper</th><th>claim</th><th>expectation</th><th>measurement</th>"
        "<th>seeds passing</th><th>verdict</th><th>failed by controls</th></tr></thead><tbody>",
    ]
    for row in all_rows:
        verdict = row["verdict"]
        cell = f'<span class="{verdict.replace(" ", "-")}">{escape(verdict)}</span>'
        if row["not_reproduced"] and verdict != "reproduced":
            cell += f": {escape(row['not_reproduced'])}"
        out.append(
            f"<tr><td>{escape(row['paper'])}</td><td>{escape(row['statement'])} "
            f'<span class="claim-id">(<code>{escape(row["claim"])}</code>)</span></td>'
            f"<td>{escape(row['expectation'])}</td><td>{escape(_measurement(row))}</td>"
            f"<td>{row['seeds_passing']}/{len(row['seeds'])}</td><td>{cell}</td>"
            f"<td>{escape(', '.join(row['failed_by_controls']) or 'none')}</td></tr>"
        )
    out += [
        "</tbody></table>",
        "<h2>Negative controls</h2>",
        "<p>Deliberately wrong models that a careless replication could be, measured on every "
        "claim. A control is rejected when it fails every claim it is aimed at.</p>",
        "<table><thead><tr><th>paper</th><th>control</th><th>what is wrong</th><th>aimed at</th>"
        "<th>claims it fails</th><th>rejected</th></tr></thead><tbody>",
    ]
    for c in controls:
        rejected = (
            '<span class="rejected">yes</span>'
            if c["rejected"]
            else '<span class="not-rejected">NO</span>'
        )
        out.append(
            f"<tr><td>{escape(c['paper'])}</td><td>{escape(c['control'])} "
            f"(<code>{escape(c['scenario'])}</code>)</td><td>{escape(c['description'])}</td>"
            f"<td>{escape(', '.join(c['aimed_at']))}</td>"
            f"<td>{escape(', '.join(c['fails']) or 'none')}</td><td>{rejected}</td></tr>"
        )
    unguarded = _claims_no_control_fails(all_rows)
    out += [
        "</tbody></table>",
        "<p>Claims that no control fails (no wrong model shows that they have power): "
        + escape(", ".join(unguarded) if unguarded else "none")
        + ".</p>",
        "<h2>Sources</h2>",
        "<p>Trace any of them with <code>synplast trace FILE</code>:</p>",
        "<ul>",
        *(
            f"<li><code>{escape(source)}</code></li>"
            for source in sorted({row["source"] for row in all_rows})
        ),
        "</ul>",
        "</body></html>",
    ]
    return "\n".join(out) + "\n"


def write_html(json_path: str | Path, html_path: str | Path) -> Path:
    """Write the HTML scorecard of the scorecard JSON at ``json_path``, atomically."""
    document = json.loads(Path(json_path).read_text(encoding="utf-8"))
    return atomic_write_text(html_path, render_html(document))

"""The claims helpers (:mod:`synplast.claimkit`) and the scorecard's claims Dataset and rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from synplast.claimkit import (
    ClaimResult,
    Threshold,
    above,
    at_least,
    below,
    between,
    control_config,
    near,
    paired,
    per_seed,
    per_seed_claim,
    summary,
)
from synplast.scorecard import claims_dataset, control_rows, rows

NAN = float("nan")


def requests(scenario, seeds):
    return {(scenario, seed, "test"): f"{scenario}{seed}" for seed in seeds}


def test_per_seed_selects_one_scenario_in_seed_order():
    datasets = {**requests("b", [3, 1]), **requests("a", [2, 10, 1])}
    assert per_seed(datasets, "a") == {1: "a1", 2: "a2", 10: "a10"}
    assert list(per_seed(datasets, "b")) == [1, 3]
    assert per_seed(datasets, "c") == {}


def test_paired_keeps_the_seeds_both_scenarios_have():
    datasets = {**requests("x", [1, 2, 3]), **requests("y", [3, 2, 4])}
    assert paired(datasets, "x", "y") == {2: ("x2", "y2"), 3: ("x3", "y3")}


@pytest.mark.parametrize(
    ("criterion", "passing", "failing"),
    [
        (above(2.0), [2.5, math.inf], [2.0, 1.0, NAN]),
        (at_least(2.0), [2.0, 3.0], [1.999, NAN]),
        (below(0), [-1e-9, -math.inf], [0.0, 1.0, NAN]),
        (between(0.4, 4.0), [0.4, 1.0, 4.0], [0.39, 4.01, NAN]),
        (near(1, 0.05), [0.96, 1.0, 1.04], [0.95, 1.05, NAN]),
    ],
)
def test_thresholds(criterion, passing, failing):
    assert all(criterion(v, None) is True for v in passing)
    assert all(criterion(v, None) is False for v in failing)


def test_threshold_rejects_an_unknown_comparison():
    with pytest.raises(ValueError, match="unknown comparison"):
        Threshold("=>", 1.0)
    assert str(at_least(0.8)) == ">= 0.8"


def test_per_seed_claim_measures_and_judges_every_seed():
    by_seed = {1: {"v": 3.0, "limit": 2.0}, 2: {"v": 1.0, "limit": 0.5}, 5: {"v": NAN}}
    result = per_seed_claim(
        "c",
        "statement",
        "expectation",
        "measure",
        "Hz",
        by_seed,
        lambda d: d["v"],
        lambda v, d: v > d.get("limit", 0.0),
        note="n",
    )
    assert (result.seeds, result.passed, result.note) == ([1, 2, 5], [True, True, False], "n")
    assert result.values[:2] == [3.0, 1.0] and math.isnan(result.values[2])
    assert result.verdict == "failed" and not result.holds
    assert per_seed_claim("c", "s", "e", "m", "1", {1: 3.0}, float, above(2)).verdict == (
        "reproduced"
    )
    evidence = "the reference shows 0.3"
    assert (
        per_seed_claim("c", "s", "e", "m", "1", {1: 1.0}, float, above(2), not_reproduced=evidence)
    ).verdict == "not reproduced"


def test_a_claim_without_seeds_fails():
    assert per_seed_claim("c", "s", "e", "m", "1", {}, float, above(0)).verdict == "failed"


def test_summary_over_the_finite_values():
    assert summary([1.0, NAN, 3.0, math.inf]) == {
        "mean": 2.0,
        "sd": 1.0,
        "min": 1.0,
        "max": 3.0,
        "n": 2,
    }
    empty = summary([NAN])
    assert empty["n"] == 0 and all(math.isnan(empty[k]) for k in ("mean", "sd", "min", "max"))


def test_claims_dataset_and_rows():
    results = [
        ClaimResult("a", "A holds", "> 0", "x", "Hz", [1, 3], [1.0, 2.0], [True, True]),
        ClaimResult("b", "B holds", "< 0", "y", "1", [2], [5.0], [False], note="only seed 2"),
    ]
    ds = claims_dataset(results)
    assert list(ds["seed"].values) == [1, 2, 3]
    np.testing.assert_array_equal(ds["value"].values, [[1.0, NAN, 2.0], [NAN, 5.0, NAN]])
    np.testing.assert_array_equal(ds["passed"].values, [[1, 0, 1], [0, 0, 0]])
    assert list(ds["verdict"].values) == ["reproduced", "failed"]
    ds.attrs.update(paper="p", code_sha256="c", config_sha256="k", git_commit="g")
    a, b = rows(ds, source="claims.nc")
    assert (a["seeds"], a["values"], a["seeds_passing"], a["verdict"]) == (
        [1, 3],
        [1.0, 2.0],
        2,
        "reproduced",
    )
    assert a["summary"] == summary([1.0, 2.0])
    assert (b["seeds"], b["note"], b["verdict"], b["source"]) == (
        [2],
        "only seed 2",
        "failed",
        "claims.nc",
    )


def test_controls_record_which_claims_they_fail_and_whether_they_are_rejected():
    right = [
        ClaimResult("a", "A", "> 0", "x", "1", [1, 2], [1.0, 2.0], [True, True]),
        ClaimResult("b", "B", "> 0", "y", "1", [1, 2], [1.0, 2.0], [True, True]),
    ]
    wrong = {
        "static": [
            ClaimResult("a", "A", "> 0", "x", "1", [1, 2], [1.0, -1.0], [True, False]),
            ClaimResult("b", "B", "> 0", "y", "1", [1, 2], [1.0, 2.0], [True, True]),
        ],
        "careless": [
            ClaimResult("a", "A", "> 0", "x", "1", [1, 2], [1.0, 2.0], [True, True]),
            ClaimResult("b", "B", "> 0", "y", "1", [1, 2], [1.0, 2.0], [True, True]),
        ],
    }
    specs = {
        "static": {"scenario": "s", "aimed_at": ["a"], "description": "no STP"},
        "careless": {"scenario": "c", "aimed_at": ["b"], "description": "passes all"},
    }
    ds = claims_dataset(right, wrong, specs)
    np.testing.assert_array_equal(ds["control_holds"].values, [[0, 1], [1, 1]])
    ds.attrs.update(paper="p", code_sha256="c", config_sha256="k", git_commit="g")
    static, careless = control_rows(ds, source="claims.nc")
    assert (static["fails"], static["rejected"]) == (["a"], True)
    assert (careless["fails"], careless["rejected"]) == ([], False)
    a, b = rows(ds, source="claims.nc")
    assert (a["failed_by_controls"], b["failed_by_controls"]) == (["static"], [])


def test_a_claim_a_control_does_not_measure_is_not_counted_as_failed():
    right = [
        ClaimResult("a", "A", "> 0", "x", "1", [1], [1.0], [True]),
        ClaimResult("b", "B", "> 0", "y", "1", [1], [1.0], [True]),
    ]
    wrong = {"c": [ClaimResult("a", "A", "> 0", "x", "1", [1], [-1.0], [False])]}
    specs = {"c": {"scenario": "s", "aimed_at": ["a"], "description": "d"}}
    ds = claims_dataset(right, wrong, specs)
    np.testing.assert_array_equal(ds["control_holds"].values, [[0, -1]])
    ds.attrs.update(paper="p", code_sha256="c", config_sha256="k", git_commit="g")
    (control,) = control_rows(ds, source="claims.nc")
    assert control["fails"] == ["a"] and control["rejected"]
    assert [row["failed_by_controls"] for row in rows(ds, source="claims.nc")] == [["c"], []]


def test_a_control_aimed_at_an_unknown_claim_is_an_error():
    right = [ClaimResult("a", "A", "> 0", "x", "1", [1], [1.0], [True])]
    with pytest.raises(ValueError, match="unknown claim"):
        claims_dataset(
            right, {"c": right}, {"c": {"scenario": "s", "aimed_at": ["zz"], "description": "d"}}
        )


def test_control_config_swaps_the_replaced_scenario_everywhere():
    config = {
        "p": {
            "claims": {
                "scenario": "main",
                "other_scenario": "main",
                "scenarios": ["main", "x"],
                "wide": "x",
                "controls": {"c": {"scenario": "wrong", "aimed_at": ["a"], "description": "d"}},
            }
        }
    }
    swapped = control_config(config, "p", "c")["p"]["claims"]
    assert (swapped["scenario"], swapped["other_scenario"], swapped["scenarios"]) == (
        "wrong",
        "wrong",
        ["wrong", "x"],
    )
    assert swapped["wide"] == "x" and config["p"]["claims"]["scenario"] == "main"

"""Building blocks of a paper's claims module: one small function per claim.

A paper's ``claims.evaluate(datasets, config)`` receives the ``test`` stage Datasets keyed by
``(scenario, seed, stage)`` requests and returns one :class:`ClaimResult` per claim.  A claim
is usually a per-seed measurement compared with a threshold::

    def whole_network(datasets, config):
        \"\"\"PS involve virtually the entire network. (... why the tolerance ...)\"\"\"
        return per_seed_claim(
            "whole_network", "PS involve virtually the entire network",
            "mean participation of full PS >= 0.8", "mean participation", "1",
            per_seed(datasets, "main"),
            lambda ds: mean_participation(ds),
            at_least(0.8),
        )

- :func:`per_seed` selects the Datasets of one scenario by seed, :func:`paired` those of two
  scenarios for the seeds both have;
- :func:`above`, :func:`at_least`, :func:`below`, :func:`between` and :func:`near` are the
  thresholds (:class:`Threshold`); any callable ``criterion(value, data) -> bool`` works too,
  for criteria that need more of a seed's data than the reported value;
- :func:`per_seed_claim` measures every seed and builds the :class:`ClaimResult`;
- :func:`summary` is the mean, SD, min and max over seeds that the scorecard reports;
- :func:`control_config` and :func:`evaluate_controls` re-measure every claim with a negative
  control (a deliberately wrong model, declared in the paper's ``claims.controls`` config) in
  place of the scenario it stands in for.

A claim holds when its criterion holds for **every** seed.  Its verdict is ``reproduced`` when
it holds; ``not reproduced`` when it does not and the claim says why the reference model itself
does not show it (``not_reproduced``: the measured evidence); otherwise ``failed``, the only
verdict that is a defect of the replication.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

VERDICTS = ("reproduced", "not reproduced", "failed")
"""Verdicts of a claim; only ``failed`` is a defect."""

__all__ = [
    "VERDICTS",
    "ClaimResult",
    "control_config",
    "evaluate_controls",
    "Threshold",
    "above",
    "at_least",
    "below",
    "between",
    "near",
    "paired",
    "per_seed",
    "per_seed_claim",
    "summary",
]

T = TypeVar("T")


@dataclass(frozen=True)
class ClaimResult:
    """One claim of one paper, measured over seeds."""

    claim_id: str
    statement: str
    expectation: str
    measure: str
    units: str
    seeds: Sequence[int]
    values: Sequence[float]
    passed: Sequence[bool]
    note: str = field(default="")
    not_reproduced: str = field(default="")
    """Why the reference model itself does not show the claim (measured evidence), if so."""

    @property
    def holds(self) -> bool:
        """The criterion holds in every seed (and at least one seed was measured)."""
        return all(self.passed) and len(self.passed) > 0

    @property
    def verdict(self) -> str:
        if self.holds:
            return "reproduced"
        return "not reproduced" if self.not_reproduced else "failed"


# ---------------------------------------------------------------------------- selection


def per_seed(datasets: Mapping[tuple, Any], scenario: str) -> dict[int, Any]:
    """The Datasets of ``scenario`` keyed by seed, in increasing seed order.

    ``datasets`` is keyed by ``(scenario, seed, stage)`` requests.
    """
    return {
        seed: ds
        for (name, seed, _), ds in sorted(datasets.items(), key=lambda item: item[0])
        if name == scenario
    }


def paired(datasets: Mapping[tuple, Any], first: str, second: str) -> dict[int, tuple[Any, Any]]:
    """``{seed: (first's Dataset, second's Dataset)}`` for the seeds both scenarios have."""
    a, b = per_seed(datasets, first), per_seed(datasets, second)
    return {seed: (a[seed], b[seed]) for seed in a if seed in b}


# ---------------------------------------------------------------------------- thresholds

_OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Threshold:
    """The criterion ``value <op> bound`` (``op`` one of ``>``, ``>=``, ``<``, ``<=``).

    A NaN value never passes.  Called as ``criterion(value, data)`` like any criterion of
    :func:`per_seed_claim`; ``data`` is ignored.
    """

    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"unknown comparison {self.op!r} (allowed: {list(_OPERATORS)})")

    def __call__(self, value: float, data: object = None) -> bool:
        return bool(_OPERATORS[self.op](value, self.bound))

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


def above(bound: float) -> Threshold:
    """``value > bound``."""
    return Threshold(">", bound)


def at_least(bound: float) -> Threshold:
    """``value >= bound``."""
    return Threshold(">=", bound)


def below(bound: float) -> Threshold:
    """``value < bound``."""
    return Threshold("<", bound)


@dataclass(frozen=True)
class Between:
    """The criterion ``low <= value <= high`` (bounds included)."""

    low: float
    high: float

    def __call__(self, value: float, data: object = None) -> bool:
        return bool(self.low <= value <= self.high)

    def __str__(self) -> str:
        return f"in [{self.low:g}, {self.high:g}]"


def between(low: float, high: float) -> Between:
    """``low <= value <= high``."""
    return Between(low, high)


@dataclass(frozen=True)
class Near:
    """The criterion ``|value - target| < tolerance``."""

    target: float
    tolerance: float

    def __call__(self, value: float, data: object = None) -> bool:
        return bool(abs(value - self.target) < self.tolerance)

    def __str__(self) -> str:
        return f"within {self.target:g} +- {self.tolerance:g}"


def near(target: float, tolerance: float) -> Near:
    """``|value - target| < tolerance``."""
    return Near(target, tolerance)


# ---------------------------------------------------------------------------- claims


def per_seed_claim(
    claim_id: str,
    statement: str,
    expectation: str,
    measure: str,
    units: str,
    by_seed: Mapping[int, T],
    value: Callable[[T], float],
    criterion: Callable[[float, T], bool],
    note: str = "",
    not_reproduced: str = "",
) -> ClaimResult:
    """Measure ``value(data)`` for every seed of ``by_seed`` and judge it by ``criterion``.

    ``by_seed`` maps seed -> that seed's data (a Dataset from :func:`per_seed`, a pair from
    :func:`paired`, ...); ``criterion(value, data)`` says whether the seed passes (a
    :class:`Threshold` or any callable).  The text arguments are those of :class:`ClaimResult`.
    """
    seeds = [int(seed) for seed in by_seed]
    values = [float(value(data)) for data in by_seed.values()]
    passed = [bool(criterion(v, data)) for v, data in zip(values, by_seed.values(), strict=True)]
    return ClaimResult(
        claim_id,
        statement,
        expectation,
        measure,
        units,
        seeds,
        values,
        passed,
        note,
        not_reproduced,
    )


def summary(values: Sequence[float] | np.ndarray) -> dict[str, float]:
    """Mean, SD (population), min and max of the finite values over seeds, and their count."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {
            "mean": float("nan"),
            "sd": float("nan"),
            "min": float("nan"),
            "max": float("nan"),
            "n": 0,
        }
    return {
        "mean": float(finite.mean()),
        "sd": float(finite.std()),
        "min": float(finite.min()),
        "max": float(finite.max()),
        "n": int(finite.size),
    }


# ---------------------------------------------------------------------------- negative controls


def control_config(config: Mapping, paper: str, control: str) -> dict:
    """The config with negative control ``control`` in place of the scenario it replaces.

    Every entry of ``<paper>.claims`` naming the replaced scenario (``replaces``, by default
    the claims' main ``scenario``) names the control's scenario instead, so each claim is
    measured on the wrong model exactly as it is on the right one.
    """
    claims = config[paper]["claims"]
    spec = claims["controls"][control]
    replaced = spec.get("replaces", claims["scenario"])
    swapped = copy.deepcopy(dict(config))
    section = swapped[paper]["claims"]
    for key, value in section.items():
        if key == "controls":
            continue
        if value == replaced:
            section[key] = spec["scenario"]
        elif isinstance(value, list):
            section[key] = [spec["scenario"] if v == replaced else v for v in value]
    return swapped


def evaluate_controls(
    evaluate: Callable[[Mapping, Mapping], list[ClaimResult]],
    datasets: Mapping,
    config: Mapping,
    paper: str,
) -> dict[str, list[ClaimResult]]:
    """Every claim re-measured with each negative control of ``<paper>.claims.controls``."""
    return {
        control: evaluate(datasets, control_config(config, paper, control))
        for control in config[paper]["claims"].get("controls", {})
    }

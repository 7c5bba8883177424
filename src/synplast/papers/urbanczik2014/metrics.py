"""Learning metrics of urbanczik2014 (defined in ``docs/papers/urbanczik2014.md``).

A presentation ``k`` covers the samples of the step ends in ``(k T, (k + 1) T]``, i.e. the
sample indices ``[k n, (k + 1) n)`` with ``n`` steps per pattern.  The target is the matching
potential U_M of the teacher's conductances (the ``inputs`` stage's ``U_M_mV``), defined in the
teaching presentations; outside them every metric is NaN.
"""

from __future__ import annotations

import numpy as np

from synplast.stagefile import var_attrs

from .params import UrbanczikParams


def by_presentation(values: np.ndarray, pattern_steps: int) -> np.ndarray:
    """``(n_presentations, pattern_steps)`` view of a per-step trace."""
    n = values.shape[0] // pattern_steps
    return np.asarray(values[: n * pattern_steps], dtype=np.float64).reshape(n, pattern_steps)


def rmse(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Root-mean-square difference along the last axis."""
    return np.sqrt(np.mean((a - b) ** 2, axis=-1))


def pearson(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation along the last axis (NaN where either is constant)."""
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a * b).sum(axis=-1) / np.sqrt((a * a).sum(axis=-1) * (b * b).sum(axis=-1))


def presentation_metrics(
    V_star: np.ndarray, U: np.ndarray, U_M: np.ndarray, p: UrbanczikParams
) -> dict[str, tuple[np.ndarray, dict]]:
    """Per presentation: RMSE and correlation of V_w* against U_M, RMSE of U against U_M
    (NaN outside the teaching presentations)."""
    n = p.pattern_steps
    star, soma, target = (by_presentation(x, n) for x in (V_star, U, U_M))
    taught = np.zeros(star.shape[0], dtype=bool)
    taught[list(p.teacher_presentations)] = True
    out = {
        "rmse_star_mV": rmse(star, target),
        "corr_star": pearson(star, target),
        "rmse_soma_mV": rmse(soma, target),
    }
    for values in out.values():
        values[~taught] = np.nan
    names = {
        "rmse_star_mV": ("mV", "RMS difference of V_w* and U_M in the presentation"),
        "corr_star": ("1", "Pearson correlation of V_w* and U_M in the presentation"),
        "rmse_soma_mV": ("mV", "RMS difference of U and U_M in the presentation"),
    }
    return {
        name: (values, var_attrs(*names[name], may_be_nan=True)) for name, values in out.items()
    }


def taught_index(p: UrbanczikParams, position: int) -> int:
    """Presentation index of the teaching presentation ``position`` (negative: from the
    end)."""
    taught = list(p.teacher_presentations)
    return taught[position]

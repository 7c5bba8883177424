"""Metrics of Sadeh et al. (2015), as defined in docs/papers/sadeh2015.md ("Metrics").

Weights are ``W[pre, post]`` in mV; POs are the fixed input POs (rad) unless stated.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CARDINAL_BINS",
    "OBLIQUE_BINS",
    "bidirectional_surplus",
    "cardinal_minus_oblique",
    "cardinal_within_group",
    "mean_rates_Hz",
    "osi_po",
    "po_drift",
    "profile_existing",
    "rate_per_neuron_Hz",
    "rate_text",
    "sparseness",
    "specificity_bins",
    "weight_tuning_correlation",
]

#: 15-degree PO bins of the cardinal analysis: 0-15, 75-105, 165-180 deg are cardinal,
#: 30-60 and 120-150 deg oblique.
CARDINAL_BINS = (0, 5, 6, 11)
OBLIQUE_BINS = (2, 3, 8, 9)


def rate_per_neuron_Hz(neuron: np.ndarray, n: int, duration_ms: float) -> np.ndarray:
    """Spike count / duration for each of ``n`` neurons."""
    return np.bincount(np.asarray(neuron, np.int64), minlength=n) / (duration_ms / 1000.0)


def mean_rates_Hz(neuron: np.ndarray, n_E: int, n: int, duration_ms: float) -> tuple[float, float]:
    """Population mean rates (E, I): N_spikes / N_pop / duration."""
    neuron = np.asarray(neuron)
    seconds = duration_ms / 1000.0
    n_exc = int(np.count_nonzero(neuron < n_E))
    return n_exc / n_E / seconds, (neuron.size - n_exc) / (n - n_E) / seconds


def rate_text(n_spikes: int, n_pop: int, duration_ms: float, emulate_py2: bool) -> float:
    """The rate printed in Fig. 1: ``round(x, 1)``; with ``emulate_py2`` (flag
    ``emulate_py2_rate_text``, see docs/papers/sadeh2015.md) the reference's Python-2 ``len/ne``
    integer division floors the count per neuron before dividing by time."""
    seconds = duration_ms / 1000.0
    if emulate_py2:
        return math.floor(n_spikes / n_pop) / seconds
    return round(n_spikes / n_pop / seconds, 1)


def sparseness(neuron: np.ndarray, n_E: int) -> float:
    """Fraction of E neurons with at least one spike in the test block."""
    neuron = np.asarray(neuron)
    return np.unique(neuron[neuron < n_E]).size / n_E


def specificity_bins(W: np.ndarray, po: np.ndarray, n_E: int, mode: str = "legacy") -> np.ndarray:
    """Fig. 3G: mean E->E weight in three |dPO| bins, over all ordered pairs incl. zeros and
    autapses.

    ``mode`` is the flag ``specificity_bins`` (see docs/papers/sadeh2015.md).  ``legacy`` (the
    reference): d = PO_pre - PO_post unwrapped; strict inequalities (pairs on an edge are
    dropped): bin 1 |d| < pi/6 or > 5pi/6; bin 2 in (pi/6, pi/3) or (2pi/3, 5pi/6); bin 3 in
    (pi/3, pi/2) or (pi/2, 2pi/3).  ``folded``: min(|d|, pi - |d|) in [0, 30), [30, 60),
    [60, 90] deg.
    """
    a = np.abs(po[:n_E, None] - po[None, :n_E])
    w = W[:n_E, :n_E]
    pi = np.pi
    if mode == "legacy":
        masks = [
            (a < pi / 6) | (a > 5 * pi / 6),
            ((a > pi / 6) & (a < pi / 3)) | ((a > 2 * pi / 3) & (a < 5 * pi / 6)),
            ((a > pi / 3) & (a < pi / 2)) | ((a > pi / 2) & (a < 2 * pi / 3)),
        ]
    elif mode == "folded":
        f = np.degrees(np.minimum(a, pi - a))
        masks = [f < 30, (f >= 30) & (f < 60), f >= 60]
    else:
        raise ValueError(f"sadeh2015.specificity_bins: unknown mode {mode!r}")
    return np.array([w[m].mean() for m in masks])


def osi_po(rates: np.ndarray, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OSI = |sum r e^{2i theta}| / sum r (1 - circular variance); PO = arg(...)/2 in [0, pi).

    ``rates``: (N, n_ori).  NaN for neurons that never fire.
    """
    z = rates @ np.exp(2j * np.asarray(thetas))
    total = rates.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        osi = np.where(total > 0, np.abs(z) / total, np.nan)
    po = np.where(total > 0, np.mod(np.angle(z) / 2.0, np.pi), np.nan)
    return osi, po


def po_drift(po_out: np.ndarray, po_in: np.ndarray) -> np.ndarray:
    """|PO_out - PO_in| on the orientation circle, in [0, pi/2] (rad)."""
    d = np.mod(po_out - po_in, np.pi)
    return np.minimum(d, np.pi - d)


def bidirectional_surplus(W: np.ndarray, n_E: int, w_th: float) -> float:
    """P(w_ij > w_th and w_ji > w_th) / P(w > w_th)^2 over ordered E pairs i != j (1 if
    independent); NaN if no weight exceeds ``w_th``."""
    strong = W[:n_E, :n_E] > w_th
    off = ~np.eye(n_E, dtype=bool)
    p_one = strong[off].mean()
    if p_one == 0:
        return float("nan")
    p_both = (strong & strong.T)[off].mean()
    return float(p_both / p_one**2)


def weight_tuning_correlation(W: np.ndarray, W0: np.ndarray, po: np.ndarray, n_E: int) -> float:
    """Pearson r of existing (W0 != 0) E->E weights of ``W`` against cos 2(PO_pre - PO_post);
    NaN when the weights do not vary (e.g. W = W0: no correlation to measure)."""
    exists = W0[:n_E, :n_E] != 0
    c = np.cos(2.0 * (po[:n_E, None] - po[None, :n_E]))
    w = W[:n_E, :n_E][exists]
    if w.size < 2 or np.ptp(w) == 0:
        return float("nan")
    return float(np.corrcoef(w, c[exists])[0, 1])


def profile_existing(W, W0, po, pre: slice, post: slice, bin_deg: float = 30.0):
    """Mean of existing (W0 != 0) weights pre -> post in folded |dPO| bins of ``bin_deg``.

    Returns (bin_left_deg, mean_mV); NaN for an empty bin.
    """
    a = np.abs(po[pre][:, None] - po[post][None, :])
    f = np.degrees(np.minimum(a, np.pi - a))
    exists = W0[pre, post] != 0
    w = W[pre, post]
    left = np.arange(0.0, 90.0, bin_deg)
    idx = np.minimum((f // bin_deg).astype(int), left.size - 1)
    out = np.array(
        [
            w[(idx == b) & exists].mean() if ((idx == b) & exists).any() else np.nan
            for b in range(left.size)
        ]
    )
    return left, out


def cardinal_within_group(W, W0, po, n_E: int, bin_deg: float = 15.0):
    """Mean existing E->E weight among neurons whose input PO lies in the same ``bin_deg`` bin.

    Returns (bin_left_deg, mean_mV) over the 180/bin_deg bins.
    """
    group = np.floor(np.degrees(po[:n_E]) / bin_deg + 1e-9).astype(int)
    left = np.arange(0.0, 180.0, bin_deg)
    exists = W0[:n_E, :n_E] != 0
    w = W[:n_E, :n_E]
    out = np.empty(left.size)
    for b in range(left.size):
        members = group == b
        block = exists[np.ix_(members, members)]
        out[b] = w[np.ix_(members, members)][block].mean()
    return left, out


def cardinal_minus_oblique(within_group: np.ndarray) -> float:
    """Mean within-group weight of the cardinal bins minus that of the oblique bins (mV)."""
    return float(
        np.mean(within_group[list(CARDINAL_BINS)]) - np.mean(within_group[list(OBLIQUE_BINS)])
    )

"""Receptive-field metrics of sweeney2017 (defined in ``docs/papers/sweeney2017.md``).

Outputs are in spatial order on a ring (their positions are sorted), so "adjacent" means
outputs ``i`` and ``i + 1`` (mod the number of outputs).
"""

from __future__ import annotations

import numpy as np

from .inputs import ring_distance


def preferred_input(W: np.ndarray) -> np.ndarray:
    """``argmax_k W[i, k]`` of every output (the lowest index on a tie)."""
    return np.argmax(W, axis=-1)


def selectivity(W: np.ndarray) -> np.ndarray:
    """Top weight minus second weight of every output."""
    top_two = np.sort(W, axis=-1)[..., -2:]
    return top_two[..., 1] - top_two[..., 0]


def preference_fractions(preferred: np.ndarray, n_inputs: int) -> np.ndarray:
    """Fraction of outputs preferring each input."""
    return np.bincount(preferred, minlength=n_inputs) / preferred.size


def chance_same_adjacent(fractions: np.ndarray) -> float:
    """Chance that two outputs drawn independently share a preference, ``sum_k f_k^2``."""
    return float(np.sum(fractions**2))


def same_adjacent(preferred: np.ndarray) -> float:
    """Fraction of the ring's adjacent pairs whose outputs prefer the same input."""
    return float(np.mean(preferred == np.roll(preferred, -1)))


def domain_boundaries(preferred: np.ndarray) -> int:
    """Number of adjacent pairs on the ring whose preferences differ."""
    return int(np.sum(preferred != np.roll(preferred, -1)))


def pair_correlations(W: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson correlation of the receptive fields (rows of W) of every pair ``i < j``, and
    the pair's ring distance ``|x_i - x_j|`` (position units, periodic)."""
    corr = np.corrcoef(W)
    i, j = np.triu_indices(W.shape[0], k=1)
    return corr[i, j], ring_distance(positions[i], positions[j])


def binned_mean(values: np.ndarray, distance: np.ndarray, edges) -> np.ndarray:
    """Mean of ``values`` in each distance bin ``[edges[b], edges[b + 1])`` (the last bin
    closed); NaN for an empty bin or one whose values are all NaN."""
    edges = np.asarray(edges, dtype=float)
    index = np.digitize(distance, edges[1:-1])
    out = np.full(edges.size - 1, np.nan)
    for b in range(edges.size - 1):
        chosen = values[(index == b) & np.isfinite(values)]
        if chosen.size:
            out[b] = chosen.mean()
    return out


def correlation_length(binned: np.ndarray, edges, level: float) -> float:
    """Distance at which the binned mean correlation first falls below ``level``, linearly
    interpolated between bin centres; 0 when the first bin is already below, the last centre
    when it never falls below."""
    edges = np.asarray(edges, dtype=float)
    centres = 0.5 * (edges[:-1] + edges[1:])
    finite = np.isfinite(binned)
    centres, binned = centres[finite], binned[finite]
    if binned.size == 0 or binned[0] < level:
        return 0.0
    below = np.nonzero(binned < level)[0]
    if below.size == 0:
        return float(centres[-1])
    b = below[0]
    fraction = (binned[b - 1] - level) / (binned[b - 1] - binned[b])
    return float(centres[b - 1] + fraction * (centres[b] - centres[b - 1]))


def stabilisation_snapshot(W_snapshots: np.ndarray) -> int:
    """The last snapshot at which any output's preferred input changes (0 if none does)."""
    preferred = preferred_input(W_snapshots)
    changed = np.nonzero(np.any(preferred[1:] != preferred[:-1], axis=1))[0]
    return int(changed[-1] + 1) if changed.size else 0

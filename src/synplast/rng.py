"""Seeded, named random streams.

Every random number a model consumes comes from a stream keyed by the run's integer seed and a
purpose name (``stream(seed, "ib")``, ``stream(seed, "net", "ee")``).  Streams are independent
of each other and of the order in which they are created, so adding a new stream never shifts
the numbers of an existing one, and no code reads NumPy's global random state.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["stream", "stream_key", "truncated_normal"]


def stream_key(*names: str) -> tuple[int, ...]:
    """Stable 32-bit integer keys for a purpose path (independent of Python's hash seed)."""
    return tuple(
        int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "little")
        for name in names
    )


def stream(seed: int, *names: str) -> np.random.Generator:
    """Return the generator for ``seed`` and the purpose path ``names``.

    ``stream(5, "net", "ee")`` always yields the same numbers, whatever other streams exist.
    """
    if not names:
        raise ValueError("a random stream needs at least one purpose name")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    sequence = np.random.SeedSequence(entropy=int(seed), spawn_key=stream_key(*names))
    return np.random.Generator(np.random.PCG64(sequence))


def truncated_normal(
    rng: np.random.Generator, mean: float, sd: float, low: float, high: float, size: int
) -> np.ndarray:
    """``size`` draws of a normal(mean, sd) truncated to [low, high] (``high`` may be inf).

    Uses ``scipy.stats.truncnorm`` (the reference's distribution) on the given generator.
    """
    from scipy.stats import truncnorm

    if size == 0:
        return np.empty(0)
    a, b = (low - mean) / sd, (high - mean) / sd
    return truncnorm.rvs(a, b, loc=mean, scale=sd, size=size, random_state=rng)

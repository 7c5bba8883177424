"""The reference's ``scaled_single_sigmoid``: a logistic function rescaled to pass through two
given points, shared by the three models (rate nonlinearities ``q+`` and ``q-`` and the
network's plateau probabilities).

``scaled_single_sigmoid(th, peak, x=(x0, x1), ylim=(y0, y1))`` has slope ``2 / (peak - th)``
at its threshold ``th``; with ``s(x) = 1 / (1 + exp(-slope (x - th)))`` it is

    q(x) = (y1 - y0) / (s(x1) - s(x0)) * (s(x) - s(x0)) + y0,

so ``q(x0) = y0`` and ``q(x1) = y1`` (exactly: ``s(x0)`` is evaluated by the same expression).
The kernels' scalar version is ``rule.sigmoid_value``.
It is not clipped: outside ``[x0, x1]`` it continues the logistic curve.  The evaluation order
is the reference's: ``(target_amp / amp) * (s(x) - start_val) + ylim[0]``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SigmoidConstants", "scaled_sigmoid", "sigmoid_constants"]

SigmoidConstants = tuple[float, float, float, float, float]
"""``(th, slope, start_val, scale, y0)`` with ``scale = (y1 - y0) / (s(x1) - s(x0))``."""


def sigmoid_constants(
    th: float, peak: float, x: tuple[float, float] = (0.0, 1.0), ylim=(0.0, 1.0)
) -> SigmoidConstants:
    """The constants of ``scaled_single_sigmoid(th, peak, x, ylim)``; the reference's checks
    (``th`` inside ``x``, ``peak != th``) raise ``ValueError``."""
    if th < x[0] or th > x[-1]:
        raise ValueError(f"sigmoid threshold {th} is outside [{x[0]}, {x[-1]}]")
    if peak == th:
        raise ValueError(f"sigmoid peak and threshold cannot be equal ({th})")
    slope = 2.0 / (peak - th)
    start_val = 1.0 / (1.0 + np.exp(-slope * (x[0] - th)))
    end_val = 1.0 / (1.0 + np.exp(-slope * (x[-1] - th)))
    scale = (ylim[1] - ylim[0]) / (end_val - start_val)
    return (float(th), float(slope), float(start_val), float(scale), float(ylim[0]))


def scaled_sigmoid(values: np.ndarray, constants: SigmoidConstants) -> np.ndarray:
    """Vectorised ``q(values)`` (NumPy)."""
    th, slope, start_val, scale, y0 = constants
    return scale * (1.0 / (1.0 + np.exp(-slope * (values - th))) - start_val) + y0

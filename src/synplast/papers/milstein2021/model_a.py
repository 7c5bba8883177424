"""Model A: the didactic single-spike model of the seed notebook and the standalone script.

Fifty inputs each fire one spike, at times spread over [-5, 5] s around a 300-ms plateau that
starts at t = 0 on the grid ``t = arange(-10, 10, 0.01)`` s (built exactly so: ``t[1000]`` is
-2.1e-13, not 0, and the plateau covers samples 1001-1030).  Each input's eligibility trace (ET)
is its spike filtered by a causal exponential; the instructive signal (IS) is the plateau
filtered likewise; their product ET*IS drives the rule (``kernel_a``).  Each scenario computes
the three variants of ``model.A.variants`` (nonlinear, linear, short time scale).

``model.A.source`` selects the reference (see ``docs/papers/milstein2021.md``):

- ``ref_script`` (default): filters on ``arange(0, 20, 0.01)``, ET normalised so that one spike
  peaks at ``et_peak`` (0.3), forward Euler with a clip after every sample, W_eq undefined where
  ``int q+ + dep_ratio int q-`` is below ``weq_min_denominator`` (0.001);
- ``seed_notebook``: filters on ``t`` itself (the factor ``exp(10 / tau)`` cancels in the
  normalisation), one spike peaks at 1, one trapezoid integral per pass with W fixed, W_eq from
  ``trapz(q+ + dep_ratio q-)`` (threshold 0.0005), and for linear q the constant
  ``W_max / (1 + dep_ratio)``.

This module holds what the three stages share; the stages are ``a_inputs.make_inputs`` (grids,
spikes, plateau, ET, IS, ET*IS), ``a_plastic.run_plastic`` (the passes over the grid of initial
weights, and dW/dt of one pass) and ``a_test.run_test`` (equilibrium weights, zero crossings,
sign structure, dW/dt against ET*IS).
"""

from __future__ import annotations

import numpy as np

from synplast.stagefile import var_attrs

from .sigmoid import scaled_sigmoid, sigmoid_constants

SOURCES = ("ref_script", "seed_notebook")


def time_grid(model: dict) -> np.ndarray:
    """``arange(t_start, t_stop, dt)`` in s, exactly as the references build it."""
    return np.arange(model["t_start_s"], model["t_stop_s"], model["dt_s"])


def spike_steps(model: dict, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spike time of each input (``linspace(-span, span, n)``) and its sample: the first
    sample with ``t >= loc``."""
    locs = np.linspace(-model["input_span_s"], model["input_span_s"], model["n_inputs"])
    steps = np.array([np.where(t >= loc)[0][0] for loc in locs], dtype=np.int64)
    return locs, steps


def plateau_vector(model: dict, t: np.ndarray) -> np.ndarray:
    """1 for ``0 <= t < plateau_s``."""
    plateau = np.zeros_like(t)
    plateau[(t >= 0.0) & (t < model["plateau_s"])] = 1.0
    return plateau


def exp_filter(model: dict, t: np.ndarray, tau_s: float) -> np.ndarray:
    """Causal exponential normalised to unit sum, on the grid the source uses."""
    if model["source"] == "ref_script":
        grid = np.arange(0.0, model["t_stop_s"] - model["t_start_s"], model["dt_s"])
    else:
        grid = t
    f = np.exp(-grid / tau_s)
    return f / np.sum(f)


def signals(model: dict, tau_ET_s: float, tau_IS_s: float):
    """ET (inputs x samples), IS, the ET normaliser, and the single-spike ET of
    ``et_norm_input`` (whose peak is ``et_peak`` by construction)."""
    t = time_grid(model)
    n = t.shape[0]
    _, steps = spike_steps(model, t)
    spikes = np.zeros((model["n_inputs"], n))
    spikes[np.arange(model["n_inputs"]), steps] = 1.0
    f_ET = exp_filter(model, t, tau_ET_s)
    f_IS = exp_filter(model, t, tau_IS_s)
    single = np.convolve(spikes[model["et_norm_input"]], f_ET)[:n]
    norm = np.max(single) / model["et_peak"]
    ET = np.empty_like(spikes)
    for i in range(spikes.shape[0]):
        ET[i] = np.convolve(spikes[i], f_ET)[:n] / norm
    IS = np.convolve(plateau_vector(model, t), f_IS)[:n]
    IS /= np.max(IS)
    return ET, IS, norm


def q_functions(variant: dict):
    """``q+`` and ``q-`` of a variant: identity for linear q, else the scaled sigmoids."""
    if variant["linear_q"]:
        return (lambda x: x), (lambda x: x)
    pot = sigmoid_constants(variant["q_pot_th"], variant["q_pot_peak"])
    dep = sigmoid_constants(variant["q_dep_th"], variant["q_dep_peak"])
    return (lambda x: scaled_sigmoid(x, pot)), (lambda x: scaled_sigmoid(x, dep))


def variant_names(model: dict) -> list[str]:
    return list(model["variants"])


def coords(model: dict, t: np.ndarray) -> dict:
    names = variant_names(model)
    return {
        "variant": ("variant", np.asarray(names, dtype=object), var_attrs("1", "rule variant")),
        "input": ("input", np.arange(model["n_inputs"], dtype=np.int32), var_attrs("1", "input")),
        "time_ms": (
            "time_ms",
            t * 1e3,
            var_attrs("ms", "time relative to the plateau onset (the grid t times 1000)"),
        ),
    }


def equilibrium(model: dict, variant: dict, X: np.ndarray) -> tuple[np.ndarray, ...]:
    """W_eq per input (NaN where undefined), and the integrals of q+ and q- over the window."""
    dt = model["dt_s"]
    q_pot, q_dep = q_functions(variant)
    pot = np.trapezoid(q_pot(X), dx=dt, axis=-1)
    dep = np.trapezoid(q_dep(X), dx=dt, axis=-1)
    W_max, ratio = variant["W_max"], variant["dep_ratio"]
    W_eq = np.full(X.shape[0], np.nan)
    if model["source"] == "ref_script":
        denominator = pot + ratio * dep
        ok = denominator >= model["weq_min_denominator"]
        W_eq[ok] = W_max * pot[ok] / denominator[ok]
    elif variant["linear_q"]:
        W_eq[:] = 1.0 / (1.0 + ratio) * W_max
    else:
        denominator = np.trapezoid(q_pot(X) + ratio * q_dep(X), dx=dt, axis=-1)
        ok = denominator >= model["weq_min_denominator"]
        W_eq[ok] = pot[ok] / denominator[ok] * W_max
    return W_eq, pot, dep


def excursion(model: dict, variant: dict, X: np.ndarray, W_eq: np.ndarray) -> np.ndarray:
    """Largest partial integral of dW/dt over one pass with W held at W_eq (script source; 0 for
    the seed notebook, whose W is fixed within a pass).  It bounds the distance between W_eq
    and the weight that a pass of Euler steps returns to itself, so a heatmap entry farther
    than this from W_eq must change sign exactly at W_eq."""
    out = np.full(X.shape[0], np.nan)
    ok = np.isfinite(W_eq)
    if model["source"] != "ref_script":
        out[ok] = 0.0
        return out
    q_pot, q_dep = q_functions(variant)
    w = (W_eq[ok] / variant["W_max"])[:, None]
    rate = (
        variant["learning_rate_per_s"]
        * variant["W_max"]
        * ((1.0 - w) * q_pot(X[ok]) - variant["dep_ratio"] * w * q_dep(X[ok]))
    )
    out[ok] = np.max(np.abs(np.cumsum(rate, axis=-1) * model["dt_s"]), axis=-1)
    return out


def zero_crossings(W0s: np.ndarray, dW: np.ndarray) -> np.ndarray:
    """Per input, the initial weight where dW changes from positive to non-positive, linearly
    interpolated between grid rows (NaN when dW does not change sign on the grid)."""
    out = np.full(dW.shape[1], np.nan)
    for i in range(dW.shape[1]):
        column = dW[:, i]
        below = np.where((column[:-1] > 0) & (column[1:] <= 0))[0]
        if below.size:
            k = below[0]
            a, b = column[k], column[k + 1]
            out[i] = W0s[k] + (W0s[k + 1] - W0s[k]) * a / (a - b)
    return out

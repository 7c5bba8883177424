"""Model C: a network of independent CA1 cells whose plateaus are regulated by the
population's activity, over novel explore, reward and familiar laps.

Every cell receives the same 200 place-tuned inputs (``track.py``), starts silent (all W = 1)
and learns with the rule of Model B (``rule.py``, its own copy of the fitted parameters in
``model.C``).  The run has a pad lap at negative times, ``n_explore_laps`` novel laps,
``n_reward_laps`` laps with a reward window (``reward_ms`` from the first sample at
``reward_loc_cm``), ``n_familiar_laps`` familiar laps, and a trailing pad lap.  The eligibility
traces are computed once for the whole run on the coarse grid and divided by their maximum.

Each lap iteration (lap = 1 ... number of phase laps):

1. record W; the ramps ``rsf * dW @ rate_maps`` (rsf from the calibration sub-model);
2. the population density: ``sum_cells f_I(ramp)`` on the bins, interpolated periodically onto
   the lap's 1-ms positions, divided by ``n_cells * mean f_I(R)`` (R: a reference field of
   11.2 mV peak, the mean over the bins), with ``f_I(ramp) = 0`` below 2 mV, else
   ``(ramp - 2) * 40 / (11.2 - 2)`` Hz;
3. the plateau probability per 1-ms sample over a window of two laps from the lap's start:
   ``clip(basal(density), 0, 1)``, replaced inside a reward window by
   ``clip(reward(density), 0, 1) * (1 + 2 clip(ramp / 10, 0, 1))``; zero in the 800 ms from
   each plateau onset of the previous iteration;
4. the walk of the window with one uniform per sample of positive probability
   (``network_kernel.walk``), from the reference's per-cell stream
   ``random.Random(9e10 + 1e8 trial + 1e6 lap + cell)`` (``rng: python_exact``; the trial is
   the workflow seed);
5. the rule over the same two-lap window on the coarse grid, with the IS of the new plateaus
   only, ``min(conv(gate, f_IS), P) / P`` (P: the peak of one isolated plateau);
6. the new plateaus set the next iteration's dead time.

After the last lap W, ramps and density are recorded once more.  The two-lap windows overlap by
one lap, so every lap is sampled twice (``legacy_overlapping_windows``, the reference).

This module holds what the stages share; the stages are ``c_inputs.make_inputs``,
``c_network.run_network`` and ``c_readout.run_readout``.
"""

from __future__ import annotations

import numpy as np

from .sigmoid import sigmoid_constants

PHASES = ("pad", "explore", "reward", "familiar")
SEED_BASE, SEED_TRIAL, SEED_LAP = 9e10, 1e8, 1e6
"""The reference's per-cell plateau stream seed: base + trial * 1e8 + lap * 1e6 + cell."""


def n_phase_laps(protocol: dict) -> int:
    return protocol["n_explore_laps"] + protocol["n_reward_laps"] + protocol["n_familiar_laps"]


def lap_phases(protocol: dict) -> np.ndarray:
    """Phase code (index into ``PHASES``) of every lap, pads included (lap 0 and the last)."""
    codes = [0] + [1] * protocol["n_explore_laps"] + [2] * protocol["n_reward_laps"]
    return np.asarray(codes + [3] * protocol["n_familiar_laps"] + [0], dtype=np.int8)


def rate_of_ramp(ramp: np.ndarray, model: dict) -> np.ndarray:
    """``f_I``: 0 below the threshold, then linear up to ``max_rate_Hz`` at ``max_ramp_mV``."""
    th, top = model["rate_threshold_mV"], model["max_ramp_mV"]
    return np.where(ramp < th, 0.0, (ramp - th) * model["max_rate_Hz"] / (top - th))


def probability_constants(model: dict):
    """Sigmoid constants of the basal and the reward plateau probabilities (per 1-ms sample)."""
    b, r = model["basal"], model["reward"]
    basal = sigmoid_constants(b["th"], b["peak"], (0.0, b["x_max"]), (b["p_max_per_ms"], 0.0))
    reward = sigmoid_constants(r["th"], r["peak"], (0.0, r["x_max"]), (r["p_max_per_ms"], 0.0))
    return basal, reward

"""Test stage of urbanczik2014: the learning curve of the plastic run, and the frozen tests.

- Learning curve: per presentation, the RMS difference and the correlation of V_w* and the
  target U_M, and the RMS difference of U and U_M (``metrics.presentation_metrics``).
- Frozen tests: the pattern presented ``test_presentations`` times from rest, with the teacher
  off and the weights frozen, once with the weights at the end of learning and once with the
  initial weights; V_w* of the last presentation is compared with U_M of the last teaching
  presentation, phase by phase.  (The dendrite is open-loop, so V_w* depends only on the
  pattern and the weights; the first presentation supplies the tail of a preceding one, as
  during learning.)
- The somatic rate in the teaching window and statistics of the final weights.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from . import kernel as K
from .metrics import by_presentation, pearson, presentation_metrics, rmse, taught_index
from .params import params_from_config
from .plastic import simulate_protocol, spike_draws, v_star_of

VARIABLES = (
    "rmse_star_mV",
    "corr_star",
    "rmse_soma_mV",
    "rmse_star_first_mV",
    "rmse_star_last_mV",
    "rmse_star_late_mV",
    "corr_star_first",
    "corr_star_last",
    "corr_star_late",
    "rmse_soma_first_mV",
    "rmse_soma_last_mV",
    "rmse_soma_late_mV",
    "test_rmse_after_mV",
    "test_rmse_before_mV",
    "test_corr_after",
    "test_corr_before",
    "test_V_star_after_mV",
    "test_V_star_before_mV",
    "target_U_M_mV",
    "rate_taught_Hz",
    "w_final_pA",
    "fraction_active_at_W_min",
)


def frozen_test(inputs: xr.Dataset, p, weights: np.ndarray, seed: int) -> np.ndarray:
    """V_w* over the last of ``test_presentations`` frozen presentations (teacher off)."""
    n = p.test_presentations
    silent = np.zeros(n * p.pattern_steps)
    run = simulate_protocol(
        p,
        inputs["pattern_spike_step"].values,
        inputs["pattern_spike_input"].values,
        silent,
        silent,
        spike_draws(seed, "test_spikes", n * p.pattern_steps),
        n,
        w_start=weights,
        plastic=False,
    )
    return v_star_of(run.traces[-p.pattern_steps :, K.VD_COL], p)


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Learning curve, frozen tests after and before learning, rate and weight statistics."""
    p = params_from_config(params)
    analysis = params["analysis"]
    U_M = inputs["U_M_mV"].values
    curves = presentation_metrics(plastic["V_star_mV"].values, plastic["V_soma_mV"].values, U_M, p)
    first = taught_index(p, analysis["first_taught"])
    last = taught_index(p, -1)
    late = list(p.teacher_presentations)[-analysis["late_presentations"] :]
    target = by_presentation(U_M, p.pattern_steps)[last]
    w_final = plastic["w_final_pA"].values
    after = frozen_test(inputs, p, w_final, seed)
    before = frozen_test(inputs, p, inputs["w0_pA"].values, seed)
    spikes = plastic["spike_step"].values
    t_start, t_end = p.steps(p.t_start_ms), p.steps(p.t_end_ms)
    n_taught_spikes = np.count_nonzero((spikes > t_start) & (spikes <= t_end))
    active = np.zeros(p.n_inputs, dtype=bool)
    active[inputs["pattern_spike_input"].values] = True
    at_min = w_final[active] <= p.W_min_pA
    phase = (np.arange(p.pattern_steps) + 1) * p.dt_ms

    def scalar(value, units, long_name):
        return ((), float(value), var_attrs(units, long_name))

    data = {name: ("presentation", values, attrs) for name, (values, attrs) in curves.items()}
    rmse_star, corr_star, rmse_soma = (
        curves[name][0] for name in ("rmse_star_mV", "corr_star", "rmse_soma_mV")
    )
    data.update(
        rmse_star_first_mV=scalar(
            rmse_star[first], "mV", "RMS(V_w* - U_M), first teaching presentation"
        ),
        rmse_star_last_mV=scalar(
            rmse_star[last], "mV", "RMS(V_w* - U_M), last teaching presentation"
        ),
        corr_star_first=scalar(
            corr_star[first], "1", "corr(V_w*, U_M), first teaching presentation"
        ),
        corr_star_last=scalar(corr_star[last], "1", "corr(V_w*, U_M), last teaching presentation"),
        rmse_soma_first_mV=scalar(
            rmse_soma[first], "mV", "RMS(U - U_M), first teaching presentation"
        ),
        rmse_soma_last_mV=scalar(rmse_soma[last], "mV", "RMS(U - U_M), last teaching presentation"),
        rmse_star_late_mV=scalar(
            rmse_star[late].mean(), "mV", "RMS(V_w* - U_M), mean of the late teaching presentations"
        ),
        corr_star_late=scalar(
            corr_star[late].mean(), "1", "corr(V_w*, U_M), mean of the late teaching presentations"
        ),
        rmse_soma_late_mV=scalar(
            rmse_soma[late].mean(), "mV", "RMS(U - U_M), mean of the late teaching presentations"
        ),
        test_rmse_after_mV=scalar(
            rmse(after, target),
            "mV",
            "frozen test after learning: RMS(V_w* - U_M of the last teaching presentation)",
        ),
        test_rmse_before_mV=scalar(
            rmse(before, target),
            "mV",
            "frozen test with the initial weights: RMS(V_w* - U_M of the last teaching "
            "presentation)",
        ),
        test_corr_after=scalar(
            pearson(after, target), "1", "frozen test after learning: corr(V_w*, U_M)"
        ),
        test_corr_before=scalar(
            pearson(before, target), "1", "frozen test with the initial weights: corr(V_w*, U_M)"
        ),
        test_V_star_after_mV=(
            "phase_ms",
            after.astype(np.float32),
            var_attrs("mV", "V_w* in the frozen test after learning"),
        ),
        test_V_star_before_mV=(
            "phase_ms",
            before.astype(np.float32),
            var_attrs("mV", "V_w* in the frozen test with the initial weights"),
        ),
        target_U_M_mV=(
            "phase_ms",
            target.astype(np.float32),
            var_attrs("mV", "U_M of the last teaching presentation"),
        ),
        rate_taught_Hz=scalar(
            n_taught_spikes / ((t_end - t_start) * p.dt_ms * 1e-3),
            "Hz",
            "somatic rate in the teaching window",
        ),
        w_final_pA=plastic["w_final_pA"],
        w_final_mean_pA=scalar(w_final.mean(), "pA", "mean final weight"),
        w_final_sd_pA=scalar(w_final.std(), "pA", "SD of the final weights"),
        fraction_at_W_min=scalar(
            np.mean(w_final <= p.W_min_pA), "1", "fraction of the inputs at W_min at the end"
        ),
        fraction_at_W_max=scalar(
            np.mean(w_final >= p.W_max_pA), "1", "fraction of the inputs at W_max at the end"
        ),
        fraction_active_at_W_min=scalar(
            at_min.mean() if at_min.size else np.nan,
            "1",
            "fraction of the inputs with pattern spikes at W_min at the end",
        ),
        n_active_inputs=(
            (),
            np.int32(active.sum()),
            var_attrs("1", "inputs with at least one spike in the pattern"),
        ),
        w0_pA=((), float(p.init_weight_pA), var_attrs("pA", "initial weight")),
        W_min_pA=((), float(p.W_min_pA), var_attrs("pA", "lower weight bound")),
    )
    return xr.Dataset(
        data,
        coords={
            "presentation": (
                "presentation",
                np.arange(p.n_presentations, dtype=np.int32),
                var_attrs("1", "presentation of the pattern"),
            ),
            "taught": (
                "presentation",
                np.isin(np.arange(p.n_presentations), list(p.teacher_presentations)).astype(
                    np.int8
                ),
                var_attrs("1", "1 where the teacher is on in the presentation"),
            ),
            "phase_ms": ("phase_ms", phase, var_attrs("ms", "time within the presentation")),
            "input": plastic["input"],
        },
    )

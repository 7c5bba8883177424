"""Test stage of sadeh2015: static before/after tests, tuning curves and the claim metrics.

- before (W0) and after (Wf) tests on the **same** frozen input (``x_ap = np.copy(x_bp)``); their
  spikes as step indices (``bp_spike_step``, ``ap_spike_step``, units 1; time = step x
  ``dt_ms``, stored next to them);
- tuning curves before and after (``n_ori`` orientations x ``tuning_duration_ms``, static
  weights, frozen per-orientation input) -> OSI and output PO of every neuron;
- the metrics (defined in ``docs/papers/sadeh2015.md``): rates, sparseness, Fig. 3G bins
  (legacy and folded), existing-synapse profiles, bidirectional surplus, weight-tuning
  correlation, specificity per block, E/I rates per block, and, when the protocols ran,
  spontaneous stability and the cardinal effect.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from . import inputs as inp
from . import metrics as M
from .params import params_from_config
from .protocol import run_static_test, run_tuning

VARIABLES = (
    "rate_E_Hz",
    "rate_I_Hz",
    "bins_W0_mV",
    "bins_Wf_mV",
    "osi_before",
    "osi_after",
    "bidir_surplus_Wf",
    "weight_tuning_r",
)


def _block_rates(neuron, block, n_blocks, p):
    e = np.bincount(block[neuron < p.N_E], minlength=n_blocks)[:n_blocks]
    i = np.bincount(block[neuron >= p.N_E], minlength=n_blocks)[:n_blocks]
    seconds = p.block_ms / 1000.0
    return e / p.N_E / seconds, i / p.N_I / seconds


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    p = params_from_config(params)
    analysis = params["analysis"]
    W0, po, X = inputs["W0"].values, inputs["po_rad"].values, inputs["X_test"].values
    Wf = plastic["W_final"].values
    n_E, N = p.N_E, p.N
    test = {"bp": run_static_test(p, W0, X), "ap": run_static_test(p, Wf, X)}
    thetas = inp.tuning_orientations(p)
    rates = {"before": run_tuning(p, W0, po, seed), "after": run_tuning(p, Wf, po, seed)}
    d: dict = {"n_E": ((), p.N_E, var_attrs("1", "number of E neurons (indices 0 .. n_E - 1)"))}
    for name, spikes in test.items():
        d[f"{name}_spike_neuron"] = (
            f"{name}_spike",
            spikes.neuron,
            var_attrs("1", f"neuron of each spike, {name} test", instance_dimension="neuron"),
        )
        d[f"{name}_spike_step"] = (
            f"{name}_spike",
            spikes.step,
            var_attrs("1", f"step of each spike, {name} test (time = step x dt_ms)"),
        )
    d["dt_ms"] = ((), p.dt_ms, var_attrs("ms", "time step (spike time = step x dt_ms)"))
    rate_e, rate_i = zip(
        *[M.mean_rates_Hz(test[k].neuron, n_E, N, p.block_ms) for k in ("bp", "ap")], strict=True
    )
    d["rate_E_Hz"] = ("test", np.array(rate_e), var_attrs("Hz", "mean E rate in the test"))
    d["rate_I_Hz"] = ("test", np.array(rate_i), var_attrs("Hz", "mean I rate in the test"))
    d["sparseness"] = (
        "test",
        np.array([M.sparseness(test[k].neuron, n_E) for k in test]),
        var_attrs("1", "fraction of E neurons with >= 1 spike in the test"),
    )
    for when, r in rates.items():
        osi, po_out = M.osi_po(r, thetas)
        d[f"tuning_rate_{when}_Hz"] = (
            ("neuron", "orientation"),
            r,
            var_attrs("Hz", f"tuning curve, {when} learning"),
        )
        d[f"osi_{when}"] = (
            "neuron",
            osi,
            var_attrs("1", f"OSI (1 - circular variance), {when}", may_be_nan=True),
        )
        d[f"po_out_{when}_rad"] = (
            "neuron",
            po_out,
            var_attrs("rad", f"output PO, {when}", may_be_nan=True),
        )
        d[f"po_drift_{when}_rad"] = (
            "neuron",
            M.po_drift(po_out, po),
            var_attrs("rad", f"|PO_out - PO_in|, {when}", may_be_nan=True),
        )
    for name, W in (("W0", W0), ("Wf", Wf)):
        d[f"bins_{name}_mV"] = (
            "dpo_bin",
            M.specificity_bins(W, po, n_E, analysis["specificity_bins"]),
            var_attrs("mV", f"Fig. 3G mean E->E weight per |dPO| bin, {name}"),
        )
        d[f"bins_folded_{name}_mV"] = (
            "dpo_bin",
            M.specificity_bins(W, po, n_E, "folded"),
            var_attrs("mV", f"mean E->E weight, folded |dPO| bins, {name}"),
        )
    for label, pre, post in (
        ("EE", slice(0, n_E), slice(0, n_E)),
        ("EI", slice(0, n_E), slice(n_E, N)),
        ("IE", slice(n_E, N), slice(0, n_E)),
    ):
        for name, W in (("W0", W0), ("Wf", Wf)):
            left, prof = M.profile_existing(W, W0, po, pre, post, 15.0)
            d[f"profile_{label}_{name}_mV"] = (
                "dpo15",
                prof,
                var_attrs("mV", f"mean existing {label} weight per 15-deg |dPO|, {name}"),
            )
    d["bidir_surplus_W0"] = (
        (),
        M.bidirectional_surplus(W0, n_E, 0.0),
        var_attrs("1", "bidirectional surplus of W0 synapses (existence)", may_be_nan=True),
    )
    d["bidir_surplus_Wf"] = (
        (),
        M.bidirectional_surplus(Wf, n_E, analysis["w_th_bidir_mV"]),
        var_attrs("1", "bidirectional surplus of strong (> w_th) E->E in Wf", may_be_nan=True),
    )
    d["weight_tuning_r"] = (
        (),
        M.weight_tuning_correlation(Wf, W0, po, n_E),
        var_attrs("1", "Pearson r of existing E->E Wf vs cos 2 dPO", may_be_nan=True),
    )
    W_blocks = plastic["W_blocks"].values
    d["bins_block_mV"] = (
        ("block", "dpo_bin"),
        np.array(
            [M.specificity_bins(W, po, n_E, analysis["specificity_bins"]) for W in W_blocks]
        ).reshape(-1, 3),
        var_attrs("mV", "Fig. 3G bins after each learning block"),
    )
    rb = _block_rates(
        plastic["spike_neuron"].values, plastic["spike_block"].values, W_blocks.shape[0], p
    )
    d["rate_E_block_Hz"] = ("block", rb[0], var_attrs("Hz", "mean E rate in each learning block"))
    d["rate_I_block_Hz"] = ("block", rb[1], var_attrs("Hz", "mean I rate in each learning block"))
    coords = {
        "test": (
            "test",
            np.array(["before", "after"], dtype=object),
            var_attrs("1", "static test"),
        ),
        "orientation": ("orientation", thetas, var_attrs("rad", "tuning-curve orientation")),
        "dpo_bin": ("dpo_bin", np.array([0.0, 30.0, 60.0]), var_attrs("degree", "|dPO| bin start")),
        "dpo15": ("dpo15", left, var_attrs("degree", "folded |dPO| bin start (15 deg)")),
        "neuron": inputs["neuron"],
        "block": plastic["block"],
    }
    if p.spont_act:
        Ws = plastic["spont_W_final"].values
        d["bins_spont_mV"] = (
            "dpo_bin",
            M.specificity_bins(Ws, po, n_E, analysis["specificity_bins"]),
            var_attrs("mV", "Fig. 3G bins after the spontaneous blocks"),
        )
        sr = _block_rates(
            plastic["spont_spike_neuron"].values,
            plastic["spont_spike_block"].values,
            p.n_blocks_spont,
            p,
        )
        d["rate_E_spont_Hz"] = (
            "spont_block",
            sr[0],
            var_attrs("Hz", "E rate per spontaneous block"),
        )
        d["rate_I_spont_Hz"] = (
            "spont_block",
            sr[1],
            var_attrs("Hz", "I rate per spontaneous block"),
        )
        coords["spont_block"] = plastic["spont_block"]
    if p.card_act:
        left_c, card = M.cardinal_within_group(plastic["card_W_final"].values, W0, po, n_E)
        b = min(p.n_blocks_cardinal, W_blocks.shape[0]) - 1
        uniform = (
            M.cardinal_within_group(W_blocks[b].astype(float), W0, po, n_E)[1]
            if b >= 0
            else np.full(left_c.size, np.nan)
        )
        d["within_group_card_mV"] = (
            "po_group",
            card,
            var_attrs(
                "mV",
                "mean existing E->E weight within 15-deg PO groups, cardinal protocol",
                may_be_nan=True,
            ),
        )
        d["within_group_uniform_mV"] = (
            "po_group",
            uniform,
            var_attrs("mV", "same after as many uniform learning blocks", may_be_nan=True),
        )
        d["cardinal_effect_mV"] = (
            (),
            M.cardinal_minus_oblique(card),
            var_attrs("mV", "cardinal - oblique within-group weight", may_be_nan=True),
        )
        d["uniform_effect_mV"] = (
            (),
            M.cardinal_minus_oblique(uniform),
            var_attrs("mV", "same for the uniform protocol", may_be_nan=True),
        )
        coords["po_group"] = ("po_group", left_c, var_attrs("degree", "PO group start"))
    return xr.Dataset(d, coords=coords)

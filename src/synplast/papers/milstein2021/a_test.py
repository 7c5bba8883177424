"""Model A ``test`` stage: equilibrium weights, zero crossings and sign structure of the
weight-change heatmaps, dW/dt against ET*IS (``model_a`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .model_a import equilibrium, excursion, q_functions, variant_names, zero_crossings

VARIABLES = ("W_eq", "zero_crossing", "excursion", "sign_agrees", "rate_curve", "dW", "W0")


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict) -> xr.Dataset:
    """Equilibrium weights, zero crossings and sign structure of the heatmaps, dW/dt against
    ET*IS for a few fixed weights."""
    model, analysis = params["model"]["A"], params["analysis"]["A"]
    W0s = plastic["W0"].values
    x = np.linspace(0.0, 1.0, analysis["rate_curve_points"])
    weights = np.asarray(analysis["rate_curve_weights"], dtype=float)
    out = {k: [] for k in ("W_eq", "pot", "dep", "cross", "exc", "agree", "curve", "overlap")}
    for j, name in enumerate(variant_names(model)):
        variant = model["variants"][name]
        X = inputs["ET_IS"].values[j]
        dW = plastic["dW"].values[j]
        W_eq, pot, dep = equilibrium(model, variant, X)
        exc = excursion(model, variant, X, W_eq)
        decisive = np.isfinite(W_eq)[None, :] & (np.abs(W0s[:, None] - W_eq[None, :]) > exc)
        agree = np.where(
            decisive, (np.sign(dW) == np.sign(W_eq[None, :] - W0s[:, None])).astype(np.int8), -1
        )
        q_pot, q_dep = q_functions(variant)
        w = weights[:, None] / variant["W_max"]
        curve = (
            variant["learning_rate_per_s"]
            * variant["W_max"]
            * ((1.0 - w) * q_pot(x)[None, :] - variant["dep_ratio"] * w * q_dep(x)[None, :])
        )
        for key, value in zip(
            out,
            (W_eq, pot, dep, zero_crossings(W0s, dW), exc, agree, curve, None),
            strict=True,
        ):
            out[key].append(value)
        out["overlap"][-1] = np.trapezoid(X, dx=model["dt_s"], axis=-1)
    names = variant_names(model)
    nan_ok = {"may_be_nan": True}
    ds = xr.Dataset(
        {
            "W_eq": (
                ("variant", "input"),
                np.asarray(out["W_eq"]),
                var_attrs("1", "equilibrium weight (NaN: undefined)", **nan_ok),
            ),
            "pot_integral": (
                ("variant", "input"),
                np.asarray(out["pot"]),
                var_attrs("s", "integral of q+(ET*IS) over the window"),
            ),
            "dep_integral": (
                ("variant", "input"),
                np.asarray(out["dep"]),
                var_attrs("s", "integral of q-(ET*IS) over the window"),
            ),
            "overlap_integral": (
                ("variant", "input"),
                np.asarray(out["overlap"]),
                var_attrs("s", "total integrated signal overlap, integral of ET*IS"),
            ),
            "zero_crossing": (
                ("variant", "input"),
                np.asarray(out["cross"]),
                var_attrs("1", "initial weight where dW changes sign (NaN: none)", **nan_ok),
            ),
            "excursion": (
                ("variant", "input"),
                np.asarray(out["exc"]),
                var_attrs("1", "largest within-pass weight excursion at W_eq", **nan_ok),
            ),
            "sign_agrees": (
                ("variant", "W0_index", "input"),
                np.asarray(out["agree"]),
                var_attrs(
                    "1",
                    "sign(dW) equals sign(W_eq - W0): 1 yes, 0 no, -1 not decisive "
                    "(W_eq undefined or within the excursion of W0)",
                ),
            ),
            "rate_curve": (
                ("variant", "curve_weight", "ET_IS_value"),
                np.asarray(out["curve"]),
                var_attrs("1/s", "dW/dt against ET*IS at a fixed weight"),
            ),
            "W_max": (
                "variant",
                np.asarray([model["variants"][n]["W_max"] for n in names], dtype=float),
                var_attrs("1", "maximum weight"),
            ),
            "dep_ratio": (
                "variant",
                np.asarray([model["variants"][n]["dep_ratio"] for n in names], dtype=float),
                var_attrs("1", "k-/k+"),
            ),
            "et_single_peak": (
                "variant",
                inputs["ET"].values[:, model["et_norm_input"]].max(axis=-1),
                var_attrs("1", "peak of a single spike's ET"),
            ),
            "is_max": ("variant", inputs["IS"].values.max(axis=-1), var_attrs("1", "max of IS")),
            "dW": plastic["dW"],
            "W0": plastic["W0"],
            "input_time_ms": inputs["input_time_ms"],
        },
        coords={
            "variant": inputs["variant"],
            "input": inputs["input"],
            "W0_index": plastic["W0_index"],
            "curve_weight": ("curve_weight", weights, var_attrs("1", "weight W of the curve")),
            "ET_IS_value": ("ET_IS_value", x, var_attrs("1", "value of ET*IS")),
        },
    )
    ds["plateau_s"] = ((), float(model["plateau_s"]), var_attrs("s", "plateau duration"))
    ds["tau_max_s"] = (
        "variant",
        np.asarray(
            [max(model["variants"][n]["tau_ET_s"], model["variants"][n]["tau_IS_s"]) for n in names]
        ),
        var_attrs("s", "the longer of the variant's two time constants"),
    )
    ds["tau_ET_s"] = (
        "variant",
        np.asarray([model["variants"][n]["tau_ET_s"] for n in names]),
        var_attrs("s", "ET time constant"),
    )
    ds["tau_IS_s"] = (
        "variant",
        np.asarray([model["variants"][n]["tau_IS_s"] for n in names]),
        var_attrs("s", "IS time constant"),
    )
    ds.attrs["model_source"] = model["source"]
    return ds

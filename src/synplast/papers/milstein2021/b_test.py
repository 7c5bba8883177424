"""Model B ``test`` stage: ramp features before and after, the change of ramp against time
from the plateau, and the change of weight against the initial weight."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .track import FEATURE_UNITS, FEATURES, Track, ramp_features

VARIABLES = ("features", "delta_ramp", "target_delta_ramp", "delta_W_change", "ramp")


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict) -> xr.Dataset:
    """Ramp features before and after, the change of ramp against time from the plateau, and
    the change of weight against the initial weight."""
    track = Track(params["model"]["track"])
    protocol, analysis = params["protocol"]["B"], params["analysis"]["B"]
    loc = protocol["induction_loc_cm"]
    ramps = plastic["ramp"].values
    named = {f"state{k}": r for k, r in enumerate(ramps)}
    named |= {"target": inputs["target_ramp"].values, "start": inputs["start_ramp"].values}
    labels = list(named)
    features = np.array(
        [[ramp_features(track, named[s], loc, analysis)[f] for f in FEATURES] for s in labels]
    )
    delta_ramp = ramps[-1] - ramps[0]
    target_delta = inputs["target_ramp"].values - ramps[0]
    seconds = track.wrapped_distance(track.binned_x - loc) / track.speed
    order = np.argsort(seconds, kind="stable")
    delta_W = plastic["delta_W"].values
    change = delta_W[-1] - delta_W[0]
    return xr.Dataset(
        {
            "features": (
                ("ramp_label", "feature"),
                features,
                var_attrs("1", "ramp features (units per feature: feature_units)", may_be_nan=True),
            ),
            "feature_units": (
                "feature",
                np.asarray([FEATURE_UNITS[f] for f in FEATURES], dtype=object),
                var_attrs("1", "units of each feature"),
            ),
            "delta_ramp": ("position_cm", delta_ramp, var_attrs("mV", "ramp after minus before")),
            "target_delta_ramp": (
                "position_cm",
                target_delta,
                var_attrs("mV", "target ramp minus the initial ramp"),
            ),
            "time_from_plateau_s": (
                "position_cm",
                seconds,
                var_attrs("s", "time of each bin relative to the plateau onset at constant speed"),
            ),
            "time_order": (
                "position_cm",
                order.astype(np.int32),
                var_attrs("1", "bins sorted by time from the plateau"),
            ),
            "initial_delta_W": ("input", delta_W[0], var_attrs("1", "weight change before")),
            "delta_W_change": (
                "input",
                change,
                var_attrs("1", "weight change of the induction (after minus before)"),
            ),
            "ramp": plastic["ramp"],
            "target_ramp": inputs["target_ramp"],
            "induction_loc_cm": ((), float(loc), var_attrs("cm", "plateau location")),
        },
        coords={
            "ramp_label": (
                "ramp_label",
                np.asarray(labels, dtype=object),
                var_attrs("1", "state0: before; stateK: after lap K; target; start"),
            ),
            "feature": ("feature", np.asarray(FEATURES, dtype=object), var_attrs("1", "feature")),
            "input": inputs["input"],
            "position_cm": inputs["position_cm"],
            "state": plastic["state"],
        },
    )

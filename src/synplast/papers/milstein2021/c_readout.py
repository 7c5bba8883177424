"""Model C ``readout`` stage (seeded): per lap, the place-cell fraction, the density by
position, the reward-zone density ratio, plateau counts and how much the weights still change."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

VARIABLES = (
    "place_cell_fraction",
    "density",
    "reward_zone_ratio",
    "plateaus_per_lap",
    "weight_change_per_lap",
)


def run_readout(network: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Per lap: place-cell fraction, density by position, reward-zone density ratio, plateau
    counts, field locations and how much the weights still change."""
    analysis = params["analysis"]["C"]
    ramps = network["ramp"].values.astype(float)
    x = network["position_cm"].values
    place = (ramps.max(axis=-1) - ramps.min(axis=-1)) > analysis["place_cell_min_range_mV"]
    field = np.where(place, x[np.argmax(ramps, axis=-1)], np.nan)
    density = network["density"].values
    lo, hi = analysis["reward_zone_cm"]
    zone = (x >= lo) & (x <= hi)
    inside, outside = density[:, zone].mean(axis=1), density[:, ~zone].mean(axis=1)
    ratio = np.divide(inside, outside, out=np.full_like(inside, np.nan), where=outside > 0)
    W = network["W"].values.astype(float)
    change = np.abs(np.diff(W, axis=0)).mean(axis=(1, 2))
    ramp_change = np.abs(np.diff(ramps, axis=0)).mean(axis=(1, 2))
    return xr.Dataset(
        {
            "place_cell_fraction": (
                "snapshot",
                place.mean(axis=1),
                var_attrs("1", "fraction of cells with max - min ramp above the criterion"),
            ),
            "field_location_cm": (
                ("snapshot", "cell"),
                field,
                var_attrs("cm", "place-field peak (NaN: not a place cell)", may_be_nan=True),
            ),
            "density": network["density"],
            "reward_zone_density": ("snapshot", inside, var_attrs("1", "mean density in the zone")),
            "other_density": ("snapshot", outside, var_attrs("1", "mean density elsewhere")),
            "reward_zone_ratio": (
                "snapshot",
                ratio,
                var_attrs("1", "reward-zone density over density elsewhere", may_be_nan=True),
            ),
            "plateaus_per_lap": network["plateaus_per_lap"],
            "lap_phase": network["lap_phase"],
            "weight_change_per_lap": (
                "lap",
                change,
                var_attrs("1", "mean |W(after lap) - W(before lap)| over cells and inputs"),
            ),
            "ramp_change_per_lap": (
                "lap",
                ramp_change,
                var_attrs("mV", "mean |ramp(after lap) - ramp(before lap)|"),
            ),
            "n_cells": ((), np.int32(network.sizes["cell"]), var_attrs("1", "cells")),
        },
        coords={k: network[k] for k in ("snapshot", "cell", "position_cm", "lap")},
    )

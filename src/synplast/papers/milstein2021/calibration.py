"""The calibration sub-model: the ramp scaling factor (rsf) that turns weight changes into a
ramp in mV, computed once and read by Models B and C.

The reference reads rsf from a data file that is not published; ``model.calibration.rsf_mode``
``calibrate`` (default) recomputes it with the reference's procedure (``track.calibrate_rsf``):
weights whose ramp is a Gaussian of 6 mV and width 108 cm at the middle of the track, scaled to
a peak weight change of 1.5, and the factor that makes that ramp peak at 6 mV.  ``legacy`` uses
the constant ``legacy_rsf`` (2.956e-3, which the reference's comment says "generates a predicted
6 mV depolarization given peak_delta_weights = 1.5").
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .track import Track, calibrate_rsf

VARIABLES = ("rsf", "rate_maps", "calibration_delta_W", "calibration_target", "calibration_ramp")


def run_calibration(params: dict) -> xr.Dataset:
    """rsf, and the weights, target and ramp of the calibration."""
    track = Track(params["model"]["track"])
    calibration = params["model"]["calibration"]
    rsf, weights, target, info = calibrate_rsf(track, calibration)
    if calibration["rsf_mode"] == "legacy":
        rsf = float(calibration["legacy_rsf"])
    ds = xr.Dataset(
        {
            "rsf": ((), rsf, var_attrs("mV/Hz", "ramp scaling factor (mV per unit weight and Hz)")),
            "calibrated_rsf": (
                (),
                float(info["rsf"]),
                var_attrs("mV/Hz", "rsf the calibration gives"),
            ),
            "rate_maps": (
                ("input", "position_cm"),
                track.rate_maps,
                var_attrs("Hz", "place-tuned rate map of each input"),
            ),
            "peak_loc_cm": ("input", track.peak_locs, var_attrs("cm", "peak of each rate map")),
            "calibration_delta_W": (
                "input",
                weights,
                var_attrs("1", "weight changes of the calibration ramp"),
            ),
            "calibration_target": (
                "position_cm",
                target,
                var_attrs("mV", "target ramp of the calibration"),
            ),
            "calibration_ramp": (
                "position_cm",
                float(info["rsf"]) * (weights @ track.rate_maps),
                var_attrs("mV", "ramp of the calibration weights with the calibrated rsf"),
            ),
        },
        coords={
            "input": ("input", np.arange(track.n_inputs, dtype=np.int32), var_attrs("1", "input")),
            "position_cm": (
                "position_cm",
                track.binned_x,
                var_attrs("cm", "bin centre on the track"),
            ),
        },
    )
    ds.attrs["rsf_mode"] = calibration["rsf_mode"]
    ds.attrs["fit_score"] = info["score"]
    ds.attrs["fit_iterations"] = info["iterations"]
    return ds

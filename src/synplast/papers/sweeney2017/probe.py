"""Test stage of sweeney2017: the learned receptive fields, analysed (there is no static test
run in the reference).  Depends only on the ``analysis`` section (and the snapshot spacing), so
changing a metric's bins or thresholds never reruns the learning."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from . import metrics as M

VARIABLES = (
    "preferred_input",
    "selectivity",
    "preferred_weight",
    "same_adjacent",
    "chance_same_adjacent",
    "domain_boundaries",
    "rf_correlation",
    "rf_correlation_fine",
    "correlation_length",
    "stabilisation_step",
)


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Measure preferences, selectivity, spatial structure and stabilisation of the final W."""
    analysis = params["analysis"]
    W = plastic["W_final"].values
    positions = inputs["position"].values
    preferred = M.preferred_input(W)
    fractions = M.preference_fractions(preferred, W.shape[1])
    corr, distance = M.pair_correlations(W, positions)
    edges = analysis["correlation_bin_edges"]
    fine_edges = np.arange(0.0, 0.5 + 1e-12, analysis["fine_bin_width"])
    fine = M.binned_mean(corr, distance, fine_edges)
    sample_every = params["protocol"]["sample_every_steps"]
    stable = M.stabilisation_snapshot(plastic["W_snapshot"].values)
    tail = max(1, int(round(analysis["tail_fraction"] * plastic.sizes["snapshot"])))
    return xr.Dataset(
        {
            "preferred_input": ("output", preferred.astype(np.int32), var_attrs("1", "argmax_k W")),
            "selectivity": ("output", M.selectivity(W), var_attrs("1", "top minus second weight")),
            "preferred_weight": ("output", W.max(axis=1), var_attrs("1", "top weight")),
            "preference_fraction": (
                "input",
                fractions,
                var_attrs("1", "fraction of outputs preferring the input"),
            ),
            "same_adjacent": (
                (),
                M.same_adjacent(preferred),
                var_attrs("1", "fraction of adjacent pairs sharing a preference"),
            ),
            "chance_same_adjacent": (
                (),
                M.chance_same_adjacent(fractions),
                var_attrs("1", "chance level of same_adjacent, sum of squared fractions"),
            ),
            "domain_boundaries": (
                (),
                M.domain_boundaries(preferred),
                var_attrs("1", "adjacent pairs with different preferences"),
            ),
            "rf_correlation": (
                "distance_bin",
                M.binned_mean(corr, distance, edges),
                var_attrs(
                    "1", "mean receptive-field correlation of pairs in the bin", may_be_nan=True
                ),
            ),
            "rf_correlation_fine": (
                "fine_bin",
                fine,
                var_attrs("1", "mean receptive-field correlation, fine bins", may_be_nan=True),
            ),
            "correlation_length": (
                (),
                M.correlation_length(fine, fine_edges, analysis["correlation_length_level"]),
                var_attrs(
                    "1",
                    "ring distance where the fine-binned correlation first falls "
                    "below correlation_length_level (position units)",
                ),
            ),
            "stabilisation_step": (
                (),
                np.int64(stable * sample_every),
                var_attrs("1", "Euler step of the last snapshot at which a preference changed"),
            ),
            "theta_final_mean": (
                (),
                float(plastic["theta_final"].mean()),
                var_attrs("1", "mean sliding threshold at the end"),
            ),
            "y_tail_mean": (
                (),
                float(plastic["y_snapshot"].values[-tail:].mean()),
                var_attrs("1", "mean output rate over the last snapshots (tail_fraction)"),
            ),
            "W_max": plastic["W_max"],
        },
        coords={
            "output": inputs["output"],
            "input": inputs["input"],
            "distance_bin_low": (
                "distance_bin",
                np.asarray(edges[:-1], dtype=float),
                var_attrs("1", "lower edge of the distance bin (ring distance)"),
            ),
            "distance_bin_high": (
                "distance_bin",
                np.asarray(edges[1:], dtype=float),
                var_attrs("1", "upper edge of the distance bin (ring distance)"),
            ),
            "fine_bin_centre": (
                "fine_bin",
                0.5 * (fine_edges[:-1] + fine_edges[1:]),
                var_attrs("1", "centre of the fine distance bin (ring distance)"),
            ),
        },
    )

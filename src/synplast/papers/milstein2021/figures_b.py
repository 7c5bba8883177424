"""Figure of Model B, drawn from its stage files: ``B_induction``.

Panels: the inputs' rate maps (every tenth input); the ramps of each induction scenario before
induction (black), after each induction lap (blue, light to dark) and the target (red); the
change of ramp against time from the plateau onset at constant speed (with the target's,
dashed); the change of weight against the initial weight (weak inputs potentiate, strong ones
depress); the normalised weight change per lap against the inputs' peak locations.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs


def induction(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Input tuning, ramps, change of ramp and of weights of the induction scenarios."""
    apply_style()
    scenarios = options["scenarios"]
    by = {(name, stage): ds for (name, _, stage), ds in datasets.items()}
    calibration = next(ds for (name, stage), ds in by.items() if stage == "calibration")
    x = calibration["position_cm"].values
    fig, axes = plt.subplots(3, 3, figsize=(13, 11))
    maps = calibration["rate_maps"].values
    for i in range(0, maps.shape[0], 10):
        axes[0, 0].plot(x, maps[i], lw=0.8)
    axes[0, 0].set(
        xlabel="Position (cm)",
        ylabel="Rate (Hz)",
        title=f"Input tuning (every 10th of {maps.shape[0]})",
    )
    ramp_axes = [axes[0, 1], axes[0, 2], axes[1, 0]]
    ramps, targets, deltas, target_deltas, seconds, changes, initial = [], [], [], [], [], [], []
    for k, scenario in enumerate(scenarios):
        test, plastic = by[(scenario, "test")], by[(scenario, "plastic")]
        ramp = test["ramp"].values
        ax = ramp_axes[k] if k < len(ramp_axes) else ramp_axes[-1]
        ax.plot(x, ramp[0], c="k", label="before")
        shades = plt.get_cmap("Blues")(np.linspace(0.4, 1.0, ramp.shape[0] - 1))
        for lap in range(1, ramp.shape[0]):
            ax.plot(x, ramp[lap], c=shades[lap - 1], label=f"after lap {lap}")
        ax.plot(x, test["target_ramp"].values, c="r", label="target")
        loc = float(test["induction_loc_cm"])
        ax.axvline(loc, c="0.5", ls=":", lw=0.8)
        ax.set(
            xlabel="Position (cm)", ylabel="Ramp (mV)", title=f"{scenario} (plateau at {loc:g} cm)"
        )
        ax.legend(fontsize=6)
        order = test["time_order"].values
        t = test["time_from_plateau_s"].values
        colour = plt.get_cmap("tab10")(k)
        axes[1, 1].plot(t[order], test["delta_ramp"].values[order], c=colour, label=scenario)
        axes[1, 1].plot(
            t[order],
            test["target_delta_ramp"].values[order],
            "--",
            c=colour,
            lw=0.8,
            label=f"{scenario} target",
        )
        W_initial = 1.0 + test["initial_delta_W"].values
        axes[1, 2].scatter(
            W_initial, test["delta_W_change"].values, s=6, color=colour, label=scenario
        )
        w = plastic["w_norm"].values
        peak_locs = by[(scenario, "inputs")]["peak_loc_cm"].values
        for lap in range(1, w.shape[0]):
            axes[2, min(k, 2)].plot(peak_locs, w[lap] - w[lap - 1], label=f"lap {lap}")
        axes[2, min(k, 2)].set(
            xlabel="Input peak location (cm)",
            ylabel="Change of normalised weight",
            title=f"{scenario}: per induction lap",
        )
        axes[2, min(k, 2)].legend(fontsize=6)
        ramps.append(ramp)
        targets.append(test["target_ramp"].values)
        deltas.append(test["delta_ramp"].values)
        target_deltas.append(test["target_delta_ramp"].values)
        seconds.append(t)
        changes.append(test["delta_W_change"].values)
        initial.append(W_initial)
    axes[1, 1].axhline(0.0, c="k", lw=0.5)
    axes[1, 1].set(
        xlabel="Time from plateau onset (s)", ylabel="Change of ramp (mV)", title="Change of ramp"
    )
    axes[1, 1].legend(fontsize=6)
    axes[1, 2].axhline(0.0, c="k", lw=0.5)
    axes[1, 2].set(
        xlabel="Initial weight W", ylabel="Change of weight", title="Weight change against initial"
    )
    axes[1, 2].legend(fontsize=6)
    fig.tight_layout()
    coords = {
        "scenario": ("scenario", np.asarray(scenarios, dtype=object), var_attrs("1", "scenario")),
        "position_cm": calibration["position_cm"],
        "input": calibration["input"],
    }
    data = xr.Dataset(
        {
            "rate_maps": calibration["rate_maps"],
            "ramp": (
                ("scenario", "state", "position_cm"),
                np.asarray(ramps),
                var_attrs("mV", "ramp before and after each induction lap"),
            ),
            "target_ramp": (
                ("scenario", "position_cm"),
                np.asarray(targets),
                var_attrs("mV", "target"),
            ),
            "delta_ramp": (
                ("scenario", "position_cm"),
                np.asarray(deltas),
                var_attrs("mV", "ramp after minus before"),
            ),
            "target_delta_ramp": (
                ("scenario", "position_cm"),
                np.asarray(target_deltas),
                var_attrs("mV", "target minus the initial ramp"),
            ),
            "time_from_plateau_s": (
                ("scenario", "position_cm"),
                np.asarray(seconds),
                var_attrs("s", "time of the bin relative to the plateau onset"),
            ),
            "initial_W": (("scenario", "input"), np.asarray(initial), var_attrs("1", "initial W")),
            "delta_W_change": (
                ("scenario", "input"),
                np.asarray(changes),
                var_attrs("1", "weight change of the induction"),
            ),
        },
        coords={
            **coords,
            "state": (
                "state",
                np.arange(np.asarray(ramps).shape[1], dtype=np.int32),
                var_attrs("1", "0: before; k: after lap k"),
            ),
        },
    )
    return fig, data


FIGURES = {"B_induction": induction}

FIGURE_CLAIMS = {
    "B_induction": (
        "B_induction1_peak",
        "B_induction1_shift",
        "B_translocation_potentiation",
        "B_translocation_depression",
        "B_bidirectional_weights",
    ),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

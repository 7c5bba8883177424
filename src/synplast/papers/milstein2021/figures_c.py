"""Figure of Model C, drawn from its ``readout`` files over seeds: ``C_network``.

Panels: the population density against position over laps (one seed) for each scenario (the
network and its comparison, e.g. the reward-blind control); the plateau probability functions
against the normalised population activity (per second); the place-cell fraction, the plateaus
per lap and the reward-zone density ratio against lap, every seed thin and the mean thick, with
the reward laps shaded.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs

from .sigmoid import scaled_sigmoid, sigmoid_constants


def _finite_mean(stack: np.ndarray) -> np.ndarray:
    """Mean over seeds of the finite values (NaN where no seed has one)."""
    finite = np.isfinite(stack)
    total = np.where(finite, stack, 0.0).sum(axis=0)
    count = finite.sum(axis=0)
    return np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0)


def _shade_reward(ax, phase: np.ndarray, offset: float = 0.0) -> None:
    """Shade the reward laps: between the snapshots before and after them (offset 0), or
    around their lap numbers (offset 0.5)."""
    laps = np.nonzero(phase == 2)[0]
    if laps.size:
        ax.axvspan(laps[0] + offset, laps[-1] + 1 + offset, color="orange", alpha=0.15, lw=0)


def network(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Density maps, probability functions, place cells, plateaus and reward-zone ratio."""
    apply_style()
    scenarios, shown = options["scenarios"], int(options["seed"])
    grouped = {
        s: [
            ds
            for (name, _, _), ds in sorted(datasets.items(), key=lambda kv: kv[0][1])
            if name == s
        ]
        for s in scenarios
    }
    seeds = {s: sorted(seed for (name, seed, _) in datasets if name == s) for s in scenarios}
    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    first = grouped[scenarios[0]][0]
    x = first["position_cm"].values
    phase = first["lap_phase"].values
    shown_index = {s: seeds[s].index(shown) if shown in seeds[s] else 0 for s in scenarios}
    top = max(float(grouped[s][shown_index[s]]["density"].max()) for s in scenarios[:2])
    for k, scenario in enumerate(scenarios[:2]):
        index = shown_index[scenario]
        density = grouped[scenario][index]["density"].values
        ax = axes[0, k]
        image = ax.imshow(
            density, aspect="auto", origin="lower", cmap="viridis", vmin=0.0, vmax=top,
            extent=(0.0, 2 * x[-1] - x[-2], 0, density.shape[0]),
        )  # fmt: skip
        fig.colorbar(image, ax=ax, label="Summed population activity")
        ax.set(
            xlabel="Position (cm)",
            ylabel="Laps completed",
            title=f"{scenario}, seed {seeds[scenario][index]}",
        )
    activity = np.linspace(0.0, 1.5, 301)
    for part, colour in (("basal", "k"), ("reward", "r")):
        spec = options["probability"][part]
        constants = sigmoid_constants(
            spec["th"], spec["peak"], (0.0, spec["x_max"]), (spec["p_max_per_ms"], 0.0)
        )
        values = np.clip(scaled_sigmoid(activity, constants), 0.0, 1.0) * 1000.0
        axes[0, 2].plot(activity, values, c=colour, label=part)
    axes[0, 2].set(
        xlabel="Normalised population activity",
        ylabel="Plateau probability (/s)",
        title="Plateau probability",
    )
    axes[0, 2].legend()
    series = {"place_cell_fraction": [], "plateaus_per_lap": [], "reward_zone_ratio": []}
    panels = {
        "place_cell_fraction": (axes[1, 0], "Place-cell fraction", 0.0),
        "plateaus_per_lap": (axes[1, 1], "Plateaus per lap", 0.5),
        "reward_zone_ratio": (axes[1, 2], "Reward-zone density / elsewhere", 0.0),
    }
    colours = plt.get_cmap("tab10")
    for k, scenario in enumerate(scenarios):
        for key, (ax, _, _) in panels.items():
            stack = np.asarray([ds[key].values for ds in grouped[scenario]], dtype=float)
            lap = np.arange(stack.shape[1]) + (1 if key == "plateaus_per_lap" else 0)
            for row in stack:
                ax.plot(lap, row, c=colours(k), lw=0.5, alpha=0.4)
            ax.plot(lap, _finite_mean(stack), c=colours(k), lw=2, label=scenario)
            series[key].append(stack)
    for ax, label, offset in panels.values():
        _shade_reward(ax, phase, offset)
        ax.set(xlabel="Lap", ylabel=label)
        ax.legend(fontsize=7)
    fig.tight_layout()
    n_seeds = max(len(v) for v in seeds.values())

    def padded(stacks):
        out = np.full((len(scenarios), n_seeds, stacks[0].shape[1]), np.nan)
        for k, stack in enumerate(stacks):
            out[k, : stack.shape[0]] = stack
        return out

    data = xr.Dataset(
        {
            "density": (
                ("scenario", "snapshot", "position_cm"),
                np.asarray(
                    [
                        grouped[s][seeds[s].index(shown) if shown in seeds[s] else 0][
                            "density"
                        ].values
                        for s in scenarios
                    ]
                ),
                var_attrs("1", f"population density of seed {shown}"),
            ),
            "place_cell_fraction": (
                ("scenario", "seed_index", "snapshot"),
                padded(series["place_cell_fraction"]),
                var_attrs("1", "place-cell fraction", may_be_nan=True),
            ),
            "plateaus_per_lap": (
                ("scenario", "seed_index", "lap"),
                padded(series["plateaus_per_lap"]),
                var_attrs("1", "plateaus per lap", may_be_nan=True),
            ),
            "reward_zone_ratio": (
                ("scenario", "seed_index", "snapshot"),
                padded(series["reward_zone_ratio"]),
                var_attrs("1", "reward-zone density over density elsewhere", may_be_nan=True),
            ),
        },
        coords={
            "scenario": (
                "scenario",
                np.asarray(scenarios, dtype=object),
                var_attrs("1", "scenario"),
            ),
            "position_cm": first["position_cm"],
            "snapshot": first["snapshot"],
            "lap": first["lap"],
            "seed_index": (
                "seed_index",
                np.arange(n_seeds, dtype=np.int32),
                var_attrs("1", "index into the scenario's sorted seeds"),
            ),
        },
    )
    return fig, data


FIGURES = {"C_network": network}

FIGURE_CLAIMS = {
    "C_network": (
        "C_place_fraction_grows",
        "C_reward_overrepresentation",
        "C_familiar_few_plateaus",
        "C_familiar_stable",
    ),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

"""Figures of Model A, drawn from its stage files (one scenario each: ``options['scenario']``).

- ``*_signals``: one input's spike and eligibility trace, the plateau and the instructive
  signal (the trace time constants of ``model.A``);
- ``*_maps``: per input, the spikes, ET, the plateau, IS, ET*IS and dW/dt of one pass from
  W = 1.5 (nonlinear variant), against time from the plateau;
- ``*_heatmaps``: weight change against spike time and initial weight with the equilibrium
  weight (dashed) for the nonlinear, linear and short variants; the equilibrium curves, the
  total signal overlap, and dW/dt against ET*IS for low, intermediate and high weights.

The heatmaps are drawn as the reference draws them, ``imshow(dW[::-1], extent=(-5, 5, 1,
2.4))``, so each column is centred in its tenth of [-5, 5], slightly off the true spike times;
the curves and every measure use the true spike times.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import ListedColormap

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs

MAP_VARIANT = "nonlinear"
CURVE_LABELS = ("Low", "Intermediate", "High")


def _stages(datasets: dict, scenario: str) -> dict:
    return {stage: ds for (name, _, stage), ds in datasets.items() if name == scenario}


def signals(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """The presynaptic spike and eligibility trace (ET) of one input; the plateau potential and
    the instructive signal (IS) it drives."""
    apply_style()
    ds = _stages(datasets, options["scenario"])["inputs"]
    t = ds["time_ms"].values / 1e3
    k = int(ds.attrs["trace_input"])
    spike = np.zeros_like(t)
    spike[int(ds["spike_step"].values[k])] = 1.0
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    axes[0].plot(t, spike, c="r", label="Presynaptic spike", zorder=3)
    axes[0].plot(t, ds["trace_ET"].values, c="purple", label="Eligibility trace")
    axes[1].plot(t, ds["plateau"].values, c="grey", label="Plateau potential")
    axes[1].plot(t, ds["trace_IS"].values, c="k", label="Instructive signal")
    for ax in axes:
        ax.set(xlim=(-1.0, 8.0), xlabel="Time (s)", ylabel="Amplitude (a.u.)")
        ax.legend(loc="best")
    fig.suptitle(f"Model A ({options['scenario']}): signals of input {k}")
    fig.tight_layout()
    data = xr.Dataset(
        {
            "spike": ("time_ms", spike, var_attrs("1", f"spike of input {k}")),
            "trace_ET": ds["trace_ET"],
            "plateau": ds["plateau"],
            "trace_IS": ds["trace_IS"],
        },
        coords={"time_ms": ds["time_ms"]},
    )
    return fig, data


def _white_below(name: str, threshold_fraction: float = 0.001) -> ListedColormap:
    colours = plt.get_cmap(name)(np.linspace(0, 1, 1000))
    colours[: int(threshold_fraction * 1000) + 1] = (1.0, 1.0, 1.0, 1.0)
    return ListedColormap(colours)


def maps(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Per input (rows) against the time from the plateau: spikes, ET, plateau, IS, ET*IS and
    dW/dt of one pass (nonlinear variant)."""
    apply_style()
    stages = _stages(datasets, options["scenario"])
    inputs, plastic = stages["inputs"], stages["plastic"]
    j = list(inputs["variant"].values).index(MAP_VARIANT)
    n = inputs.sizes["input"]
    spikes = np.zeros((n, inputs.sizes["time_ms"]))
    spikes[np.arange(n), inputs["spike_step"].values] = 1.0
    plateau = np.tile(inputs["plateau"].values, (n, 1))
    IS = np.tile(inputs["IS"].values[j], (n, 1))
    rates = plastic["dWdt"].values[j]
    limit = float(np.max(np.abs(rates)))
    t0, t1 = inputs["time_ms"].values[[0, -1]] / 1e3
    extent = (round(t0), round(t1 + (t1 - t0) / (inputs.sizes["time_ms"] - 1)), n, 0)
    panels = [
        ("Presynaptic spike times", spikes, "binary", None),
        ("Eligibility traces (ET)", inputs["ET"].values[j], "Greens", None),
        ("Plateau potential", plateau, _white_below("Oranges"), None),
        ("Instructive signal (IS)", IS, "Oranges", None),
        ("Signal overlap (ET * IS)", inputs["ET_IS"].values[j], "Purples", None),
        ("dW/dt (a.u./s)", rates, options["cmap"], (-limit, limit)),
    ]
    fig, axes = plt.subplots(3, 2, figsize=(9, 9))
    for ax, (title, values, cmap, limits) in zip(axes.flat, panels, strict=True):
        if values is spikes:
            # one-sample spikes vanish when an image is resampled: one tick per spike instead
            rows, columns = np.nonzero(spikes)
            ax.scatter(inputs["time_ms"].values[columns] / 1e3, rows + 0.5, marker="|", c="k")
            ax.set_ylim(n, 0)
            fig.colorbar(plt.cm.ScalarMappable(cmap=cmap), ax=ax)
        else:
            kw = {"vmin": limits[0], "vmax": limits[1]} if limits else {}
            image = ax.imshow(
                values, aspect="auto", extent=extent, cmap=cmap, interpolation="none", **kw
            )
            fig.colorbar(image, ax=ax)
        ax.set(xlim=(-5.0, 5.0), xlabel="Time from plateau (s)", ylabel="Input ID", title=title)
    fig.suptitle(f"Model A ({options['scenario']}), {MAP_VARIANT} variant")
    fig.tight_layout()
    data = xr.Dataset(
        {
            "spikes": (("input", "time_ms"), spikes, var_attrs("1", "spike (0 or 1)")),
            "ET": (("input", "time_ms"), inputs["ET"].values[j], var_attrs("1", "ET")),
            "plateau": inputs["plateau"],
            "IS": ("time_ms", inputs["IS"].values[j], var_attrs("1", "IS")),
            "ET_IS": (("input", "time_ms"), inputs["ET_IS"].values[j], var_attrs("1", "ET*IS")),
            "dWdt": (("input", "time_ms"), rates, plastic["dWdt"].attrs),
        },
        coords={"input": inputs["input"], "time_ms": inputs["time_ms"]},
    )
    return fig, data


def heatmaps(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Weight-change heatmaps (initial weight against spike time relative to the plateau) with the
    equilibrium weight W_eq of each variant; the W_eq curves, the total ET*IS overlap, and dW/dt
    against the signal overlap for several weights."""
    apply_style()
    test = _stages(datasets, options["scenario"])["test"]
    variants = [str(v) for v in test["variant"].values]
    locs = test["input_time_ms"].values / 1e3
    W0 = test["W0"].values
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for j, name in enumerate(variants[:3]):
        ax = axes[0, j]
        dW = test["dW"].values[j]
        vmax = float(np.max(np.abs(dW)))
        image = ax.imshow(
            dW[::-1, :], extent=(-5.0, 5.0, W0[0], W0[-1]), aspect="auto",
            cmap=options["cmap"], vmin=-vmax, vmax=vmax,
        )  # fmt: skip
        colorbar = fig.colorbar(image, ax=ax)
        colorbar.set_label(options["colorbar_label"], rotation=270.0, labelpad=15)
        ax.plot(locs, test["W_eq"].values[j], "--", c="grey", label="Target equilibrium weight")
        ax.set(
            ylim=(W0[0], W0[-1]),
            xlabel="Presynaptic spike time relative to plateau (s)",
            ylabel="Initial weight",
            title=f"{name} q+ and q-",
        )
        ax.legend(loc="upper right", fontsize=7)
    for j, name in enumerate(variants):
        axes[1, 0].plot(locs, test["W_eq"].values[j], label=name)
        axes[1, 1].plot(locs, test["overlap_integral"].values[j], label=name)
    axes[1, 0].set(
        xlabel="Spike time relative to plateau (s)",
        ylabel="Equilibrium weight W_eq",
        title="Equilibrium weight (NaN: undefined)",
    )
    axes[1, 1].set(
        xlabel="Spike time relative to plateau (s)",
        ylabel="Integral of ET*IS (s)",
        title="Total integrated signal overlap",
    )
    j = variants.index(MAP_VARIANT)
    x = test["ET_IS_value"].values
    for k, weight in enumerate(test["curve_weight"].values):
        label = CURVE_LABELS[k] if k < len(CURVE_LABELS) else ""
        axes[1, 2].plot(x, test["rate_curve"].values[j, k], label=f"{label} (W = {weight:g})")
    axes[1, 2].axhline(0.0, c="k", lw=0.5)
    axes[1, 2].set(
        xlabel="Signal overlap (ET * IS)", ylabel="dW/dt (a.u./s)", title=f"{MAP_VARIANT} variant"
    )
    for ax in axes[1]:
        ax.legend(fontsize=7)
    fig.suptitle(f"Model A ({options['scenario']})")
    fig.tight_layout()
    data = test[["dW", "W0", "W_eq", "overlap_integral", "rate_curve", "input_time_ms"]].copy()
    return fig, data


FIGURES = {
    "A_ref_signals": signals,
    "A_ref_maps": maps,
    "A_ref_heatmaps": heatmaps,
    "A_seed_signals": signals,
    "A_seed_maps": maps,
    "A_seed_heatmaps": heatmaps,
}

FIGURE_CLAIMS = {
    "A_ref_signals": ("A_signal_normalisation",),
    "A_ref_maps": ("A_bidirectional",),
    "A_ref_heatmaps": (
        "A_bidirectional",
        "A_linear_equilibrium",
        "A_equilibrium_timing",
        "A_short_confined",
    ),
    "A_seed_signals": ("A_signal_normalisation",),
    "A_seed_maps": ("A_seed_bidirectional",),
    "A_seed_heatmaps": ("A_seed_bidirectional",),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

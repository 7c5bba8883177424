"""Figures of tsodyks2000, drawn from ``test`` stage files only (never re-simulated).

- ``fig1``: the paper's Fig. 1 as the Brian2 reference draws it: raster, net activity with an
  inset on one PS (window: flag ``inset_window_ms``), mean recovered fraction of E->E synapses;
  time relabelled so that the burn-in ends at 0.
- ``ibi_vs_ib_spread``: inter-burst interval against the half-width of the background-current
  spread (a scenario beyond the seed), mean ± SD over seeds with every seed shown.

Each function returns ``(Figure, Dataset)``: the Dataset holds exactly the plotted numbers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs


def reference_net_activity(spike_time_ms, n_neurons, t_start_ms, t_stop_ms):
    """Net activity exactly as the reference plots it: ``np.histogram`` over edges
    ``arange(start, stop, 1)``, whose last bin is closed and so merges two milliseconds (a
    quirk kept in the figure only; the metrics use half-open bins; see
    docs/papers/tsodyks2000.md)."""
    edges = np.arange(t_start_ms, t_stop_ms, 1.0)
    counts, _ = np.histogram(spike_time_ms, bins=edges)
    return edges[:-1], counts / n_neurons


def _inset_window(test: xr.Dataset, window_ms, burn_in_ms):
    if window_ms is not None:
        return tuple(window_ms)
    full = test["ps_peak_time_ms"].values[test["ps_full"].values.astype(bool)]
    if full.size == 0:
        return (1220.0, 1260.0)
    centre = full[0] - burn_in_ms
    return (centre - 20.0, centre + 20.0)


def fig1(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Raster, net activity (with inset) and mean E->E recovered fraction of one seed."""
    apply_style()
    (test,) = datasets.values()
    n_exc, n_inh = int(test["n_exc"]), int(test["n_inh"])
    start, stop = float(test["record_start_ms"]), float(test["record_stop_ms"])
    spike_t = test["spike_time_ms"].values
    spike_i = test["spike_neuron"].values
    bins, activity = reference_net_activity(spike_t, n_exc + n_inh, start, stop)
    inset = _inset_window(test, options.get("inset_window_ms"), start)
    x_time = test["time_ms"].values
    x_mean = test["recovered_fraction_ee_mean"].values

    fig, axes = plt.subplots(3, figsize=(6, 8), sharex=True)
    axes[0].plot(spike_t, spike_i, ".k", ms=1)
    axes[0].set_ylabel("Neuron No.")
    axes[0].set_ylim(0, n_exc + n_inh)
    axes[1].plot(bins, activity, "k", lw=0.8)
    axes[1].set_ylim(0, 0.2)
    axes[1].set_ylabel("Net activity")
    axins = axes[1].inset_axes([0.05, 0.35, 0.2, 0.6])
    axins.plot(bins, activity, "k", lw=0.8)
    axins.set_xlim(inset[0] + start, inset[1] + start)
    axins.set_ylim(0, 0.2)
    axins.set_xticks([inset[0] + start, inset[1] + start])
    axins.set_xticklabels([f"{inset[0]:g}", f"{inset[1]:g}"])
    axins.set_yticks([])
    axes[2].plot(x_time, x_mean, "k", lw=0.8)
    axes[2].set_ylim(0.2, 0.6)
    axes[2].set_xlabel("Time (msec)")
    axes[2].set_ylabel("Recov excit")
    axes[2].set_xlim(start, stop)
    ticks = np.arange(start, stop, 1000.0)
    axes[2].set_xticks(ticks)
    axes[2].set_xticklabels([f"{t - start:g}" for t in ticks])
    for ax in axes[:2]:
        ax.xaxis.set_tick_params(which="both", labelbottom=True)

    data = xr.Dataset(
        {
            "raster_time_ms": ("spike", spike_t, var_attrs("ms", "spike time (absolute)")),
            "raster_neuron": ("spike", spike_i, var_attrs("1", "neuron index (E, then I)")),
            "net_activity": (
                "bin_start_ms",
                activity,
                var_attrs(
                    "1",
                    "fraction of neurons spiking per bin (reference histogram: last bin closed)",
                ),
            ),
            "recovered_fraction_ee_mean": (
                "time_ms",
                x_mean,
                var_attrs("1", "mean recovered fraction of E->E"),
            ),
            "inset_window_ms": (
                "edge",
                np.asarray(inset, dtype=float),
                var_attrs("ms", "inset window after the burn-in"),
            ),
        },
        coords={
            "bin_start_ms": ("bin_start_ms", bins, var_attrs("ms", "histogram bin start")),
            "time_ms": ("time_ms", x_time, var_attrs("ms", "time (absolute)")),
        },
    )
    return fig, data


def ibi_vs_ib_spread(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Mean inter-burst interval against the I_b half-width, every seed and mean ± SD."""
    apply_style()
    widths = options["half_widths_mV"]
    scenarios = options["scenarios"]
    seeds = sorted({seed for (_, seed, _) in datasets})
    ibi = np.full((len(scenarios), len(seeds)), np.nan)
    rate = np.full_like(ibi, np.nan)
    for (scenario, seed, _), test in datasets.items():
        i, j = scenarios.index(scenario), seeds.index(seed)
        ibi[i, j] = float(test["ibi_mean_s"])
        rate[i, j] = float(test["full_ps_rate_Hz"])
    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    for j in range(len(seeds)):
        axes[0].plot(widths, ibi[:, j], "o", color="0.6", ms=3)
        axes[1].plot(widths, rate[:, j], "o", color="0.6", ms=3)
    axes[0].errorbar(widths, np.nanmean(ibi, 1), np.nanstd(ibi, 1), color="k", capsize=3)
    axes[1].errorbar(widths, np.nanmean(rate, 1), np.nanstd(rate, 1), color="k", capsize=3)
    axes[0].set_ylabel("Mean inter-burst interval (s)")
    axes[1].set_ylabel("Full population spikes per s")
    for ax in axes:
        ax.set_xlabel("I_b half-width (mV)")
        ax.set_xticks(widths, [f"{w:g}" for w in widths])
    fig.tight_layout()
    data = xr.Dataset(
        {
            "ibi_mean_s": (
                ("half_width_mV", "seed"),
                ibi,
                var_attrs("s", "mean inter-burst interval of full PS", may_be_nan=True),
            ),
            "full_ps_rate_Hz": (
                ("half_width_mV", "seed"),
                rate,
                var_attrs("Hz", "full population spikes per second"),
            ),
        },
        coords={
            "half_width_mV": (
                "half_width_mV",
                np.asarray(widths, float),
                var_attrs("mV", "half-width of the I_b distribution"),
            ),
            "seed": ("seed", np.asarray(seeds), var_attrs("1", "network seed")),
        },
    )
    return fig, data


FIGURES = {"fig1": fig1, "ibi_vs_ib_spread": ibi_vs_ib_spread}

"""Figures of tsodyks2000, drawn from ``test`` stage files only (never re-simulated).

- ``fig1``: the paper's Fig. 1 as the Brian2 reference draws it: raster, net activity with an
  inset on one PS (window: flag ``inset_window_ms``, default the reference's [1220, 1260] ms;
  null centres it on the first full PS), mean recovered fraction of E->E synapses;
  time relabelled so that the burn-in ends at 0.
- ``ibi_vs_ib_spread``: burst rate, mean inter-burst interval and its CV against the
  half-width of the background-current spread (a scenario beyond the seed), mean ± SD over
  seeds with every seed shown; bursts at the claims' participation level.

Each function returns ``(Figure, Dataset)``: the Dataset holds exactly the plotted numbers.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.papers.tsodyks2000 import metrics
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
    """The inset window after the burn-in: ``window_ms`` as given (default the reference's
    [1220, 1260]), or for null a 40 ms window centred on the first full PS."""
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


def _burst_statistics(test: xr.Dataset, level: float) -> tuple[float, float, float, float]:
    """(bursts per s, mean inter-burst interval in s, CV of the intervals, full PS per s) of
    one recording; bursts are the PS with participation above ``level``."""
    peaks = test["ps_peak_time_ms"].values
    bursts = metrics.bursts(peaks, test["ps_participation"].values, level)
    duration_s = float(test["record_stop_ms"] - test["record_start_ms"]) / 1000.0
    ibi = float(np.diff(bursts).mean() / 1000.0) if bursts.size > 1 else np.nan
    full = int(test["ps_full"].values.astype(bool).sum())
    return bursts.size / duration_s, ibi, metrics.interval_cv(bursts), full / duration_s


def _nan_mean_sd(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and SD over seeds (axis 1) of the finite values; NaN where a row has none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, 1), np.nanstd(values, 1)


def ibi_vs_ib_spread(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Burst rate, mean inter-burst interval and its CV against the I_b half-width, every seed
    and mean ± SD; bursts at the claims' participation level (``burst_participation``), with the
    rate of all full PS (partial events included) for contrast."""
    apply_style()
    widths = options["half_widths_mV"]
    scenarios = options["scenarios"]
    level = float(options["burst_participation"])
    seeds = sorted({seed for (_, seed, _) in datasets})
    shape = (len(scenarios), len(seeds))
    rate, ibi, cv, full_rate = (np.full(shape, np.nan) for _ in range(4))
    for (scenario, seed, _), test in datasets.items():
        i, j = scenarios.index(scenario), seeds.index(seed)
        rate[i, j], ibi[i, j], cv[i, j], full_rate[i, j] = _burst_statistics(test, level)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3))
    handles = []
    for ax, values in zip(axes, (rate, ibi, cv), strict=True):
        for j in range(len(seeds)):
            ax.plot(widths, values[:, j], "o", color="0.6", ms=3)
        mean, sd = _nan_mean_sd(values)
        handles.append(ax.errorbar(widths, mean, sd, color="k", capsize=3))
    (full_line,) = axes[0].plot(
        widths, _nan_mean_sd(full_rate)[0], "s--", color="0.4", mfc="none", ms=4, lw=0.8
    )
    axes[0].legend(
        [handles[0], full_line],
        [f"bursts (participation > {level:g})", "all full PS"],
        frameon=False,
        fontsize="small",
    )
    axes[0].set_ylabel("Bursts per s")
    axes[1].set_ylabel("Mean inter-burst interval (s)")
    axes[2].set_ylabel("CV of inter-burst intervals")
    for ax in axes:
        ax.set_xlabel("I_b half-width (mV)")
        ax.set_xticks(widths, [f"{w:g}" for w in widths])
    fig.tight_layout()
    dims = ("half_width_mV", "seed")
    data = xr.Dataset(
        {
            "burst_rate_Hz": (dims, rate, var_attrs("Hz", "bursts per second")),
            "ibi_mean_s": (
                dims,
                ibi,
                var_attrs("s", "mean interval between bursts", may_be_nan=True),
            ),
            "ibi_cv": (
                dims,
                cv,
                var_attrs("1", "CV of the intervals between bursts", may_be_nan=True),
            ),
            "full_ps_rate_Hz": (
                dims,
                full_rate,
                var_attrs("Hz", "full population spikes per second (partial events included)"),
            ),
            "burst_participation": (
                (),
                level,
                var_attrs("1", "participation above which a PS counts as a burst"),
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

FIGURE_CLAIMS = {
    "fig1": (
        "repeated_ps",
        "whole_network",
        "quiet_periods",
        "resources_deplete",
        "ee_release_fraction",
        "recovery_timescale",
    ),
    "ibi_vs_ib_spread": (
        "ibi_timescale",
        "ibi_irregular",
        "ib_spread_frequency",
        "ib_spread_regularity",
    ),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

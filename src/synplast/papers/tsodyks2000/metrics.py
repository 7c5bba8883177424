"""Population-spike metrics of a recording (defined in docs/papers/tsodyks2000.md, "Metrics").

- net activity ``a(t)``: spikes of all neurons per 1-ms half-open bin, divided by N;
- population spikes (PS): local maxima of ``a`` above ``ps_threshold``, peaks closer than
  ``ps_merge_ms`` merged (the larger kept); participation = fraction of distinct neurons with a
  spike within ``participation_window_ms`` of the peak; a PS is *full* above
  ``full_ps_participation``;
- inter-burst intervals between successive full PS;
- resources: depletion of the mean E->E recovered fraction at each full PS (mean over the
  pre-window minus the minimum shortly after the peak) and the time constant of an exponential
  recovery fitted between successive full PS;
- bursts at a participation level (the claims fix one level, ``claims.burst_participation``):
  their rate, intervals and the coefficient of variation of the intervals, and the fraction of
  the available E->E resources one presynaptic spike releases at a burst.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeWarning, brentq, curve_fit
from scipy.signal import find_peaks


def net_activity(spike_time_ms, n_neurons, t_start_ms, t_stop_ms, bin_ms=1.0):
    """(bin starts, fraction of neurons spiking per bin), half-open bins ``[t, t + bin)``."""
    n_bins = int(round((t_stop_ms - t_start_ms) / bin_ms))
    index = np.floor((np.asarray(spike_time_ms) - t_start_ms) / bin_ms + 1e-9).astype(np.int64)
    index = index[(index >= 0) & (index < n_bins)]
    counts = np.bincount(index, minlength=n_bins)
    return t_start_ms + bin_ms * np.arange(n_bins), counts / n_neurons


@dataclass(frozen=True)
class PopulationSpikes:
    """Detected PS: peak times (ms), peak activity, participation, and which are full."""

    peak_time_ms: np.ndarray
    peak_activity: np.ndarray
    participation: np.ndarray
    full: np.ndarray


def detect_population_spikes(
    bin_start_ms,
    activity,
    spike_time_ms,
    spike_neuron,
    n_neurons,
    ps_threshold,
    ps_merge_ms,
    participation_window_ms,
    full_ps_participation,
) -> PopulationSpikes:
    """Find PS in ``activity`` (see the module docstring)."""
    bin_ms = float(bin_start_ms[1] - bin_start_ms[0]) if len(bin_start_ms) > 1 else 1.0
    distance = max(1, int(round(ps_merge_ms / bin_ms)))
    peaks, _ = find_peaks(np.asarray(activity), height=ps_threshold, distance=distance)
    times = np.asarray(bin_start_ms)[peaks]
    spike_time_ms = np.asarray(spike_time_ms)
    spike_neuron = np.asarray(spike_neuron)
    order = np.argsort(spike_time_ms, kind="stable")
    sorted_times = spike_time_ms[order]
    participation = np.empty(times.size)
    for i, t in enumerate(times):
        lo = np.searchsorted(sorted_times, t - participation_window_ms, side="left")
        hi = np.searchsorted(sorted_times, t + participation_window_ms, side="right")
        participation[i] = np.unique(spike_neuron[order[lo:hi]]).size / n_neurons
    return PopulationSpikes(
        peak_time_ms=times,
        peak_activity=np.asarray(activity)[peaks],
        participation=participation,
        full=participation > full_ps_participation,
    )


def interval_stats_s(peak_time_ms) -> dict[str, float]:
    """Mean, SD, min and max of the intervals between successive peaks (s); NaN if < 2 peaks."""
    intervals = np.diff(np.asarray(peak_time_ms)) / 1000.0
    if intervals.size == 0:
        return {key: float("nan") for key in ("mean", "sd", "min", "max")}
    return {
        "mean": float(intervals.mean()),
        "sd": float(intervals.std()),
        "min": float(intervals.min()),
        "max": float(intervals.max()),
    }


def resource_levels(time_ms, x_mean, peak_time_ms, pre_window_ms, post_window_ms):
    """Per PS ``(x_pre, x_min, t_min_ms)``: the mean of x̄ over ``[peak + pre[0], peak + pre[1])``,
    the minimum of x̄ within ``post_window_ms`` after the peak and its time; NaN where the windows
    leave the recording."""
    time_ms = np.asarray(time_ms)
    x_mean = np.asarray(x_mean, dtype=np.float64)
    x_pre, x_min, t_min = (np.full(len(peak_time_ms), np.nan) for _ in range(3))
    for i, t in enumerate(peak_time_ms):
        pre = (time_ms >= t + pre_window_ms[0]) & (time_ms < t + pre_window_ms[1])
        post = (time_ms >= t) & (time_ms <= t + post_window_ms)
        if pre.any() and post.any() and t + post_window_ms <= time_ms[-1]:
            x_pre[i] = x_mean[pre].mean()
            x_min[i] = x_mean[post].min()
            t_min[i] = time_ms[post][np.argmin(x_mean[post])]
    return x_pre, x_min, t_min


def resource_depletion(time_ms, x_mean, peak_time_ms, pre_window_ms, post_window_ms):
    """Per PS: mean of x̄ over ``[peak + pre[0], peak + pre[1])`` minus min of x̄ within
    ``post_window_ms`` after the peak; NaN where the windows leave the recording."""
    x_pre, x_min, _ = resource_levels(time_ms, x_mean, peak_time_ms, pre_window_ms, post_window_ms)
    return x_pre - x_min


def bursts(peak_time_ms, participation, level):
    """Peak times (ms) of the PS whose participation exceeds ``level``."""
    peak_time_ms = np.asarray(peak_time_ms)
    return peak_time_ms[np.asarray(participation) > level]


def interval_cv(peak_time_ms) -> float:
    """Coefficient of variation (population SD / mean) of the intervals between successive
    peaks; NaN with fewer than two intervals."""
    intervals = np.diff(np.asarray(peak_time_ms, dtype=np.float64))
    if intervals.size < 2:
        return float("nan")
    return float(intervals.std() / intervals.mean())


def release_fraction(
    time_ms,
    x_mean,
    peak_time_ms,
    spike_time_ms,
    spike_neuron,
    n_exc,
    pre_window_ms,
    post_window_ms,
):
    """Per PS: the fraction ``f`` of its available resources an E->E synapse releases per
    presynaptic spike, estimated from the drop of the mean E->E recovered fraction x̄.

    Between the end of the pre-window and the minimum of x̄ after the peak, E neuron ``i``
    fires ``n_i`` spikes; if each spike releases the fraction ``f`` of what its synapses hold,
    x̄ falls by the factor ``mean_i (1 - f)^n_i`` (every E neuron taken with the same share of
    the E->E synapses).  ``f`` solves ``mean_i (1 - f)^n_i = x_min / x_pre`` (0 if x̄ did not
    drop, 1 if it dropped as if every spike released everything).  NaN where the windows leave
    the recording or no E neuron fired.
    """
    x_pre, x_min, t_min = resource_levels(
        time_ms, x_mean, peak_time_ms, pre_window_ms, post_window_ms
    )
    spike_time_ms = np.asarray(spike_time_ms)
    spike_neuron = np.asarray(spike_neuron)
    out = np.full(len(peak_time_ms), np.nan)
    for i, t in enumerate(peak_time_ms):
        if not np.isfinite(x_pre[i]) or x_pre[i] <= 0:
            continue
        # x̄ at the start of step t_min holds the releases of the spikes before it
        window = (
            (spike_time_ms >= t + pre_window_ms[1])
            & (spike_time_ms < t_min[i])
            & (spike_neuron < n_exc)
        )
        counts = np.bincount(spike_neuron[window], minlength=n_exc)[:n_exc].astype(np.float64)
        if not counts.any():
            continue
        ratio = x_min[i] / x_pre[i]
        silent = float(np.mean(counts == 0))
        if ratio >= 1.0:
            out[i] = 0.0
        elif ratio <= silent:
            out[i] = 1.0
        else:
            out[i] = brentq(lambda f, r=ratio, n=counts: np.mean((1.0 - f) ** n) - r, 0.0, 1.0)
    return out


def _recovery(t, x_inf, x0, tau):
    return x_inf - (x_inf - x0) * np.exp(-t / tau)


def recovery_time_constants_ms(time_ms, x_mean, full_peak_time_ms, post_window_ms, pre_window_ms):
    """Per interval between successive full PS: τ of ``x̄(t) = x∞ − (x∞ − x0) e^{−t/τ}`` fitted
    from the minimum after one PS to the start of the next PS's pre-window (NaN if no fit)."""
    time_ms = np.asarray(time_ms)
    x_mean = np.asarray(x_mean, dtype=np.float64)
    peaks = np.asarray(full_peak_time_ms)
    taus = np.full(max(peaks.size - 1, 0), np.nan)
    for i in range(peaks.size - 1):
        post = (time_ms >= peaks[i]) & (time_ms <= peaks[i] + post_window_ms)
        if not post.any():
            continue
        t_min = time_ms[post][np.argmin(x_mean[post])]
        segment = (time_ms >= t_min) & (time_ms < peaks[i + 1] + pre_window_ms[0])
        if segment.sum() < 10:
            continue
        t = time_ms[segment] - t_min
        x = x_mean[segment]
        guess = (x[-1] + 0.05, x[0], max(t[-1] / 3.0, 1.0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            try:
                fitted, _ = curve_fit(
                    _recovery,
                    t,
                    x,
                    p0=guess,
                    maxfev=5000,
                    bounds=([0.0, 0.0, 1.0], [1.0, 1.0, 1e5]),
                )
            except (RuntimeError, ValueError):
                continue
        taus[i] = fitted[2]
    return taus

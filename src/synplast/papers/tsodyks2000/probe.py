"""Post-plasticity test of tsodyks2000: the recording window (pipeline stage ``test``).

Resumes the network from the burn-in checkpoint, records ``record_ms`` (spikes of every neuron
and the mean recovered fraction of all E->E synapses at the start of every step), and measures
the population-spike metrics of :mod:`synplast.papers.tsodyks2000.metrics`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.papers.tsodyks2000 import metrics
from synplast.papers.tsodyks2000.params import ModelParams
from synplast.papers.tsodyks2000.simulate import NetworkState, advance, build_network
from synplast.stagefile import var_attrs

VARIABLES = (
    "spike_time_ms",
    "spike_neuron",
    "recovered_fraction_ee_mean",
    "net_activity",
    "ps_peak_time_ms",
    "ps_participation",
    "rate_exc_Hz",
    "rate_inh_Hz",
)


IBI_STATISTICS = {
    "mean": "mean inter-burst interval",
    "sd": "SD of inter-burst intervals",
    "min": "shortest inter-burst interval",
    "max": "longest inter-burst interval",
}


def measure(
    spike_time_ms, spike_neuron, time_ms, x_mean, t_start_ms, t_stop_ms, n_exc, n_inh, analysis
) -> xr.Dataset:
    """The claim metrics of one recording, as a Dataset of named, unit-carrying variables."""
    n = n_exc + n_inh
    bins, activity = metrics.net_activity(spike_time_ms, n, t_start_ms, t_stop_ms)
    ps = metrics.detect_population_spikes(
        bins,
        activity,
        spike_time_ms,
        spike_neuron,
        n,
        analysis["ps_threshold"],
        analysis["ps_merge_ms"],
        analysis["participation_window_ms"],
        analysis["full_ps_participation"],
    )
    full_times = ps.peak_time_ms[ps.full]
    ibi = metrics.interval_stats_s(full_times)
    depletion = metrics.resource_depletion(
        time_ms,
        x_mean,
        ps.peak_time_ms,
        analysis["depletion_pre_window_ms"],
        analysis["depletion_post_window_ms"],
    )
    tau = metrics.recovery_time_constants_ms(
        time_ms,
        x_mean,
        full_times,
        analysis["depletion_post_window_ms"],
        analysis["depletion_pre_window_ms"],
    )
    duration_s = (t_stop_ms - t_start_ms) / 1000.0
    is_exc = np.asarray(spike_neuron) < n_exc
    return xr.Dataset(
        {
            "net_activity": (
                "time_bin_ms",
                activity,
                var_attrs("1", "fraction of neurons spiking per 1-ms bin"),
            ),
            "ps_peak_time_ms": ("ps", ps.peak_time_ms, var_attrs("ms", "population spike peak")),
            "ps_peak_activity": (
                "ps",
                ps.peak_activity,
                var_attrs("1", "net activity at the peak"),
            ),
            "ps_participation": (
                "ps",
                ps.participation,
                var_attrs("1", "fraction of neurons spiking near the peak"),
            ),
            "ps_full": (
                "ps",
                ps.full.astype(np.int8),
                var_attrs("1", "participation above full_ps_participation (1) or not (0)"),
            ),
            "ps_depletion": (
                "ps",
                depletion,
                var_attrs(
                    "1",
                    "drop of mean E->E x at the PS (pre-window mean minus post minimum)",
                    may_be_nan=True,
                ),
            ),
            "recovery_tau_ms": (
                "interval",
                tau,
                var_attrs(
                    "ms",
                    "time constant of the exponential recovery of mean E->E x between full PS",
                    may_be_nan=True,
                ),
            ),
            "full_ps_count": ((), int(ps.full.sum()), var_attrs("1", "number of full PS")),
            "full_ps_rate_Hz": (
                (),
                ps.full.sum() / duration_s,
                var_attrs("Hz", "full PS per second"),
            ),
            **{
                f"ibi_{stat}_s": ((), ibi[stat], var_attrs("s", text, may_be_nan=True))
                for stat, text in IBI_STATISTICS.items()
            },
            "baseline_activity": (
                (),
                float(np.median(activity)),
                var_attrs("1", "median net activity per 1-ms bin"),
            ),
            "rate_exc_Hz": (
                (),
                is_exc.sum() / (n_exc * duration_s),
                var_attrs("Hz", "mean E rate"),
            ),
            "rate_inh_Hz": (
                (),
                (~is_exc).sum() / (n_inh * duration_s),
                var_attrs("Hz", "mean I rate"),
            ),
            "x_mean_time_avg": (
                (),
                float(np.mean(x_mean)),
                var_attrs("1", "time average of the mean E->E x"),
            ),
            "x_mean_min": ((), float(np.min(x_mean)), var_attrs("1", "minimum of the mean E->E x")),
            "x_mean_max": ((), float(np.max(x_mean)), var_attrs("1", "maximum of the mean E->E x")),
        },
        coords={"time_bin_ms": ("time_bin_ms", bins, var_attrs("ms", "start of the 1-ms bin"))},
    )


def run_test(inputs: xr.Dataset, plastic: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Record ``record_ms`` from the burn-in checkpoint and measure the PS metrics."""
    model = ModelParams.from_config(params["model"])
    network = build_network(inputs, model)
    state = NetworkState.from_dataset(plastic)
    first_step = state.step
    n_steps = model.steps(params["protocol"]["record_ms"])
    spike_step, spike_neuron, x_mean = advance(network, state, n_steps, record_x_mean=True)
    dt = model.dt_ms
    time_ms = (first_step + np.arange(n_steps)) * dt
    spike_time_ms = spike_step * dt
    t_start, t_stop = first_step * dt, (first_step + n_steps) * dt
    ds = measure(
        spike_time_ms,
        spike_neuron,
        time_ms,
        x_mean,
        t_start,
        t_stop,
        model.n_exc,
        model.n_inh,
        params["analysis"],
    )
    ds["spike_time_ms"] = (
        "spike",
        spike_time_ms,
        var_attrs("ms", "spike time (absolute, burn-in included)"),
    )
    ds["spike_neuron"] = (
        "spike",
        spike_neuron.astype(np.int32),
        var_attrs(
            "1", "index of the spiking neuron (E 0..n_exc-1, then I)", instance_dimension="neuron"
        ),
    )
    ds["recovered_fraction_ee_mean"] = (
        "time_ms",
        x_mean.astype(np.float32),
        var_attrs(
            "1", "mean recovered fraction x over all E->E synapses, at the start of each step"
        ),
    )
    ds = ds.assign_coords(time_ms=("time_ms", time_ms, var_attrs("ms", "time (absolute)")))
    ds["n_exc"] = ((), model.n_exc, var_attrs("1", "number of E neurons"))
    ds["n_inh"] = ((), model.n_inh, var_attrs("1", "number of I neurons"))
    ds["record_start_ms"] = ((), t_start, var_attrs("ms", "start of the recording window"))
    ds["record_stop_ms"] = ((), t_stop, var_attrs("ms", "end of the recording window"))
    return ds

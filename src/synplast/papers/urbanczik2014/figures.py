"""Figures of urbanczik2014, drawn from stage files only.

- ``fig1b_traces``: the reference example's first figure (Fig. 1B): potentials U, V_w, V_w*,
  U_M; somatic conductances; dendritic currents; rates phi(U), phi(V_w), phi(V_w*), h(V_w*),
  phi(U) - phi(V_w*) with the somatic spikes; over the whole run (at 1 ms) and, at full
  resolution, in the first and the last teaching presentation;
- ``fig1b_weights``: the example's second figure, the weight of every tenth input over time;
- ``learning_curve`` (and ``learning_curve_variants``, the same for the optional scenarios
  beyond the reference protocol): RMS error and correlation of V_w* against U_M per
  presentation (every seed, and the mean smoothed over ``smooth_presentations``), scenarios
  side by side, and the frozen test of the first scenario's first seed;
- ``nest_comparison``: this implementation and NEST side by side on identical input spikes
  (reads the optional ``nest`` stage): learning curves over seeds, potentials with plasticity
  off, weights when NEST's somatic spikes are replayed, final weight distributions.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs

TRACE_PANELS = (
    (
        "membrane pot. (mV)",
        (  # U_M first, behind the potentials that learn to follow it
            ("U_M_mV", "U_M (soma)", "r", "-"),
            ("V_soma_mV", "U (soma)", "darkblue", "-"),
            ("V_dend_mV", "V_w (dendrite)", "deepskyblue", "-"),
            ("V_star_mV", "V_w* (dendrite)", "b", "--"),
        ),
    ),
    (
        "somatic cond. (nS)",
        (("g_in_soma_nS", "g_I", "r", "-"), ("g_ex_soma_nS", "g_E", "coral", "-")),
    ),
    (
        "dend. current (pA)",
        (("I_ex_dend_pA", "I_ex", "r", "-"), ("I_in_dend_pA", "I_in", "coral", "-")),
    ),
    (
        "rate (1/ms)",
        (
            ("phi_soma_per_ms", "phi(U)", "darkblue", "-"),
            ("phi_dend_per_ms", "phi(V_w)", "deepskyblue", "-"),
            ("phi_star_per_ms", "phi(V_w*)", "b", "--"),
            ("h_star", "h(V_w*)", "g", "--"),
            ("phi_error", "phi(U) - phi(V_w*)", "r", "-"),
        ),
    ),
)


def _presentation_slices(options: dict, dt_ms: float, teaching: bool = False) -> dict:
    """Sample slices of the first and the last teaching presentation (``teaching``: of the
    whole teaching window, as one slice)."""
    protocol = options["protocol"]
    steps = int(round(protocol["pattern_duration_ms"] / dt_ms))
    first = protocol["n_pre_rep"]
    last = protocol["n_pre_rep"] + protocol["n_pattern_rep"] - 1
    if teaching:
        return {"teaching": slice(first * steps, (last + 1) * steps)}
    return {
        "first": slice(first * steps, (first + 1) * steps),
        "last": slice(last * steps, (last + 1) * steps),
    }


def fig1b_traces(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Four rows of traces; columns: the whole run, first and last teaching presentation."""
    apply_style()
    ((_, seed, _), ds), *_ = datasets.items()
    dt = float(ds["dt_ms"])
    time = ds["time_ms"].values
    values = {
        name: ds[name].values for _, lines in TRACE_PANELS for name, *_ in lines[:5] if name in ds
    }
    values["phi_error"] = values["phi_soma_per_ms"] - values["phi_star_per_ms"]
    # U_M only where the teacher drives the soma (outside, the conductances are 0 or decaying)
    taught = np.zeros(time.size, dtype=bool)
    for window in _presentation_slices(options, dt, teaching=True).values():
        taught[window] = True
    values["U_M_mV"] = np.where(taught, values["U_M_mV"], np.nan)
    spikes_ms = ds["spike_step"].values * dt
    every = max(1, int(round(1.0 / dt)))  # the whole run at 1 ms
    windows = {"whole run": slice(None, None, every), **_presentation_slices(options, dt)}
    titles = {
        "whole run": "whole run",
        "first": "first teaching presentation",
        "last": "last teaching presentation",
    }
    fig, axes = plt.subplots(
        4, 3, figsize=(13, 9), sharex="col", gridspec_kw={"width_ratios": (2, 1, 1)}
    )
    for column, (key, window) in enumerate(windows.items()):
        t = time[window]
        for row, (ylabel, lines) in enumerate(TRACE_PANELS):
            ax = axes[row, column]
            handles = []
            for name, label, color, style in lines:
                target = ax
                if name == "h_star":  # dimensionless and 30 times larger: its own axis
                    target = ax.twinx()
                    target.set_ylim(0.0, 15.0 * float(options["beta_per_mV"]) * 1.05)
                    target.tick_params(axis="y", colors="g", labelsize=7)
                    if column == 2:
                        target.set_ylabel("h(V_w*)", color="g")
                (line,) = target.plot(
                    t,
                    values[name][window],
                    color=color,
                    ls=style,
                    lw=0.4 if column == 0 else 0.8,
                    label=label,
                    rasterized=column == 0,
                )
                handles.append(line)
            if row == 3:
                shown = spikes_ms[(spikes_ms >= t[0]) & (spikes_ms <= t[-1])]
                (dots,) = ax.plot(
                    shown, np.zeros_like(shown), "s", color="k", ms=1.5, label="spikes"
                )
                handles.append(dots)
                ax.set_xlabel("time (ms)")
            if column == 0:
                ax.set_ylabel(ylabel)
            if column == 2:
                ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.2, 1.0))
        axes[0, column].set_title(titles[key])
    fig.suptitle(f"Fig. 1B: learning by the dendritic prediction of somatic spiking (seed {seed})")
    fig.tight_layout()
    data = xr.Dataset(
        {
            f"{name}_{suffix}": (
                f"time_{suffix}_ms",
                np.asarray(values[name][window], np.float32),
                var_attrs(*_trace_units(ds, name), may_be_nan=True),
            )
            for name in values
            for suffix, window in (
                ("run", windows["whole run"]),
                ("first", windows["first"]),
                ("last", windows["last"]),
            )
        },
        coords={
            "time_run_ms": (
                "time_run_ms",
                time[windows["whole run"]],
                var_attrs("ms", "time (every 1 ms)"),
            ),
            "time_first_ms": ("time_first_ms", time[windows["first"]], var_attrs("ms", "time")),
            "time_last_ms": ("time_last_ms", time[windows["last"]], var_attrs("ms", "time")),
            "spike_time_ms": ("spike_time_ms", spikes_ms, var_attrs("ms", "somatic spike times")),
        },
    )
    return fig, data


def _trace_units(ds: xr.Dataset, name: str) -> tuple[str, str]:
    if name == "phi_error":
        return "1/ms", "phi(U) - phi(V_w*)"
    return ds[name].attrs["units"], ds[name].attrs["long_name"]


def fig1b_weights(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """Step plot of the weight transmitted by every tenth input against time."""
    apply_style()
    ((_, seed, _), ds), *_ = datasets.items()
    dt = float(ds["dt_ms"])
    shown = np.arange(0, ds.sizes["input"], options["every"])
    tx_input = ds["tx_input"].values
    keep = np.isin(tx_input, shown)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    cmap = plt.get_cmap("tab20")
    for n, i in enumerate(shown):
        own = tx_input == i
        if own.any():
            ax.step(
                ds["tx_step"].values[own] * dt,
                ds["tx_weight_pA"].values[own],
                where="post",
                lw=1,
                color=cmap(n % 20),
                label=f"pg_{i}",
            )
    ax.set(
        title=f"Synaptic weights of Urbanczik synapses (seed {seed})",
        xlabel="time (ms)",
        ylabel="weight (pA)",
    )
    ax.legend(fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    data = xr.Dataset(
        {
            "tx_time_ms": (
                "transmission",
                ds["tx_step"].values[keep] * dt,
                var_attrs("ms", "time of the transmission"),
            ),
            "tx_input": (
                "transmission",
                tx_input[keep],
                var_attrs("1", "input", instance_dimension="input"),
            ),
            "tx_weight_pA": (
                "transmission",
                ds["tx_weight_pA"].values[keep],
                var_attrs("pA", "transmitted weight"),
            ),
        }
    )
    return fig, data


def _smooth(values: np.ndarray, width: int) -> np.ndarray:
    """Trailing mean over up to ``width`` presentations of the finite values (NaN where the
    value itself is NaN, e.g. outside the teaching presentations)."""
    finite = np.isfinite(values)
    sums = np.concatenate(([0.0], np.cumsum(np.where(finite, values, 0.0))))
    counts = np.concatenate(([0], np.cumsum(finite)))
    end = np.arange(1, values.size + 1)
    begin = np.maximum(end - width, 0)
    n = counts[end] - counts[begin]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (sums[end] - sums[begin]) / n
    return np.where(finite, mean, np.nan)


def _nan_mean_sd(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and SD over the first axis of the finite values (NaN where there are none)."""
    finite = np.isfinite(stack)
    count = finite.sum(axis=0)
    safe = np.where(finite, stack, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = safe.sum(axis=0) / count
        sd = np.sqrt(np.where(finite, (stack - mean) ** 2, 0.0).sum(axis=0) / count)
    return mean, sd


def _stack(datasets: dict, scenario: str, stage: str, name: str) -> np.ndarray:
    return np.asarray(
        [
            ds[name].values
            for (s, _, st), ds in sorted(datasets.items())
            if s == scenario and st == stage
        ]
    )


COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def learning_curve(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """RMS error and correlation per presentation; the frozen test of the first scenario."""
    apply_style()
    scenarios = options["scenarios"]
    width = int(options["analysis"]["smooth_presentations"])
    first = next(ds for (s, _, _), ds in sorted(datasets.items()) if s == scenarios[0])
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    data_vars, coords = {}, {}
    for n, scenario in enumerate(scenarios):
        color = COLORS[n % len(COLORS)]
        seeds = sorted(seed for (s, seed, _) in datasets if s == scenario)
        own = next(ds for (s, _, _), ds in sorted(datasets.items()) if s == scenario)
        presentation = own["presentation"].values
        coords[f"seed_{scenario}"] = (
            f"seed_{scenario}",
            np.asarray(seeds, dtype=np.int32),
            var_attrs("1", f"seed ({scenario})"),
        )
        coords[f"presentation_{scenario}"] = (
            f"presentation_{scenario}",
            presentation,
            var_attrs("1", f"presentation of the pattern ({scenario})"),
        )
        for ax, name in zip(axes[:2], ("rmse_star_mV", "corr_star"), strict=True):
            stack = _stack(datasets, scenario, "test", name)
            on_top = 3 if n == 0 else 2  # the first scenario (the reference) in front
            for row in stack:
                ax.plot(presentation, row, color=color, lw=0.4, alpha=0.4, zorder=on_top)
            mean, _ = _nan_mean_sd(stack)
            ax.plot(
                presentation,
                _smooth(mean, width),
                color=color,
                lw=1.6,
                label=scenario,
                zorder=on_top + 0.5,
            )
            data_vars[f"{name}_{scenario}"] = (
                (f"seed_{scenario}", f"presentation_{scenario}"),
                stack,
                var_attrs(own[name].attrs["units"], own[name].attrs["long_name"], may_be_nan=True),
            )
    axes[0].set(xlabel="presentation", ylabel="RMS(V_w* - U_M) (mV)", title="prediction error")
    axes[1].set(xlabel="presentation", ylabel="corr(V_w*, U_M)", title="prediction correlation")
    axes[0].legend(fontsize=7)
    phase = first["phase_ms"].values
    axes[2].plot(phase, first["target_U_M_mV"].values, "r", label="U_M (last teaching)")
    axes[2].plot(phase, first["test_V_star_after_mV"].values, "b", label="V_w*, learned weights")
    axes[2].plot(
        phase, first["test_V_star_before_mV"].values, color="0.5", label="V_w*, initial weights"
    )
    axes[2].set(
        xlabel="time in the presentation (ms)",
        ylabel="mV",
        title=f"frozen test, teacher off ({scenarios[0]}, first seed)",
    )
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    for name in ("test_V_star_after_mV", "test_V_star_before_mV", "target_U_M_mV"):
        data_vars[name] = first[name]
    return fig, xr.Dataset(data_vars, coords={**coords, "phase_ms": first["phase_ms"]})


def nest_comparison(datasets: dict, options: dict) -> tuple[plt.Figure, xr.Dataset]:
    """This implementation and NEST on identical input spikes."""
    apply_style()
    scenario = options["scenario"]
    ours = {seed: ds for (s, seed, st), ds in datasets.items() if s == scenario and st == "test"}
    peer = {seed: ds for (s, seed, st), ds in datasets.items() if s == scenario and st == "nest"}
    seeds = sorted(ours)
    first = peer[seeds[0]]
    presentation = ours[seeds[0]]["presentation"].values
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    stats = {}
    for ax, name, ylabel in (
        (axes[0, 0], "rmse_star_mV", "RMS(V_w* - U_M) (mV)"),
        (axes[0, 1], "corr_star", "corr(V_w*, U_M)"),
    ):
        for label, group, color in (
            ("this implementation", ours, "tab:blue"),
            ("NEST 3.10", peer, "tab:red"),
        ):
            stack = np.asarray([group[seed][name].values for seed in seeds])
            stats[(label, name)] = stack
            mean, sd = _nan_mean_sd(stack)
            ax.plot(presentation, mean, color=color, label=label)
            ax.fill_between(presentation, mean - sd, mean + sd, color=color, alpha=0.2)
        ax.set(
            xlabel="presentation", ylabel=ylabel, title=f"learning, mean ± SD of {len(seeds)} seeds"
        )
    axes[0, 0].legend(fontsize=7)
    # plasticity off
    t = first["frozen_time_ms"].values
    ax = axes[0, 2]
    for key, color in (("V_soma", "darkblue"), ("V_dend", "deepskyblue")):
        ax.plot(t, first[f"frozen_{key}_nest_mV"].values, color=color, lw=1.6, label=f"{key} NEST")
        ax.plot(
            t,
            first[f"frozen_{key}_ours_mV"].values,
            color="k",
            lw=0.5,
            ls="--",
            label=f"{key} ours",
        )
    ax.set(xlabel="time (ms)", ylabel="mV", title=f"plasticity off (seed {seeds[0]})")
    ax.legend(fontsize=6)
    ax = axes[1, 0]
    for key, color in (("V_soma", "darkblue"), ("V_dend", "deepskyblue")):
        diff = np.abs(first[f"frozen_{key}_nest_mV"].values - first[f"frozen_{key}_ours_mV"].values)
        ax.semilogy(t, np.maximum(diff, 1e-16), color=color, lw=0.6, label=f"|{key}: NEST - ours|")
    ax.set(xlabel="time (ms)", ylabel="mV", title="plasticity off: difference")
    ax.legend(fontsize=6)
    # spike replay
    ax = axes[1, 1]
    w_nest, w_ours = first["tx_weight_pA"].values, first["replay_tx_weight_pA"].values
    ax.plot(w_nest, w_ours, ".", ms=1.5, color="k")
    top = max(float(np.max(w_nest)), 1.0)
    ax.plot([0, top], [0, top], color="0.6", lw=0.5)
    ax.set(
        xlabel="weight in NEST (pA)",
        ylabel="weight here, NEST's spikes replayed (pA)",
        title=f"spike replay: max |difference| {np.max(np.abs(w_nest - w_ours)):.1e} pA",
    )
    # final weights
    ax = axes[1, 2]
    w_max = float(options["W_max_pA"])
    final_ours = np.concatenate([ours[seed]["w_final_pA"].values for seed in seeds])
    final_nest = np.concatenate([peer[seed]["w_final_pA"].values for seed in seeds])
    bins = np.linspace(0.0, max(final_ours.max(), final_nest.max(), 1.0) * 1.05, 30)
    ax.hist(final_ours, bins, histtype="step", color="tab:blue", label="this implementation")
    ax.hist(final_nest, bins, histtype="step", color="tab:red", label="NEST 3.10")
    ax.set(
        xlabel="final weight (pA)",
        ylabel="synapses",
        title=f"final weights, {len(seeds)} seeds (W_max {w_max:g} pA)",
    )
    ax.legend(fontsize=7)
    fig.tight_layout()
    data = xr.Dataset(
        {
            "rmse_star_ours_mV": (
                ("seed", "presentation"),
                stats[("this implementation", "rmse_star_mV")],
                var_attrs("mV", "RMS(V_w* - U_M), this implementation", may_be_nan=True),
            ),
            "rmse_star_nest_mV": (
                ("seed", "presentation"),
                stats[("NEST 3.10", "rmse_star_mV")],
                var_attrs("mV", "RMS(V_w* - U_M), NEST", may_be_nan=True),
            ),
            "corr_star_ours": (
                ("seed", "presentation"),
                stats[("this implementation", "corr_star")],
                var_attrs("1", "corr(V_w*, U_M), this implementation", may_be_nan=True),
            ),
            "corr_star_nest": (
                ("seed", "presentation"),
                stats[("NEST 3.10", "corr_star")],
                var_attrs("1", "corr(V_w*, U_M), NEST", may_be_nan=True),
            ),
            "frozen_V_soma_nest_mV": first["frozen_V_soma_nest_mV"],
            "frozen_V_soma_ours_mV": first["frozen_V_soma_ours_mV"],
            "frozen_V_dend_nest_mV": first["frozen_V_dend_nest_mV"],
            "frozen_V_dend_ours_mV": first["frozen_V_dend_ours_mV"],
            "replay_tx_weight_nest_pA": ("transmission", w_nest, var_attrs("pA", "weight in NEST")),
            "replay_tx_weight_ours_pA": (
                "transmission",
                w_ours,
                var_attrs("pA", "weight here with NEST's spikes replayed"),
            ),
            "w_final_ours_pA": (
                ("seed", "input"),
                np.asarray([ours[s]["w_final_pA"].values for s in seeds]),
                var_attrs("pA", "final weight, this implementation"),
            ),
            "w_final_nest_pA": (
                ("seed", "input"),
                np.asarray([peer[s]["w_final_pA"].values for s in seeds]),
                var_attrs("pA", "final weight, NEST"),
            ),
        },
        coords={
            "seed": ("seed", np.asarray(seeds), var_attrs("1", "seed")),
            "presentation": ours[seeds[0]]["presentation"],
            "frozen_time_ms": first["frozen_time_ms"],
        },
    )
    return fig, data


FIGURES = {
    "fig1b_traces": fig1b_traces,
    "fig1b_weights": fig1b_weights,
    "learning_curve": learning_curve,
    "learning_curve_variants": learning_curve,
    "nest_comparison": nest_comparison,
}

FIGURE_CLAIMS = {
    "fig1b_traces": (
        "soma_pulled_to_teacher",
        "soma_mismatch_shrinks",
        "prediction_correlation_rises",
    ),
    "fig1b_weights": ("weights_pinned_at_zero",),
    "learning_curve": (
        "prediction_error_falls",
        "prediction_correlation_rises",
        "frozen_test_reproduces_target",
        "frozen_test_follows_target_shape",
    ),
    "learning_curve_variants": ("prediction_error_falls", "prediction_correlation_rises"),
    "nest_comparison": (),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

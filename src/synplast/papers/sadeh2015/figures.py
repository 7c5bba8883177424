"""Figures of sadeh2015, drawn from stage files only (never re-simulated).

Single seed: ``fig1_rasters`` (Fig. 1), ``fig3_weights`` (Fig. 3A-C), ``fig3_aligned``
(Fig. 3D-F).  Over seeds (``test`` files): ``fig3g_specificity``, ``tuning_osi``,
``bidirectional``, ``ablations``, ``spontaneous``, ``cardinal``.  Each function returns
``(Figure, Dataset)``; the Dataset holds exactly the plotted numbers.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from synplast.plotting import apply_style
from synplast.stagefile import var_attrs

from . import metrics as M


def _stage(datasets, stage):
    return next(ds for (_, _, st), ds in datasets.items() if st == stage)


def _tests(datasets):
    """{scenario: [test Dataset per seed]} in seed order."""
    out: dict = {}
    for (scenario, _, stage), ds in sorted(datasets.items()):
        if stage == "test":
            out.setdefault(scenario, []).append(ds)
    return out


def _seed_coord(datasets):
    """The ``seed`` coordinate of a figure over the seeds of one scenario: the real seeds of
    its ``test`` files, in the order of :func:`_tests`."""
    scenario = next(iter(_tests(datasets)))
    seeds = [
        int(seed)
        for (name, seed, stage) in sorted(datasets)
        if stage == "test" and name == scenario
    ]
    return ("seed", np.asarray(seeds, dtype=np.int64), var_attrs("1", "network seed"))


def _dt_ms(*datasets) -> float:
    """The time step of the stage files (1 ms if a file predates the ``dt_ms`` variable)."""
    for ds in datasets:
        if "dt_ms" in ds:
            return float(ds["dt_ms"])
    return 1.0


def fig1_rasters(datasets, options):
    """Rasters before, at the beginning, at the end and after plasticity (the paper's Fig. 1).

    Each panel: the raster (E red, I blue; the stimulus bar at y = -5), the rate of every neuron
    to its right and the E and I spike counts per 10 ms below it, all with labelled axes.
    Spike steps are converted to ms with the files' ``dt_ms``.
    """
    apply_style()
    inputs, plastic, test = (_stage(datasets, s) for s in ("inputs", "plastic", "test"))
    dt = _dt_ms(test, plastic, inputs)
    n_E, N = int(test["n_E"]), inputs.sizes["neuron"]
    last = plastic.sizes["block"] - 1
    blk = plastic["spike_block"].values
    panels = {
        "Before Plasticity": (test["bp_spike_neuron"].values, test["bp_spike_step"].values, None),
        "Beginning of Plasticity": (
            plastic["spike_neuron"].values[blk == 0],
            plastic["spike_step"].values[blk == 0],
            0,
        ),
        "End of Plasticity": (
            plastic["spike_neuron"].values[blk == last],
            plastic["spike_step"].values[blk == last],
            last,
        ),
        "After Plasticity": (test["ap_spike_neuron"].values, test["ap_spike_step"].values, None),
    }
    block_ms = inputs.sizes["step"] * dt
    trial_ms = block_ms / inputs.sizes["trial"]
    fig = plt.figure(figsize=(17, 6), layout="constrained")
    grid = fig.add_gridspec(2, 8, width_ratios=[4, 1] * 4, height_ratios=[4, 1.3])
    data = {}
    edges = np.arange(0.0, block_ms + 10.0, 10.0)
    for c, (title, (neuron, step, block)) in enumerate(panels.items()):
        ax = fig.add_subplot(grid[0, 2 * c])
        ax_r = fig.add_subplot(grid[0, 2 * c + 1], sharey=ax)
        ax_p = fig.add_subplot(grid[1, 2 * c], sharex=ax)
        time_ms = step * dt
        exc = neuron < n_E
        ax.plot(time_ms[exc], neuron[exc], "r.", ms=2)
        ax.plot(time_ms[~exc], neuron[~exc], "b.", ms=2)
        thetas = (
            inputs["stimulus_rad"].values[block]
            if block is not None
            else np.full(inputs.sizes["trial"], np.pi / 2)
        )
        for k, th in enumerate(thetas):
            ax.plot(
                [k * trial_ms, (k + 1) * trial_ms], [-5, -5], lw=4, color=plt.cm.hsv(th / np.pi)
            )
        rate = M.rate_per_neuron_Hz(neuron, N, block_ms)
        ax_r.plot(rate, np.arange(N), "k", lw=0.5)
        ax_r.set_xlabel("Rate (Hz)")
        ax_r.tick_params(labelleft=False)
        ce, _ = np.histogram(time_ms[exc], edges)
        ci, _ = np.histogram(time_ms[~exc], edges)
        ax_p.plot(edges[:-1], ce, "r", label="E")
        ax_p.plot(edges[:-1], ci, "b", label="I")
        ax_p.set_yticks([0, 50, 100, 150])
        ax_p.set_xlabel("Time (ms)")
        r_e = M.rate_text(int(exc.sum()), n_E, block_ms, options["emulate_py2_rate_text"])
        r_i = M.rate_text(int((~exc).sum()), N - n_E, block_ms, options["emulate_py2_rate_text"])
        ax.set_title(
            f"{title}\nE: {r_e} Hz, I: {r_i} Hz"
            + ("\nSparser activity" if title.startswith("After") else "")
        )
        ax.set_ylim(-10, N)
        ax.set_xlim(0, block_ms)
        ax.tick_params(labelbottom=False)
        if c == 0:
            ax.set_ylabel("Neuron #")
            ax_p.set_ylabel("Spikes / 10 ms")
            ax_p.legend(loc="upper right", ncols=2, fontsize=7)
        key = title.split()[0].lower()
        data[f"rate_{key}_Hz"] = ("neuron", rate, var_attrs("Hz", f"rate per neuron, {title}"))
        data[f"pop_count_E_{key}"] = ("bin10", ce, var_attrs("1", f"E spikes per 10 ms, {title}"))
        data[f"pop_count_I_{key}"] = ("bin10", ci, var_attrs("1", f"I spikes per 10 ms, {title}"))
    sm = plt.cm.ScalarMappable(cmap="hsv", norm=plt.Normalize(0, 180))
    fig.colorbar(
        sm, ax=fig.axes[-2], label="stimulus orientation (deg)", ticks=[0, 90, 180], shrink=0.8
    )
    coords = {
        "neuron": inputs["neuron"],
        "bin10": ("bin10", edges[:-1], var_attrs("ms", "start of the 10-ms bin (time in block)")),
    }
    return fig, xr.Dataset(data, coords=coords)


def fig3_weights(datasets, options):
    """The weight matrices before (W0) and after learning (Wf) and their change Wf - W0
    (Fig. 3A-C), pre-synaptic neurons on rows, post-synaptic on columns."""
    apply_style()
    W0 = _stage(datasets, "inputs")["W0"]
    Wf = _stage(datasets, "plastic")["W_final"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained")
    for ax, W, kw, title in (
        (axes[0], W0.values, {}, "W0"),
        (axes[1], Wf.values, {"vmin": -5, "vmax": 2}, "Wf"),
        (axes[2], Wf.values - W0.values, {"vmin": -1.5, "vmax": 1.5}, "Wf - W0"),
    ):
        im = ax.imshow(W, aspect="auto", interpolation="nearest", **kw)
        fig.colorbar(im, ax=ax, label="mV")
        ax.set(title=title, xlabel="Post-synaptic #", ylabel="Pre-synaptic #")
    ds = xr.Dataset({"W0": W0, "Wf": Wf, "dW": Wf - W0})
    ds["dW"].attrs = var_attrs("mV", "Wf - W0")
    return fig, ds


def fig3_aligned(datasets, options):
    """Weights against PO_pre - PO_post, unwrapped (Fig. 3D-F): E->E, E->I, I->E."""
    apply_style()
    inputs, plastic = _stage(datasets, "inputs"), _stage(datasets, "plastic")
    po, W0, Wf = inputs["po_rad"].values, inputs["W0"].values, plastic["W_final"].values
    n_E = int(inputs["n_E"])
    N = po.size
    blocks = {
        "E->E": (slice(0, n_E), slice(0, n_E), (-0.1, 2.1)),
        "E->I": (slice(0, n_E), slice(n_E, N), (-0.1, 2.1)),
        "I->E": (slice(n_E, N), slice(0, n_E), (-5.6, -2.9)),
    }
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    data = {}
    for ax, (name, (pre, post, ylim)) in zip(axes, blocks.items(), strict=True):
        d = (po[pre][:, None] - po[post][None, :]).ravel()
        ax.plot(d, W0[pre, post].ravel(), "r.", ms=2, alpha=0.5)
        ax.plot(d, Wf[pre, post].ravel(), "k.", ms=2, alpha=0.5)
        ax.set(title=name, ylim=ylim, xlim=(-np.pi, np.pi), xlabel="PO_pre - PO_post (deg)")
        ax.set_xticks(np.linspace(-np.pi, np.pi, 5), ["", "-90", "0", "90", ""])
        # the Dataset holds the binned means of what the dots show (the dots are W0/Wf)
        edges = np.linspace(-np.pi, np.pi, 37)
        idx = np.clip(np.digitize(d, edges) - 1, 0, 35)
        key = name.replace("->", "")
        for label, W in (("W0", W0), ("Wf", Wf)):
            w = W[pre, post].ravel()
            data[f"{key}_{label}_mean_mV"] = (
                "dpo_unwrapped",
                np.array([w[idx == b].mean() if (idx == b).any() else np.nan for b in range(36)]),
                {
                    **var_attrs("mV", f"mean {name} weight per 10-deg dPO bin, {label}"),
                    "may_be_nan": 1,
                },
            )
    axes[0].set_ylabel("Weight (mV)")
    coords = {
        "dpo_unwrapped": (
            "dpo_unwrapped",
            np.degrees(edges[:-1]),
            var_attrs("degree", "PO_pre - PO_post bin start"),
        )
    }
    return fig, xr.Dataset(data, coords=coords)


def _seed_lines(ax, x, rows, color, label):
    rows = np.asarray(rows)
    for r in rows:
        ax.plot(x, r, color=color, alpha=0.3, lw=0.8)
    ax.errorbar(x, rows.mean(0), rows.std(0), color=color, lw=2, label=label, capsize=3)


def fig3g_specificity(datasets, options):
    """Connection specificity: mean E->E weight in |dPO| bins, initial vs final (Fig. 3G)."""
    apply_style()
    tests = next(iter(_tests(datasets).values()))
    b0 = np.array([ds["bins_W0_mV"].values for ds in tests])
    bf = np.array([ds["bins_Wf_mV"].values for ds in tests])
    fig, ax = plt.subplots(figsize=(4, 3.5))
    x = np.arange(3)
    _seed_lines(ax, x, b0, "r", "Initial")
    _seed_lines(ax, x, bf, "k", "Final")
    ax.set_xticks(x, ["0-30", "30-60", "60-90"])
    ax.set(xlabel="dpo range (deg)", ylabel="Average Weight (mV)", ylim=(0, 1))
    ax.legend()
    return fig, xr.Dataset(
        {
            "bins_W0_mV": (("seed", "dpo_bin"), b0, var_attrs("mV", "initial mean E->E weight")),
            "bins_Wf_mV": (("seed", "dpo_bin"), bf, var_attrs("mV", "final mean E->E weight")),
        },
        coords={
            "seed": _seed_coord(datasets),
            "dpo_bin": tests[0]["dpo_bin"],
        },
    )


def tuning_osi(datasets, options):
    """OSI distributions before vs after learning (all seeds pooled) and the mean per seed."""
    apply_style()
    tests = next(iter(_tests(datasets).values()))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    data = {}
    edges = np.linspace(0, 1, 26)
    for ax, pop in zip(axes[:2], ("E", "I"), strict=True):
        for when, color in (("before", "r"), ("after", "k")):
            vals = np.concatenate([ds[f"osi_{when}"].values[_pop_mask(ds, pop)] for ds in tests])
            h, _ = np.histogram(vals[np.isfinite(vals)], edges)
            ax.stairs(h, edges, color=color, label=when)
            data[f"hist_{pop}_{when}"] = (
                "osi_bin",
                h,
                var_attrs("1", f"{pop} neurons per OSI bin"),
            )
            data[f"mean_{pop}_{when}"] = (
                "seed",
                [np.nanmean(ds[f"osi_{when}"].values[_pop_mask(ds, pop)]) for ds in tests],
                var_attrs("1", f"mean OSI {pop}, {when}"),
            )
        ax.set(title=f"{pop} neurons", xlabel="OSI (1 - circular variance)", ylabel="count")
        ax.legend()
    for pop, color in (("E", "r"), ("I", "b")):
        for k in range(len(tests)):
            axes[2].plot(
                [0, 1],
                [data[f"mean_{pop}_before"][1][k], data[f"mean_{pop}_after"][1][k]],
                color=color,
                alpha=0.6,
                label=pop if k == 0 else None,
            )
    axes[2].set_xticks([0, 1], ["before", "after"])
    axes[2].set(ylabel="mean OSI", ylim=(0, 1))
    axes[2].legend()
    coords = {
        "osi_bin": ("osi_bin", edges[:-1], var_attrs("1", "OSI bin start")),
        "seed": _seed_coord(datasets),
    }
    return fig, xr.Dataset(data, coords=coords)


def _pop_mask(ds, pop):
    idx = np.arange(ds.sizes["neuron"])
    return idx < int(ds["n_E"]) if pop == "E" else idx >= int(ds["n_E"])


def bidirectional(datasets, options):
    """Surplus of bidirectional strong E->E connections: W0 (existence) vs Wf (> w_th)."""
    apply_style()
    tests = next(iter(_tests(datasets).values()))
    b0 = np.array([float(ds["bidir_surplus_W0"]) for ds in tests])
    bf = np.array([float(ds["bidir_surplus_Wf"]) for ds in tests])
    fig, ax = plt.subplots(figsize=(3.5, 3.5))
    ax.bar([0, 1], [np.nanmean(b0), np.nanmean(bf)], color=["r", "k"], alpha=0.5)
    ax.plot(np.zeros_like(b0), b0, "ro", np.ones_like(bf), bf, "ko")
    ax.axhline(1.0, ls="--", color="gray")
    ax.set_xticks([0, 1], ["W0 (existence)", "Wf (> w_th)"])
    ax.set_ylabel("P(bidirectional) / P(one)^2")
    return fig, xr.Dataset(
        {
            "surplus_W0": ("seed", b0, var_attrs("1", "bidirectional surplus W0", may_be_nan=True)),
            "surplus_Wf": ("seed", bf, var_attrs("1", "bidirectional surplus Wf", may_be_nan=True)),
        },
        coords={"seed": _seed_coord(datasets)},
    )


def ablations(datasets, options):
    """E rate per learning block and final Fig. 3G bins for each set of plastic pathways."""
    apply_style()
    tests = _tests(datasets)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    data, colors = {}, plt.cm.tab10(np.arange(len(tests)))
    for (scenario, dss), color in zip(tests.items(), colors, strict=True):
        rates = np.array([ds["rate_E_block_Hz"].values for ds in dss])
        bins = np.array([ds["bins_Wf_mV"].values for ds in dss])
        blocks = np.arange(1, rates.shape[1] + 1)
        axes[0].plot(blocks, rates.mean(0), color=color, label=scenario)
        axes[1].errorbar(
            np.arange(3), bins.mean(0), bins.std(0), color=color, label=scenario, capsize=3
        )
        data[f"rate_E_{scenario}_Hz"] = (
            "block",
            rates.mean(0),
            var_attrs("Hz", f"mean E rate per block, {scenario}"),
        )
        data[f"bins_{scenario}_mV"] = (
            "dpo_bin",
            bins.mean(0),
            var_attrs("mV", f"final Fig. 3G bins, {scenario}"),
        )
    axes[0].set(xlabel="learning block", ylabel="mean E rate (Hz)")
    axes[1].set_xticks(range(3), ["0-30", "30-60", "60-90"])
    axes[1].set(xlabel="dpo range (deg)", ylabel="Average Weight (mV)")
    axes[0].legend()
    n_blocks = len(next(iter(data.values()))[1])
    coords = {
        "block": ("block", np.arange(n_blocks), var_attrs("1", "learning block")),
        "dpo_bin": next(iter(tests.values()))[0]["dpo_bin"],
    }
    return fig, xr.Dataset(data, coords=coords)


def spontaneous(datasets, options):
    """Fig. 3G bins after learning vs after the spontaneous blocks; rates during spont."""
    apply_style()
    tests = next(iter(_tests(datasets).values()))
    bf = np.array([ds["bins_Wf_mV"].values for ds in tests])
    bs = np.array([ds["bins_spont_mV"].values for ds in tests])
    re = np.array([ds["rate_E_spont_Hz"].values for ds in tests])
    ri = np.array([ds["rate_I_spont_Hz"].values for ds in tests])
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    _seed_lines(axes[0], np.arange(3), bf, "k", "after learning")
    _seed_lines(axes[0], np.arange(3), bs, "g", "after spontaneous")
    axes[0].set_xticks(range(3), ["0-30", "30-60", "60-90"])
    axes[0].set(xlabel="dpo range (deg)", ylabel="Average Weight (mV)", ylim=(0, 1))
    axes[0].legend()
    blocks = np.arange(1, re.shape[1] + 1)
    axes[1].plot(blocks, re.mean(0), "r", blocks, ri.mean(0), "b")
    axes[1].set(xlabel="spontaneous block", ylabel="mean rate (Hz)")
    seed = _seed_coord(datasets)
    return fig, xr.Dataset(
        {
            "bins_Wf_mV": (("seed", "dpo_bin"), bf, var_attrs("mV", "bins after learning")),
            "bins_spont_mV": (("seed", "dpo_bin"), bs, var_attrs("mV", "bins after spontaneous")),
            "rate_E_Hz": (("seed", "spont_block"), re, var_attrs("Hz", "E rate per spont block")),
            "rate_I_Hz": (("seed", "spont_block"), ri, var_attrs("Hz", "I rate per spont block")),
        },
        coords={
            "seed": seed,
            "dpo_bin": tests[0]["dpo_bin"],
            "spont_block": tests[0]["spont_block"],
        },
    )


def cardinal(datasets, options):
    """Within-group E->E weight per 15-deg PO group: cardinal protocol vs uniform learning."""
    apply_style()
    tests = next(iter(_tests(datasets).values()))
    card = np.array([ds["within_group_card_mV"].values for ds in tests])
    uni = np.array([ds["within_group_uniform_mV"].values for ds in tests])
    x = tests[0]["po_group"].values + 7.5
    fig, ax = plt.subplots(figsize=(5, 3.5))
    _seed_lines(ax, x, card, "m", "cardinal over-represented")
    _seed_lines(ax, x, uni, "k", "uniform")
    for b in M.CARDINAL_BINS:
        ax.axvspan(x[b] - 7.5, x[b] + 7.5, color="m", alpha=0.08)
    ax.set(xlabel="PO group (deg)", ylabel="within-group weight (mV)")
    ax.legend()
    return fig, xr.Dataset(
        {
            "within_card_mV": (
                ("seed", "po_group"),
                card,
                var_attrs("mV", "cardinal protocol", may_be_nan=True),
            ),
            "within_uniform_mV": (
                ("seed", "po_group"),
                uni,
                var_attrs("mV", "uniform protocol", may_be_nan=True),
            ),
        },
        coords={
            "seed": _seed_coord(datasets),
            "po_group": tests[0]["po_group"],
        },
    )


FIGURES = {
    f.__name__: f
    for f in (
        fig1_rasters,
        fig3_weights,
        fig3_aligned,
        fig3g_specificity,
        tuning_osi,
        bidirectional,
        ablations,
        spontaneous,
        cardinal,
    )
}

FIGURE_CLAIMS = {
    "fig1_rasters": (
        "e_rates_fall_test",
        "e_rates_fall_learning",
        "i_rates_stable",
        "sparser_activity",
    ),
    "fig3_weights": (),
    "fig3_aligned": ("weights_follow_tuning",),
    "fig3g_specificity": ("initial_bins_flat", "specificity_ordered", "final_bins"),
    "tuning_osi": ("osi_E_rises", "osi_I_rises"),
    "bidirectional": ("bidir_w0_chance", "bidir_surplus"),
    "ablations": ("e_rates_fall_learning", "ablation_EE_only", "ablation_EE_IE", "ablation_EE_EI"),
    "spontaneous": ("spont_stable",),
    "cardinal": ("cardinal_groups",),
}
"""The claims (names in ``claims.CLAIMS``) whose evidence each figure shows; the report's
captions list them with their verdicts."""

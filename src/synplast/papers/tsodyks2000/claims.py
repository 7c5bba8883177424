"""The claims of tsodyks2000, measured on ``test`` stage files over seeds.

The network "spontaneously self-organized to produce highly synchronous bursts involving
virtually the entire network", separated by quiet periods in which the depressed E->E resources
recover on the tau_rec time scale; a narrower spread of the background current I_b bursts more
often.  Each claim below is one function whose docstring gives the claim and where its
tolerance comes from: the model and its configured parameters, never runs of this code.  Every
criterion must hold in every seed.
"""

from __future__ import annotations

import numpy as np

from synplast.claimkit import (
    ClaimResult,
    above,
    at_least,
    between,
    paired,
    per_seed,
    per_seed_claim,
)
from synplast.config import scenario_config

PAPER = "tsodyks2000"
MIN_PARTICIPATION = 0.8
MIN_PEAK_TO_BASELINE = 10.0
MIN_PS_PARTICIPATION_FOR_DEPLETION = 0.8
MIN_X_BEFORE_PS = 0.4
MIN_FULL_PS = 2


def _main(datasets: dict, config: dict) -> dict:
    """The claim scenario's ``test`` Datasets by seed."""
    return per_seed(datasets, config[PAPER]["claims"]["scenario"])


def _ee(config: dict) -> tuple[float, float]:
    """``(tau_rec_ms, U)`` of the E->E pathway in the claim scenario."""
    params = scenario_config(config, PAPER, config[PAPER]["claims"]["scenario"])
    ee = params["model"]["pathways"]["ee"]
    return ee["tau_rec_ms"], ee["U"]


def _full(ds, name):
    """``name`` for the full population spikes of one recording."""
    return ds[name].values[ds["ps_full"].values.astype(bool)]


def _has_full_ps(ds) -> bool:
    return bool(int(ds["full_ps_count"]))


def repeated_ps(datasets: dict, config: dict) -> ClaimResult:
    """Population spikes recur in the recording.

    At least two full PS (participation above the config's ``full_ps_participation``) per
    recording: the least that shows a recurrence rather than a single event.
    """
    return per_seed_claim(
        "repeated_ps",
        "Population spikes recur in the recording",
        f"at least {MIN_FULL_PS} full PS (participation > 0.5) per recording",
        "full PS per recording",
        "1",
        _main(datasets, config),
        lambda ds: int(ds["full_ps_count"]),
        at_least(MIN_FULL_PS),
    )


def whole_network(datasets: dict, config: dict) -> ClaimResult:
    """PS involve virtually the entire network.

    "Highly synchronous bursts involving virtually the entire network": the mean participation
    of the full PS is at least 0.8.  A recording without full PS measures NaN and fails.
    """

    def participation(ds):
        return float(np.mean(_full(ds, "ps_participation"))) if _has_full_ps(ds) else np.nan

    return per_seed_claim(
        "whole_network",
        "PS involve virtually the entire network",
        f"mean participation of full PS >= {MIN_PARTICIPATION}",
        "mean participation",
        "fraction of 500",
        _main(datasets, config),
        participation,
        at_least(MIN_PARTICIPATION),
    )


def quiet_periods(datasets: dict, config: dict) -> ClaimResult:
    """Sharp PS peaks stand on a low, quiet baseline.

    PS are "sharp peaks on a low baseline": the mean peak activity of the full PS is at least
    ten times the median activity (one order of magnitude).  A zero median with full PS counts
    as an infinite contrast (passes); a recording without full PS measures NaN (fails).
    """

    def contrast(ds):
        if not _has_full_ps(ds):
            return np.nan
        if float(ds["baseline_activity"]) > 0:
            return float(np.mean(_full(ds, "ps_peak_activity")) / float(ds["baseline_activity"]))
        return np.inf

    return per_seed_claim(
        "quiet_periods",
        "Sharp PS peaks stand on a low, quiet baseline",
        f"mean PS peak activity >= {MIN_PEAK_TO_BASELINE:g} x median activity",
        "peak / median activity",
        "1",
        _main(datasets, config),
        contrast,
        at_least(MIN_PEAK_TO_BASELINE),
    )


def resources_deplete(datasets: dict, config: dict) -> ClaimResult:
    """Mean E->E resources x drop abruptly at each PS.

    In a PS with participation ``p`` each E->E synapse releases ``U x``, so the mean recovered
    fraction drops by about ``p U x_pre`` (about 0.95 * 0.5 * 0.45, i.e. 0.2, with the
    config's U and the x before a PS).  The claim asks for at least half of that,
    ``0.5 p U x_pre`` with ``p = 0.8`` and ``x_pre = 0.4`` (the lower ends of the figure's
    ranges): 0.08 for U = 0.5.
    """
    _, U = _ee(config)
    min_depletion = 0.5 * MIN_PS_PARTICIPATION_FOR_DEPLETION * U * MIN_X_BEFORE_PS

    def depletion(ds):
        return float(np.nanmean(_full(ds, "ps_depletion"))) if _has_full_ps(ds) else np.nan

    return per_seed_claim(
        "resources_deplete",
        "Mean E->E resources x drop abruptly at each PS",
        f"mean drop of x at full PS >= {min_depletion:.2f} (half of p U x_pre, p = 0.8, "
        f"x_pre = 0.4, U = {U:g})",
        "mean depletion",
        "1",
        _main(datasets, config),
        depletion,
        at_least(min_depletion),
    )


def recovery_timescale(datasets: dict, config: dict) -> ClaimResult:
    """Between PS, x recovers roughly exponentially on the tau_rec scale.

    Between PS the mean x recovers towards 1 with the synapses' mean ``tau_rec``, while
    background spikes at the E rate ``r_E`` keep depleting it, which shortens the effective
    time constant to ``tau_rec / (1 + U r_E tau_rec)`` (the lower bound, per seed from its own
    E rate).  The upper bound ``1.25 tau_rec`` allows 25 % for the heterogeneity of tau_rec
    across synapses and for the fit.  The measurement is the median of the fitted time
    constants of a recording.
    """
    tau_rec_ms, U = _ee(config)

    def median_tau(ds):
        taus = ds["recovery_tau_ms"].values
        return float(np.nanmedian(taus)) if np.isfinite(taus).any() else np.nan

    def on_scale(tau, ds):
        rate_per_ms = float(ds["rate_exc_Hz"]) / 1000.0
        low = tau_rec_ms / (1.0 + U * rate_per_ms * tau_rec_ms)
        return low <= tau <= 1.25 * tau_rec_ms

    return per_seed_claim(
        "recovery_timescale",
        "Between PS, x recovers roughly exponentially on the tau_rec scale",
        f"fitted tau between tau_rec/(1 + U r_E tau_rec) and 1.25 tau_rec "
        f"(tau_rec = {tau_rec_ms:g} ms)",
        "median fitted recovery tau",
        "ms",
        _main(datasets, config),
        median_tau,
        on_scale,
    )


def ibi_timescale(datasets: dict, config: dict) -> ClaimResult:
    """PS recur at intervals set by the recovery of E->E resources.

    An inter-burst interval "on the tau_rec time scale": the mean IBI lies between
    ``0.5 tau_rec`` and ``5 tau_rec``, a factor of two below and of five above (after
    ``5 tau_rec`` the resources have recovered by more than 99 %, so a longer interval would no
    longer be set by their recovery).
    """
    tau_rec_ms, _ = _ee(config)
    lo_s, hi_s = 0.5 * tau_rec_ms / 1000.0, 5.0 * tau_rec_ms / 1000.0
    return per_seed_claim(
        "ibi_timescale",
        "PS recur at intervals set by the recovery of E->E resources",
        f"mean inter-burst interval in [{lo_s:g}, {hi_s:g}] s (0.5 to 5 tau_rec)",
        "mean IBI",
        "s",
        _main(datasets, config),
        lambda ds: float(ds["ibi_mean_s"]),
        between(lo_s, hi_s),
    )


def ib_spread_sensitivity(datasets: dict, config: dict) -> ClaimResult:
    """A narrower I_b spread gives more frequent population spikes.

    The full-PS rate of the narrow-spread scenario exceeds that of the wide-spread scenario
    (config ``claims.narrow_spread_scenario`` and ``claims.wide_spread_scenario``) in every seed
    both ran: a direction, so the threshold is zero.
    """
    claims = config[PAPER]["claims"]
    narrow, wide = claims["narrow_spread_scenario"], claims["wide_spread_scenario"]
    return per_seed_claim(
        "ib_spread_sensitivity",
        "A narrower I_b spread gives more frequent population spikes",
        "full-PS rate (narrow spread) minus full-PS rate (wide spread) > 0 in every seed",
        "PS rate difference narrow - wide",
        "Hz",
        paired(datasets, narrow, wide),
        lambda pair: float(pair[0]["full_ps_rate_Hz"]) - float(pair[1]["full_ps_rate_Hz"]),
        above(0.0),
        note=f"{narrow} vs {wide}",
    )


CLAIMS = (
    repeated_ps,
    whole_network,
    quiet_periods,
    resources_deplete,
    recovery_timescale,
    ibi_timescale,
    ib_spread_sensitivity,
)
"""Every claim, in scorecard order."""


def evaluate(datasets: dict, config: dict) -> list[ClaimResult]:
    """Measure every claim on the ``test`` Datasets keyed by ``(scenario, seed, stage)``."""
    return [claim(datasets, config) for claim in CLAIMS]

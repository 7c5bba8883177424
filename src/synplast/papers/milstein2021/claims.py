"""The claims of milstein2021, measured on the ``test`` files of Models A and B (deterministic:
one run, reported as seed 0) and on every seed's ``readout`` of Model C.

Each claim is one function whose docstring says where its tolerance comes from (the model's
own scales, never runs of this code); a criterion must hold in every seed.

- Model A: weight-dependent bidirectionality with the equilibrium weight W_eq as the sign
  boundary (script and notebook), the linear equilibrium, the timing of the nonlinear
  equilibrium, the confinement of the short-timescale variant, the signal normalisation;
- Model B: the induction targets (peak and its shift after induction 1), translocation
  (potentiation at the new site, depression at the old one) and bidirectional weight changes;
- Model C: the place-cell fraction grows while exploring, the reward zone is over-represented,
  familiar laps are nearly frozen.
"""

from __future__ import annotations

import numpy as np

from synplast.claimkit import ClaimResult, at_least, below, near, per_seed, per_seed_claim

PAPER = "milstein2021"
DETERMINISTIC = "deterministic model: one run (reported as seed 0)"

MIN_SIGN_FRACTION = 0.1
EXPECTED_ET_PEAK = {"ref_script": 0.3, "seed_notebook": 1.0}
CONFINEMENT_TAUS = 5.0
INDUCTION1_PEAK_MV, PEAK_TOLERANCE_MV = 8.0, 0.5
INDUCTION1_SHIFT_CM, SHIFT_TOLERANCE_BINS = -12.5, 2
NEW_SITE_DELTA_MV, OLD_SITE_DELTA_MV = 7.65, -5.0
SITE_TOLERANCE_FRACTION = 1.0 / 8.0
MIN_CHANGED_INPUT = 0.01
SIGMAS = 3.0
MIN_REWARD_RATIO = 1.25
FAMILIAR_FRACTION = 0.1


def _scenario(config: dict, key: str) -> str:
    return config[PAPER]["claims"][key]


def _deterministic(datasets: dict, config: dict, key: str, stage: str = "test") -> dict:
    """``{0: Dataset}`` of a deterministic scenario's stage file."""
    return {0: datasets[(_scenario(config, key), None, stage)]}


def _variant(ds, name: str) -> int:
    return [str(v) for v in ds["variant"].values].index(name)


# --- Model A ---------------------------------------------------------------------------------


def _sign_fractions(ds) -> tuple[float, bool]:
    """Over the variants, the smallest of (fraction of decisive entries that potentiate,
    fraction that depress), and whether every decisive entry has the sign of W_eq - W0."""
    smallest, all_agree = np.inf, True
    for j in range(ds.sizes["variant"]):
        agree = ds["sign_agrees"].values[j]
        decisive = agree >= 0
        dW = ds["dW"].values[j]
        n = max(int(decisive.sum()), 1)
        pot = float(((dW > 0) & decisive).sum()) / n
        dep = float(((dW < 0) & decisive).sum()) / n
        smallest = min(smallest, pot, dep)
        all_agree &= bool((agree[decisive] == 1).all()) and decisive.any()
    return smallest, all_agree


def _bidirectional(datasets, config, key: str, claim_id: str, label: str) -> ClaimResult:
    return per_seed_claim(
        claim_id,
        f"Model A ({label}): weak inputs potentiate, strong inputs depress, and the sign "
        "boundary is the equilibrium weight W_eq",
        "every heatmap entry farther from W_eq than the within-pass excursion has the sign of "
        f"W_eq - W0, and potentiation and depression each cover >= {MIN_SIGN_FRACTION:.0%} of "
        "those entries (every variant)",
        "smallest share of potentiating or depressing entries over the variants",
        "1",
        _deterministic(datasets, config, key),
        lambda ds: _sign_fractions(ds)[0],
        lambda value, ds: _sign_fractions(ds)[1] and value >= MIN_SIGN_FRACTION,
        note=DETERMINISTIC,
    )


def A_bidirectional(datasets: dict, config: dict) -> ClaimResult:
    """Weight-dependent bidirectionality in the standalone script's model.

    The equilibrium weight is computed with W held over the 20-s window; Euler steps move W
    within the pass, so a pass maps W_eq to itself only up to the largest partial integral of
    dW/dt over the pass (the "excursion", computed from the model per input).  An entry whose
    initial weight is farther from W_eq than that must change in the direction of W_eq; nearer
    entries are not decisive.  The grid of initial weights (1 to 2.4) straddles W_eq (1.04 to
    2.02 for the nonlinear variant, 2 for the linear one), so each sign must cover a real share
    of the grid; a floor of 10 % is far below the share the W_eq curve leaves to either side
    and far above the 0 % of a rule without depression, whose W_eq is W_max, above the grid.
    """
    return _bidirectional(datasets, config, "scenario", "A_bidirectional", "script")


def A_seed_bidirectional(datasets: dict, config: dict) -> ClaimResult:
    """The same in the seed notebook's model, whose weights are held fixed within a pass (the
    excursion is 0: every entry off W_eq is decisive)."""
    return _bidirectional(datasets, config, "A_seed_scenario", "A_seed_bidirectional", "notebook")


def A_linear_equilibrium(datasets: dict, config: dict) -> ClaimResult:
    """Linear q: W_eq = W_max / (1 + dep_ratio) (= 2) at every spike time.

    With q the identity both integrals are the same integral of ET*IS, so the ratio is exact up
    to round-off: tolerance 1e-9 of W_max.
    """

    def deviation(ds):
        j = _variant(ds, "linear")
        expected = float(ds["W_max"].values[j]) / (1.0 + float(ds["dep_ratio"].values[j]))
        W_eq = ds["W_eq"].values[j]
        return float(np.max(np.abs(W_eq - expected))) / float(ds["W_max"].values[j])

    return per_seed_claim(
        "A_linear_equilibrium",
        "Model A, linear q: the equilibrium weight is W_max / (1 + dep_ratio) at every spike time",
        "max |W_eq - W_max / (1 + dep_ratio)| / W_max < 1e-9 (defined at every spike time)",
        "largest relative deviation of W_eq",
        "1",
        _deterministic(datasets, config, "scenario"),
        deviation,
        below(1e-9),
        note=DETERMINISTIC,
    )


def _equilibrium_widths(ds) -> tuple[float, float, float]:
    """Peak time of the nonlinear W_eq and its extents before and after the peak above the
    level halfway between its minimum and maximum (linear interpolation between inputs)."""
    j = _variant(ds, "nonlinear")
    t = ds["input_time_ms"].values / 1e3
    W_eq = ds["W_eq"].values[j]
    k = int(np.nanargmax(W_eq))
    level = (np.nanmax(W_eq) + np.nanmin(W_eq)) / 2.0

    def crossing(indices):
        for a, b in zip(indices[:-1], indices[1:], strict=True):
            if W_eq[b] < level <= W_eq[a]:
                return t[a] + (t[b] - t[a]) * (W_eq[a] - level) / (W_eq[a] - W_eq[b])
        return t[indices[-1]]

    left = crossing(list(range(k, -1, -1)))
    right = crossing(list(range(k, t.size)))
    return float(t[k]), float(t[k] - left), float(right - t[k])


def A_equilibrium_timing(datasets: dict, config: dict) -> ClaimResult:
    """Nonlinear q: W_eq peaks near the plateau and is wider before it than after it.

    For a spike before the plateau the overlap decays with the spike's distance as the ET does
    (tau_ET); after the plateau as the IS does (tau_IS).  With tau_ET > tau_IS the half-level
    extent before the peak exceeds the one after it (their ratio tends to tau_ET / tau_IS =
    1.67): criterion ratio > 1, with the peak within one input spacing (0.2 s) of the plateau.
    """

    def ratio(ds):
        _, before, after = _equilibrium_widths(ds)
        return before / after

    def criterion(value, ds):
        peak, _, _ = _equilibrium_widths(ds)
        t = ds["input_time_ms"].values / 1e3
        spacing = float(t[1] - t[0])
        near_plateau = -spacing <= peak <= float(ds["plateau_s"]) + spacing
        return near_plateau and value > 1.0

    return per_seed_claim(
        "A_equilibrium_timing",
        "Model A, nonlinear q: W_eq depends on the spike-plateau interval, peaks near the "
        "plateau and is wider before it than after it",
        "peak within one input spacing of the plateau; half-level extent before / after > 1 "
        "(tends to tau_ET / tau_IS)",
        "half-level extent of W_eq before / after its peak",
        "1",
        _deterministic(datasets, config, "scenario"),
        ratio,
        criterion,
        note=DETERMINISTIC,
    )


def _confinement(ds) -> float:
    """Short variant: largest distance (s) from the plateau interval [0, plateau] of a spike
    whose W_eq is defined."""
    j = _variant(ds, "short")
    t = ds["input_time_ms"].values / 1e3
    defined = np.isfinite(ds["W_eq"].values[j])
    distance = np.maximum(np.maximum(0.0 - t, t - float(ds["plateau_s"])), 0.0)
    return float(np.max(np.where(defined, distance, 0.0))) if defined.any() else float("nan")


def A_short_confined(datasets: dict, config: dict) -> ClaimResult:
    """Short time constants (0.1 s): plasticity is confined to about 0.5 s around the plateau,
    W_eq being undefined for spikes farther away.

    A spike a distance d outside the plateau meets the other signal decayed by e^(-d/tau), so
    the integral of ET*IS is at most et_peak tau e^(-d/tau).  The sigmoids' slopes are below
    1.4 (q+, threshold 0.5, peak 1) and 20 (q-, threshold 0.01, peak 0.055), so the
    denominator of W_eq is at most (1.4 + 20 dep_ratio) et_peak tau e^(-d/tau) < 0.15
    e^(-d/tau), below the 0.001 that defines W_eq once d > tau ln(150) = 5 tau = 0.5 s.
    """

    def bound(ds):
        return CONFINEMENT_TAUS * float(ds["tau_max_s"].values[_variant(ds, "short")])

    return per_seed_claim(
        "A_short_confined",
        "Model A, short time constants: plasticity is confined to spikes within about 0.5 s "
        "of the plateau; W_eq is undefined elsewhere",
        "largest distance from the plateau of a spike with defined W_eq <= "
        f"{CONFINEMENT_TAUS:g} tau (0.5 s)",
        "largest distance from the plateau with defined W_eq",
        "s",
        _deterministic(datasets, config, "scenario"),
        _confinement,
        lambda value, ds: value <= bound(ds),
        note=DETERMINISTIC,
    )


def A_signal_normalisation(datasets: dict, config: dict) -> ClaimResult:
    """By construction a single spike's ET peaks at 0.3 (script) or 1 (notebook) and the IS at
    1: both hold to round-off (1e-12) in both scenarios."""

    def deviation(pair):
        worst = 0.0
        for ds in pair:
            expected = EXPECTED_ET_PEAK[ds.attrs["model_source"]]
            worst = max(worst, float(np.max(np.abs(ds["et_single_peak"].values - expected))))
            worst = max(worst, float(np.max(np.abs(ds["is_max"].values - 1.0))))
        return worst

    pair = (
        datasets[(_scenario(config, "scenario"), None, "test")],
        datasets[(_scenario(config, "A_seed_scenario"), None, "test")],
    )
    return per_seed_claim(
        "A_signal_normalisation",
        "Model A: a single spike's ET peaks at 0.3 (script) or 1 (notebook); the IS peaks at 1",
        "largest deviation from those peaks < 1e-12 (both scenarios, every variant)",
        "largest deviation",
        "1",
        {0: pair},
        deviation,
        below(1e-12),
        note=DETERMINISTIC,
    )


# --- Model B ---------------------------------------------------------------------------------


def _feature(ds, label: str, feature: str) -> float:
    labels = [str(v) for v in ds["ramp_label"].values]
    features = [str(v) for v in ds["feature"].values]
    return float(ds["features"].values[labels.index(label), features.index(feature)])


def _final(ds) -> str:
    return f"state{ds.sizes['state'] - 1}"


def B_induction1_peak(datasets: dict, config: dict) -> ClaimResult:
    """Induction 1 in a silent cell gives a ramp peaking at about 8 mV.

    The rule's parameters were fitted to this target.  The three-lap protocol does not fix the
    peak more finely than the change the last lap still makes (from 7.65 to 7.98 mV, 4 %), so
    the tolerance is +-0.5 mV (6 %).
    """
    return per_seed_claim(
        "B_induction1_peak",
        "Model B: induction 1 (plateaus at 120 cm in a silent cell) gives a ramp of about 8 mV",
        f"peak of the ramp after the last lap within {INDUCTION1_PEAK_MV:g} +- "
        f"{PEAK_TOLERANCE_MV:g} mV",
        "ramp peak after induction 1",
        "mV",
        _deterministic(datasets, config, "B_induction1_scenario"),
        lambda ds: _feature(ds, _final(ds), "peak_mV"),
        near(INDUCTION1_PEAK_MV, PEAK_TOLERANCE_MV),
        note=DETERMINISTIC,
    )


def B_induction1_shift(datasets: dict, config: dict) -> ClaimResult:
    """The ramp after induction 1 peaks about 12.5 cm before the plateau position.

    The least-squares fit of the target itself (its smoothness penalty) moves the target's peak
    by two bins (3.74 cm) from the synthetic ramp's, so the location is not defined more finely:
    tolerance two bins.
    """

    def criterion(value, ds):
        bin_cm = float(ds["position_cm"].values[1] - ds["position_cm"].values[0])
        return abs(value - INDUCTION1_SHIFT_CM) <= SHIFT_TOLERANCE_BINS * bin_cm

    return per_seed_claim(
        "B_induction1_shift",
        "Model B: the induced ramp peaks about 12.5 cm before the plateau position",
        f"peak shift within {INDUCTION1_SHIFT_CM:g} cm +- {SHIFT_TOLERANCE_BINS} bins (3.74 cm)",
        "peak location minus plateau location",
        "cm",
        _deterministic(datasets, config, "B_induction1_scenario"),
        lambda ds: _feature(ds, _final(ds), "peak_shift_cm"),
        criterion,
        note=DETERMINISTIC,
    )


def _extremum(ds, largest: bool) -> tuple[float, float]:
    delta = ds["delta_ramp"].values
    k = int(np.argmax(delta) if largest else np.argmin(delta))
    return float(delta[k]), float(ds["position_cm"].values[k])


def _site_ok(ds, location: float, site: float) -> bool:
    x = ds["position_cm"].values
    L = float(x[0] + x[-1])
    d = abs((location - site + L / 2.0) % L - L / 2.0)
    return d <= SITE_TOLERANCE_FRACTION * L


def _site(ds, start: bool) -> float:
    """Expected field peak: the plateau location plus the shift of induction 1 (the new site),
    or that of the starting ramp (the old site)."""
    if start:
        return _feature(ds, "start", "peak_loc_cm")
    return float(ds["induction_loc_cm"]) + INDUCTION1_SHIFT_CM


def B_translocation_potentiation(datasets: dict, config: dict) -> ClaimResult:
    """Induction 2 (plateaus at 45 cm) potentiates near the new site by about 7.65 mV.

    The amplitude tolerance is that of induction 1 (+-0.5 mV); the location must lie within
    L/8 (23 cm) of the new field's expected peak (45 - 12.5 cm): the two fields are 75 cm apart,
    so L/8 assigns the extremum to one site unambiguously.
    """
    return per_seed_claim(
        "B_translocation_potentiation",
        "Model B: a second plateau elsewhere potentiates near the new site (+7.65 mV)",
        f"largest change of ramp within {NEW_SITE_DELTA_MV:g} +- {PEAK_TOLERANCE_MV:g} mV, "
        "within L/8 of the new field",
        "largest change of ramp",
        "mV",
        _deterministic(datasets, config, "B_induction2_scenario"),
        lambda ds: _extremum(ds, True)[0],
        lambda value, ds: (
            near(NEW_SITE_DELTA_MV, PEAK_TOLERANCE_MV)(value)
            and _site_ok(ds, _extremum(ds, True)[1], _site(ds, False))
        ),
        note=DETERMINISTIC,
    )


def B_translocation_depression(datasets: dict, config: dict) -> ClaimResult:
    """Induction 2 depresses the old field by about 5 mV (tolerances as for the new site; the
    old site is the starting ramp's peak).  Without depression no ramp can fall: the rule
    only raises weights, and rates are positive."""
    return per_seed_claim(
        "B_translocation_depression",
        "Model B: a second plateau elsewhere depresses the old field (-5.0 mV)",
        f"most negative change of ramp within {OLD_SITE_DELTA_MV:g} +- {PEAK_TOLERANCE_MV:g} "
        "mV, within L/8 of the old field",
        "most negative change of ramp",
        "mV",
        _deterministic(datasets, config, "B_induction2_scenario"),
        lambda ds: _extremum(ds, False)[0],
        lambda value, ds: (
            near(OLD_SITE_DELTA_MV, PEAK_TOLERANCE_MV)(value)
            and _site_ok(ds, _extremum(ds, False)[1], _site(ds, True))
        ),
        note=DETERMINISTIC,
    )


def _weight_groups(ds):
    change = ds["delta_W_change"].values
    initial = 1.0 + ds["initial_delta_W"].values
    up, down = change > MIN_CHANGED_INPUT, change < -MIN_CHANGED_INPUT
    return initial, up, down


def B_bidirectional_weights(datasets: dict, config: dict) -> ClaimResult:
    """Induction 2: inputs that depress started stronger than inputs that potentiate.

    Counted are inputs whose weight changes by more than 1 % of the unit initial weight; each
    direction must hold at least 10 % of them (as in Model A), and the mean initial weight of
    the depressed inputs must exceed that of the potentiated ones.
    """

    def difference(ds):
        initial, up, down = _weight_groups(ds)
        if not up.any() or not down.any():
            return float("nan")
        return float(initial[down].mean() - initial[up].mean())

    def criterion(value, ds):
        _, up, down = _weight_groups(ds)
        n = max(int(up.sum() + down.sum()), 1)
        shares = min(up.sum(), down.sum()) / n
        return bool(np.isfinite(value) and value > 0.0 and shares >= MIN_SIGN_FRACTION)

    return per_seed_claim(
        "B_bidirectional_weights",
        "Model B: in the second induction weak inputs potentiate and strong inputs depress",
        "mean initial W of depressed inputs minus that of potentiated inputs > 0, each "
        f"direction >= {MIN_SIGN_FRACTION:.0%} of the changed inputs",
        "initial W, depressed minus potentiated",
        "1",
        _deterministic(datasets, config, "B_induction2_scenario"),
        difference,
        criterion,
        note=DETERMINISTIC,
    )


# --- Model C ---------------------------------------------------------------------------------


def _phase_laps(ds, code: int) -> np.ndarray:
    return np.nonzero(ds["lap_phase"].values == code)[0]


def _seeds(datasets: dict, config: dict) -> dict:
    return per_seed(datasets, _scenario(config, "C_scenario"))


def C_place_fraction_grows(datasets: dict, config: dict) -> ClaimResult:
    """The place-cell fraction grows over the novel explore laps.

    The fraction after the last explore lap minus the fraction after the first must exceed
    three standard deviations of a difference of two fractions of N cells (binomial, at most
    0.5 / sqrt(N) each): 3 sqrt(2) 0.5 / sqrt(N) (0.095 for N = 500).
    """

    def growth(ds):
        explore = _phase_laps(ds, 1)
        fraction = ds["place_cell_fraction"].values
        return float(fraction[explore[-1] + 1] - fraction[1])

    def bound(ds):
        return SIGMAS * np.sqrt(2.0) * 0.5 / np.sqrt(float(ds["n_cells"]))

    return per_seed_claim(
        "C_place_fraction_grows",
        "Model C: the fraction of place cells grows over the novel explore laps",
        "place-cell fraction after the explore laps minus after the first lap > "
        "3 sqrt(2) 0.5 / sqrt(N)",
        "growth of the place-cell fraction",
        "1",
        _seeds(datasets, config),
        growth,
        lambda value, ds: value > bound(ds),
    )


def C_reward_overrepresentation(datasets: dict, config: dict) -> ClaimResult:
    """After the reward laps the reward zone is over-represented.

    Inside the reward window the plateau probability falls to zero only at density 1 instead
    of 0.5, so regulation drives the window's density towards twice the basal target; the
    80-100 cm zone covers half the window's track (90-102.5 cm), so full regulation gives a
    zone-to-elsewhere density ratio of about 1 + 0.5 (2 - 1) = 1.5.  The criterion, 1.25, is
    halfway between no over-representation (1) and that.
    """

    def ratio(ds):
        reward = _phase_laps(ds, 2)
        return float(ds["reward_zone_ratio"].values[reward[-1] + 1])

    return per_seed_claim(
        "C_reward_overrepresentation",
        "Model C: population-regulated plateaus over-represent the reward location",
        f"mean density in the reward zone / elsewhere after the reward laps >= {MIN_REWARD_RATIO}",
        "reward-zone density ratio after the reward laps",
        "1",
        _seeds(datasets, config),
        ratio,
        at_least(MIN_REWARD_RATIO),
    )


def C_familiar_few_plateaus(datasets: dict, config: dict) -> ClaimResult:
    """Familiar laps have few plateaus.

    Once the density reaches its target (0.5) the basal probability is zero, so only the
    positions still below target draw plateaus: the mean count per familiar lap must be at most
    a tenth of the first novel lap's (where every cell has the full basal probability).
    """

    def fraction(ds):
        counts = ds["plateaus_per_lap"].values.astype(float)
        familiar = _phase_laps(ds, 3)
        return float(counts[familiar].mean() / max(counts[0], 1.0))

    return per_seed_claim(
        "C_familiar_few_plateaus",
        "Model C: familiar laps have few plateaus",
        f"mean plateaus per familiar lap / plateaus in lap 1 <= {FAMILIAR_FRACTION}",
        "plateau rate of the familiar laps relative to lap 1",
        "1",
        _seeds(datasets, config),
        fraction,
        lambda value, ds: value <= FAMILIAR_FRACTION,
    )


def C_familiar_stable(datasets: dict, config: dict) -> ClaimResult:
    """Familiar laps leave the representation almost frozen: the mean weight change per
    familiar lap is at most a tenth of the first lap's (same reasoning as the plateaus: few
    plateaus, few changes)."""

    def fraction(ds):
        change = ds["weight_change_per_lap"].values
        familiar = _phase_laps(ds, 3)
        return float(change[familiar].mean() / change[0]) if change[0] > 0 else float("nan")

    return per_seed_claim(
        "C_familiar_stable",
        "Model C: the representation is almost frozen during the familiar laps",
        f"mean weight change per familiar lap / weight change in lap 1 <= {FAMILIAR_FRACTION}",
        "weight change of the familiar laps relative to lap 1",
        "1",
        _seeds(datasets, config),
        fraction,
        lambda value, ds: value <= FAMILIAR_FRACTION,
    )


CLAIMS = (
    A_bidirectional,
    A_seed_bidirectional,
    A_linear_equilibrium,
    A_equilibrium_timing,
    A_short_confined,
    A_signal_normalisation,
    B_induction1_peak,
    B_induction1_shift,
    B_translocation_potentiation,
    B_translocation_depression,
    B_bidirectional_weights,
    C_place_fraction_grows,
    C_reward_overrepresentation,
    C_familiar_few_plateaus,
    C_familiar_stable,
)
"""Every claim, in scorecard order."""


def evaluate(datasets: dict, config: dict) -> list[ClaimResult]:
    """Measure every claim on the stage Datasets keyed by ``(scenario, seed, stage)``."""
    return [claim(datasets, config) for claim in CLAIMS]

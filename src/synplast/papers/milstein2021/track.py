"""The circular track shared by Models B and C, the ramp scaling factor calibration and the
least-squares (LSA) weight fits.

Space and time, exactly as the reference builds them (``model.track``):

- ``binned_x``: ``n_bins`` bin centres ``(k + 1/2) L / n_bins``;
- ``generic_x = arange(0, L, position_step_cm)`` and ``generic_t`` with the step
  ``position_step_cm / run_speed * 1000`` ms; ``interp_t = arange(0, generic_t[-1], 1 ms)``
  (7480 samples for the defaults: one lap) and ``interp_x = interp(interp_t, generic_t,
  generic_x)``;
- input ``i``'s rate map ``r_i(x) = peak_rate exp(-((x - p_i) / sigma)^2)``, with
  ``p_i = arange(L / (2 n), L, L / n)`` and ``sigma = field_width / (3 sqrt 2)``, evaluated on
  ``binned_x`` extended by +-L and wrapped by summing the three copies;
- the ramp of a cell: ``rsf * sum_i dW_i r_i(x)`` (mV relative to baseline) on ``binned_x``.

The plasticity signals live on a coarse grid (``down_dt_ms``, 10 ms): rates and plateau gates
are linearly interpolated onto ``arange(t0, t_end + down_dt / 2, down_dt)``.  Because every lap
lasts a whole number of coarse steps and the grids share their origin, every coarse sample is a
1-ms sample, so the interpolation is a pick (:func:`coarse_rates` does it by index, without
building the 1-ms rates of a long run).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Track",
    "coarse_rates",
    "exp_decay_filter",
    "lsa_fit",
    "ramp_features",
    "residual_score",
    "synthetic_ramp",
    "tikhonov_inverse",
]

BAD_SCORE = 1e9
"""Score of weights outside their bounds (the reference's)."""


class Track:
    """Grids and rate maps of ``model.track``."""

    def __init__(self, track: dict):
        self.L = float(track["track_length_cm"])
        self.n_bins = int(track["n_bins"])
        self.n_inputs = int(track["n_inputs"])
        self.peak_rate = float(track["peak_rate_Hz"])
        self.speed = float(track["run_speed_cm_per_s"])
        self.binned_x = (np.arange(self.n_bins) + 0.5) * self.L / self.n_bins
        step = float(track["position_step_cm"])
        n = int(round(self.L / step))
        self.generic_x = np.arange(0.0, self.L, step)[:n]
        self.position_dt_ms = step / self.speed * 1000.0
        self.generic_t = np.arange(0.0, n * self.position_dt_ms, self.position_dt_ms)[:n]
        self.interp_t = np.arange(0.0, self.generic_t[-1], 1.0)
        self.interp_x = np.interp(self.interp_t, self.generic_t, self.generic_x)
        self.lap_ms = self.interp_t.shape[0]
        self.down_dt_ms = float(track["down_dt_ms"])
        self.peak_locs = np.arange(self.L / (2 * self.n_inputs), self.L, self.L / self.n_inputs)[
            : self.n_inputs
        ]
        self.sigma = float(track["field_width_cm"]) / 3.0 / np.sqrt(2.0)
        self.rate_maps = self._rate_maps()

    @property
    def extended_x(self) -> np.ndarray:
        return np.concatenate([self.binned_x - self.L, self.binned_x, self.binned_x + self.L])

    def wrap(self, values: np.ndarray) -> np.ndarray:
        """Sum the three copies of a function on the extended positions."""
        return values.reshape(values.shape[:-1] + (3, self.n_bins)).sum(axis=-2)

    def _rate_maps(self) -> np.ndarray:
        x = self.extended_x
        maps = self.peak_rate * np.exp(
            -(((x[None, :] - self.peak_locs[:, None]) / self.sigma) ** 2)
        )
        return self.wrap(maps)

    def lap_rates(self) -> np.ndarray:
        """Each input's rate along one lap on the 1-ms grid (flat beyond the end bins)."""
        return np.array([np.interp(self.interp_x, self.binned_x, r) for r in self.rate_maps])

    def first_sample_at(self, position_cm: float) -> int:
        """Index of the first 1-ms sample of a lap at or beyond ``position_cm``."""
        return int(np.where(self.interp_x >= position_cm)[0][0])

    def ramp(self, delta_W: np.ndarray, rsf: float) -> np.ndarray:
        """``rsf * dW @ rate_maps`` (mV), for one cell or a stack of cells."""
        return rsf * (delta_W @ self.rate_maps)

    def periodic(self, values: np.ndarray) -> np.ndarray:
        """A function of ``binned_x`` interpolated periodically onto ``interp_x``."""
        return np.interp(self.interp_x, self.binned_x, values, period=self.L)

    def wrapped_distance(self, delta: np.ndarray | float) -> np.ndarray | float:
        """A position difference wrapped to (-L/2, L/2]."""
        d = np.mod(np.asarray(delta, dtype=float) + self.L / 2.0, self.L) - self.L / 2.0
        d = np.where(d == -self.L / 2.0, self.L / 2.0, d)
        return d if d.ndim else float(d)


def coarse_rates(lap_rates: np.ndarray, n_laps: int, down_dt_ms: float) -> np.ndarray:
    """Rates of ``n_laps`` identical laps, concatenated, on the coarse grid
    ``arange(0, n_laps * lap + down_dt / 2, down_dt)`` relative to the first sample: the 1-ms
    sample at each coarse time, and the last 1-ms sample beyond the end (``numpy.interp``'s
    flat extrapolation)."""
    lap = lap_rates.shape[1]
    last = n_laps * lap - 1
    t = np.arange(0.0, last + down_dt_ms / 2.0, down_dt_ms).astype(np.int64)
    return lap_rates[:, np.minimum(t, last) % lap]


def exp_decay_filter(tau_ms: float, span_ms: float, dt_ms: float, truncation: float) -> np.ndarray:
    """``exp(-s / tau)`` on ``s = arange(0, span, dt)``, cut at the first sample below
    ``truncation`` times its maximum, normalised to unit sum."""
    s = np.arange(0.0, span_ms, dt_ms)
    f = np.exp(-s / tau_ms)
    small = np.where(f < truncation * np.max(f))[0]
    if small.size:
        f = f[: small[0]]
    return f / np.sum(f)


def convolve_rows(values: np.ndarray, f: np.ndarray) -> np.ndarray:
    """``numpy.convolve(row, f)[:n]`` for every row, by FFT (equal to round-off)."""
    from scipy.signal import fftconvolve

    n = values.shape[-1]
    return fftconvolve(values, f[None, :], axes=-1)[..., :n]


def synthetic_ramp(
    track: Track, loc: float, peak: float, asymmetry: float, shift: float, width: float
) -> np.ndarray:
    """The reference's asymmetric synthetic ramp on ``binned_x``: peak at ``loc + shift``, left
    width ``asym / (1 + asym) width + shift``, right width ``width / (1 + asym) - shift``, each
    side a Gaussian of SD ``2 w / (3 sqrt 2)`` (left up to its argmax on the extended positions,
    right after it), wrapped, shifted to a minimum of 0 and scaled to ``peak``."""
    x = track.extended_x
    peak_loc = loc + shift
    left_width = asymmetry / (1.0 + asymmetry) * width + shift
    right_width = width / (1.0 + asymmetry) - shift
    left_sigma = 2.0 * left_width / 3.0 / np.sqrt(2.0)
    right_sigma = 2.0 * right_width / 3.0 / np.sqrt(2.0)
    left = np.exp(-(((x - peak_loc) / left_sigma) ** 2))
    right = np.exp(-(((x - peak_loc) / right_sigma) ** 2))
    split = int(np.argmax(left))
    ramp = track.wrap(np.concatenate([left[: split + 1], right[split + 1 :]]))
    ramp -= np.min(ramp)
    ramp /= np.max(ramp)
    return ramp * peak


def tikhonov_inverse(matrix: np.ndarray, beta: float) -> np.ndarray:
    """Tikhonov-regularised pseudo-inverse by SVD: ``V diag(s / (s^2 + beta^2)) U^T``."""
    U, s, Vt = np.linalg.svd(matrix, full_matrices=False)
    return Vt.T @ np.diag(s / (s**2 + beta**2)) @ U.T


def residual_score(delta_W, target, rate_maps, rsf, bounds) -> float:
    """The reference's LSA residual: squared errors over positions (scale 0.1 mV), at the
    target's minimum and peak locations and of the minimum (scale 0.01 mV), and of the
    differences of neighbouring weights on the ring (scale 0.015); ``BAD_SCORE`` outside the
    bounds."""
    if np.any(delta_W < bounds[0]) or np.any(delta_W > bounds[1]):
        return BAD_SCORE
    model = rsf * (delta_W @ rate_maps)
    k_min, k_peak = int(np.argmin(target)), int(np.argmax(target))
    score = np.sum(((target - model) / 0.1) ** 2)
    score += ((model[k_min] - target[k_min]) / 0.01) ** 2
    score += ((np.min(model) - target[k_min]) / 0.01) ** 2
    score += ((model[k_peak] - target[k_peak]) / 0.01) ** 2
    score += np.sum(((delta_W - np.roll(delta_W, 1)) / 0.015) ** 2)
    return float(score)


def lsa_fit(
    target: np.ndarray,
    rate_maps: np.ndarray,
    rsf: float,
    bounds: tuple[float, float],
    beta: float,
    max_iterations: int,
) -> tuple[np.ndarray, dict]:
    """Weights whose ramp fits ``target``: the Tikhonov inverse scaled to the target's peak and
    clipped to ``bounds``, then L-BFGS-B (numerical gradient) on :func:`residual_score`."""
    initial = tikhonov_inverse(rsf * rate_maps.T, beta) @ target
    initial *= np.max(target) / np.max(rsf * (initial @ rate_maps))
    initial = np.clip(initial, bounds[0], bounds[1])
    return _minimise(initial, target, rate_maps, rsf, bounds, max_iterations)


def _minimise(initial, target, rate_maps, rsf, bounds, max_iterations):
    from scipy.optimize import minimize

    result = minimize(
        residual_score,
        initial,
        args=(target, rate_maps, rsf, bounds),
        method="L-BFGS-B",
        bounds=[tuple(bounds)] * initial.shape[0],
        options={"maxiter": int(max_iterations)},
    )
    info = {"score": float(result.fun), "iterations": int(result.nit), "evaluations": result.nfev}
    return np.asarray(result.x, dtype=float), info


def calibrate_rsf(track: Track, calibration: dict) -> tuple[float, np.ndarray, np.ndarray, dict]:
    """The ramp scaling factor: weights for a Gaussian ramp of ``ramp_amp_mV`` and width
    ``ramp_width_cm`` (SD ``width / (3 sqrt 2)``) at L/2, from the Tikhonov inverse of the rate
    maps scaled by ``initial_rsf``; scaled to a peak weight change of ``peak_delta_weight`` with
    rsf set so that the ramp peaks at ``ramp_amp_mV``; clipped to the bounds; fitted by L-BFGS-B
    on the residual score; scaled again.  Returns rsf, the weights, the target and fit info."""
    sigma = calibration["ramp_width_cm"] / 3.0 / np.sqrt(2.0)
    x = track.extended_x
    target = track.wrap(np.exp(-(((x - track.L / 2.0) / sigma) ** 2)))
    target = target / np.max(target) * calibration["ramp_amp_mV"]
    maps = track.rate_maps
    bounds = tuple(calibration["delta_weight_bounds"])
    weights = (
        tikhonov_inverse(calibration["initial_rsf"] * maps.T, calibration["svd_beta"]) @ target
    )
    peak_dw, amp = calibration["peak_delta_weight"], calibration["ramp_amp_mV"]
    weights *= peak_dw / np.max(weights)
    rsf = amp / np.max(weights @ maps)
    weights = np.clip(weights, bounds[0], bounds[1])
    weights, info = _minimise(weights, target, maps, rsf, bounds, calibration["max_iterations"])
    weights *= peak_dw / np.max(weights)
    rsf = amp / np.max(weights @ maps)
    info["rsf"] = float(rsf)
    return float(rsf), weights, target, info


def ramp_features(track: Track, ramp: np.ndarray, induction_loc: float, analysis: dict) -> dict:
    """Peak, shift, width, asymmetry and minimum of a ramp on ``binned_x``.

    The ramp is interpolated periodically onto ``interp_x``; the baseline is the mean of the
    values at or below the ``baseline_percentile``; the field starts at the last point before
    the peak, and ends at the first point after it, at or below ``baseline + edge_fraction
    (peak - baseline)`` (searching around the ring); ``peak_shift`` is the peak location minus
    the induction location wrapped to (-L/2, L/2]; ``width = trapz(ramp / peak, binned_x)``;
    ``asymmetry = (induction_loc - start) / (end - induction_loc)`` with wrapped distances.
    """
    x = track.interp_x
    values = track.periodic(ramp)
    baseline = float(
        np.mean(values[values <= np.percentile(values, analysis["baseline_percentile"])])
    )
    k_peak = int(np.argmax(values))
    peak = float(values[k_peak])
    level = baseline + analysis["edge_fraction"] * (peak - baseline)
    n = values.shape[0]
    start = end = np.nan
    for step in range(1, n):
        if values[(k_peak - step) % n] <= level:
            start = float(x[(k_peak - step) % n])
            break
    for step in range(1, n):
        if values[(k_peak + step) % n] <= level:
            end = float(x[(k_peak + step) % n])
            break
    before = track.wrapped_distance(induction_loc - start)
    after = track.wrapped_distance(end - induction_loc)
    k_min = int(np.argmin(values))
    return {
        "peak_mV": peak,
        "peak_loc_cm": float(x[k_peak]),
        "peak_shift_cm": track.wrapped_distance(x[k_peak] - induction_loc),
        "baseline_mV": baseline,
        "start_cm": start,
        "end_cm": end,
        "width_cm": float(np.trapezoid(ramp / peak, track.binned_x)) if peak != 0 else np.nan,
        "asymmetry": float(before / after) if after != 0.0 else np.nan,
        "min_mV": float(values[k_min]),
        "min_loc_cm": float(x[k_min]),
    }


FEATURES = (
    "peak_mV",
    "peak_loc_cm",
    "peak_shift_cm",
    "baseline_mV",
    "start_cm",
    "end_cm",
    "width_cm",
    "asymmetry",
    "min_mV",
    "min_loc_cm",
)
"""Names of :func:`ramp_features`, in stage-file order."""
FEATURE_UNITS = {"asymmetry": "1"} | {
    name: ("mV" if name.endswith("_mV") else "cm") for name in FEATURES if name != "asymmetry"
}

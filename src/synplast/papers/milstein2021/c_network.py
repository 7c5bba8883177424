"""Model C ``network`` stage (seeded): the lap iterations of one trial, with the plateaus drawn
from the reference's per-cell streams (``model_c`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.kernels.guard import raise_if_diverged
from synplast.rng import stream
from synplast.stagefile import var_attrs

from .fitted_rule import rule_constants
from .model_c import (
    SEED_BASE,
    SEED_LAP,
    SEED_TRIAL,
    n_phase_laps,
    probability_constants,
    rate_of_ramp,
)
from .sigmoid import scaled_sigmoid
from .track import Track

VARIABLES = ("W", "ramp", "density", "plateau_cell", "plateau_lap", "plateaus_per_lap")


class PeriodicInterpolator:
    """:func:`numpy.interp` with ``period`` of many ramps at once, at the lap positions
    ``interp_x[lo:hi]`` (bracket indices precomputed, numpy's expression)."""

    def __init__(self, track: Track, lo: int, hi: int):
        xp = np.mod(track.binned_x, track.L)
        order = np.argsort(xp)
        xp = xp[order]
        xp = np.concatenate([xp[-1:] - track.L, xp, xp[:1] + track.L])
        index = np.concatenate([order[-1:], order, order[:1]])
        x = np.mod(track.interp_x[lo:hi], track.L)
        j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, xp.size - 2)
        self.x, self.x0, self.x1 = x, xp[j], xp[j + 1]
        self.index0, self.index1 = index[j], index[j + 1]

    def __call__(self, values: np.ndarray) -> np.ndarray:
        from . import network_kernel as K

        out = np.empty((values.shape[0], self.x.shape[0]))
        K.periodic_interp(values, self.index0, self.index1, self.x, self.x0, self.x1, out)
        return out


def run_network(inputs: xr.Dataset, calibration: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """The lap iterations of one trial (``seed``); a non-finite weight raises
    :class:`synplast.kernels.guard.SimulationDiverged` naming the lap and the cell."""
    from . import network_kernel as K  # Numba: imported only by the jobs that run it
    from .rule import VARIABLES as rule_variables

    track = Track(params["model"]["track"])
    model, protocol = params["model"]["C"], params["protocol"]["C"]
    rsf = float(calibration["rsf"])
    maps = inputs["rate_maps"].values
    ET = inputs["ET"].values
    f_IS, IS_peak = inputs["f_IS"].values, float(inputs["IS_peak"])
    phases = inputs["lap_phase"].values
    n_cells, n_inputs, lap = model["n_cells"], maps.shape[0], track.lap_ms
    n_laps = n_phase_laps(protocol)
    n_sample = (2 if model["legacy_overlapping_windows"] else 1) * lap
    jump = int(model["plateau_ms"] + model["pause_ms"])
    per_lap_down = int(round(lap / track.down_dt_ms))
    peak_weight = 1.0 + model["peak_delta_weight"]
    pot, dep = rule_constants(model)
    basal_c, reward_c = probability_constants(model)
    norm = n_cells * float(inputs["reference_mean_rate"])
    reward_lo = int(inputs["reward_window_start"])
    reward_hi = min(reward_lo + int(protocol["reward_ms"]), lap)
    reward_on = model["reward_modulation"]
    interp = PeriodicInterpolator(track, reward_lo, reward_hi)
    no_ramp = np.zeros((n_cells, reward_hi - reward_lo))

    w = np.full((n_cells, n_inputs), 1.0 / peak_weight)
    W_hist = np.zeros((n_laps + 1, n_cells, n_inputs), dtype=np.float32)
    ramp_hist = np.zeros((n_laps + 1, n_cells, track.n_bins), dtype=np.float32)
    dens_hist = np.zeros((n_laps + 1, track.n_bins))
    max_onsets = n_sample // jump + 1
    dead_lo = np.zeros((n_cells, max_onsets), dtype=np.int64)
    dead_hi = np.zeros((n_cells, max_onsets), dtype=np.int64)
    n_dead = np.zeros(n_cells, dtype=np.int64)
    exact = model["rng"] == "python_exact"
    no_uniforms = np.zeros((0, 0))
    cells_out, laps_out, times_out = [], [], []

    def record(index):
        delta_W = w * peak_weight - 1.0
        ramps = rsf * (delta_W @ maps)
        W_hist[index] = w * peak_weight
        ramp_hist[index] = ramps
        dens_hist[index] = rate_of_ramp(ramps, model).sum(axis=0) / norm
        return ramps

    for lap_index in range(1, n_laps + 1):
        ramps = record(lap_index - 1)
        summed = rate_of_ramp(ramps, model).sum(axis=0)
        density = np.interp(track.interp_x, track.binned_x, summed, period=track.L) / norm
        basal = np.clip(scaled_sigmoid(density, basal_c), 0.0, 1.0)
        reward_base = np.clip(scaled_sigmoid(density, reward_c), 0.0, 1.0)
        window_laps = [lap_index + j for j in range(n_sample // lap)]
        reward_lap = np.array([reward_on and phases[j] == 2 for j in window_laps])
        ramp_reward = interp(ramps) if reward_lap.any() else no_ramp
        if exact:
            uniforms = no_uniforms
        else:
            uniforms = stream(seed, "plateaus", f"lap{lap_index}").random((n_cells, n_sample))
        seed_base = int(SEED_BASE + SEED_TRIAL * seed + SEED_LAP * lap_index)
        onsets = np.zeros((n_cells, max_onsets), dtype=np.int64)
        n_onsets = np.zeros(n_cells, dtype=np.int64)
        K.sample_plateaus(
            basal, reward_base, ramp_reward, reward_lap, reward_lo, reward_hi,
            model["reward"]["ramp_gain"], model["reward"]["ramp_scale_mV"],
            dead_lo, dead_hi, n_dead, n_sample, jump, seed_base, exact, uniforms, onsets,
            n_onsets,
        )  # fmt: skip
        cells = np.nonzero(n_onsets)[0].astype(np.int64)
        lo = lap_index * per_lap_down
        hi = lo + 2 * per_lap_down
        bad_input = np.full(cells.size, -1, dtype=np.int64)
        bad_value = np.zeros(cells.size)
        K.update_cells(
            ET, lo, hi, cells, onsets, n_onsets, track.down_dt_ms, model["plateau_ms"], f_IS,
            IS_peak, pot, dep, model["k_pot_per_s"], model["k_dep_per_s"], w, bad_input,
            bad_value,
        )  # fmt: skip
        diverged = np.flatnonzero(bad_input >= 0)
        if diverged.size:
            m = diverged[0]  # the first diverging cell, in cell order
            raise_if_diverged(
                (lap_index, 0, bad_value[m]),
                rule_variables,
                f"lap {lap_index}, cell {cells[m]}, input {bad_input[m]}",
            )
        window_start = (lap_index - 1) * lap
        n_dead[:] = n_onsets
        for c in cells:
            for m in range(n_onsets[c]):
                cells_out.append(c)
                laps_out.append(lap_index)
                times_out.append(window_start + onsets[c, m])
                dead_lo[c, m] = onsets[c, m] - lap
                dead_hi[c, m] = onsets[c, m] - lap + jump
    record(n_laps)
    plateau_lap = np.asarray(laps_out, dtype=np.int32)
    return xr.Dataset(
        {
            "W": (
                ("snapshot", "cell", "input"),
                W_hist,
                var_attrs("1", "weights at the start of each lap (last: after the run)"),
            ),
            "ramp": (("snapshot", "cell", "position_cm"), ramp_hist, var_attrs("mV", "ramp")),
            "density": (
                ("snapshot", "position_cm"),
                dens_hist,
                var_attrs("1", "population density (summed activity over its normaliser)"),
            ),
            "plateau_cell": (
                "plateau",
                np.asarray(cells_out, dtype=np.int32),
                var_attrs("1", "cell of the plateau", instance_dimension="cell"),
            ),
            "plateau_lap": (
                "plateau",
                plateau_lap,
                var_attrs("1", "lap iteration that drew the plateau"),
            ),
            "plateau_time_ms": (
                "plateau",
                np.asarray(times_out, dtype=float),
                var_attrs("ms", "plateau onset (lap 1 starts at 0)"),
            ),
            "plateaus_per_lap": (
                "lap",
                np.bincount(plateau_lap, minlength=n_laps + 1)[1:].astype(np.int32),
                var_attrs("1", "plateaus drawn in each lap iteration"),
            ),
            "lap_phase": ("lap", phases[1 : n_laps + 1], inputs["lap_phase"].attrs),
            "rsf": calibration["rsf"],
        },
        coords={
            "snapshot": (
                "snapshot",
                np.arange(n_laps + 1, dtype=np.int32),
                var_attrs("1", "k: before lap k + 1 (k laps done)"),
            ),
            "cell": ("cell", np.arange(n_cells, dtype=np.int32), var_attrs("1", "cell")),
            "input": inputs["input"],
            "position_cm": inputs["position_cm"],
            "lap": ("lap", np.arange(1, n_laps + 1, dtype=np.int32), var_attrs("1", "lap")),
        },
    )

"""Input generation of urbanczik2014 (pipeline stage ``inputs``).

- The frozen pattern, drawn as the reference example records it: ``n_inputs`` Poisson
  generators at ``input_rate_Hz`` relayed by parrot neurons with a delay of
  ``pattern_latency_ms`` (1 ms), recorded for one pattern duration.  A generator emits a Poisson
  count per step (mean ``rate dt``) with stamps in ``(0, T]``; the relay adds the latency and
  only stamps up to ``T`` are recorded, so the pattern's spikes lie in ``(latency, T]``.  A
  count above one is recorded as that many spikes at the same step (stream ``pattern``).
- The teacher: two spike trains with one spike every step at times
  ``arange(dt, simulation, dt)`` (evaluated in floating point as the example does, which decides
  the window's edges), with weights ``g_E(t) = A sin(2 pi c t / T) + B`` (excitatory) and
  ``g_I`` (inhibitory) for ``t_start <= t < t_end`` and 0 elsewhere, times the connection
  weight; each spike lands ``teacher_delay_ms`` later as a jump of the somatic conductance at
  the end of a step.  ``teacher_on: false`` delivers none of it (negative control), but the
  target is computed all the same.
- The matching potential ``U_M = (g_ex E_ex + g_in E_in) / (g_ex + g_in)`` of the conductances
  the teacher produces (NaN where both are 0: before the teacher starts).
- The initial weights (uniform, ``init_weight_pA``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.rng import stream
from synplast.stagefile import var_attrs

from . import kernel
from .params import UrbanczikParams, params_from_config

VARIABLES = (
    "pattern_spike_step",
    "pattern_spike_input",
    "teacher_ex_jump_nS",
    "teacher_in_jump_nS",
    "U_M_mV",
    "w0_pA",
)


def draw_pattern(p: UrbanczikParams, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The frozen pattern: ``(steps, inputs)`` of its spikes, sorted by step then input; a step
    is a time index within the pattern (time ``step dt``), in ``(latency, T]``."""
    n_source_steps = p.pattern_steps - p.latency_steps  # stamps that arrive by T
    counts = stream(seed, "pattern").poisson(
        p.input_rate_Hz * p.dt_ms * 1e-3, size=(n_source_steps, p.n_inputs)
    )
    source_step, inputs = np.nonzero(counts)  # row-major: by step, then input
    repeat = counts[source_step, inputs]
    steps = np.repeat(source_step + 1 + p.latency_steps, repeat).astype(np.int32)
    return steps, np.repeat(inputs, repeat).astype(np.int32)


def teacher_commands(p: UrbanczikParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spike times (ms) of the teacher's trains and their excitatory and inhibitory weights
    (nS), evaluated as the reference example evaluates them."""
    times = np.arange(p.dt_ms, p.simulation_ms, p.dt_ms)
    omega = 2.0 * np.pi * (p.teacher_cycles_per_pattern / p.pattern_duration_ms)
    window = (times >= p.t_start_ms) & (times < p.t_end_ms)
    g_ex = np.piecewise(
        times,
        [window],
        [lambda t: p.teacher_ex_amplitude_nS * np.sin(omega * t) + p.teacher_ex_offset_nS, 0.0],
    )
    g_in = np.piecewise(times, [window], [p.teacher_in_nS, 0.0])
    return times, g_ex, g_in


def teacher_jumps(p: UrbanczikParams) -> tuple[np.ndarray, np.ndarray]:
    """The somatic conductance jumps at the end of every step (nS): a spike of stamp ``t``
    lands at the end of the step ending at ``t + teacher_delay``."""
    times, g_ex, g_in = teacher_commands(p)
    index = np.rint(times / p.dt_ms).astype(np.int64) + p.teacher_delay_steps - 1
    keep = index < p.n_steps
    jumps_ex, jumps_in = np.zeros(p.n_steps), np.zeros(p.n_steps)
    np.add.at(jumps_ex, index[keep], g_ex[keep] * p.teacher_connection_weight)
    np.add.at(jumps_in, index[keep], g_in[keep] * p.teacher_connection_weight)
    return jumps_ex, jumps_in


def matching_potential(g_ex: np.ndarray, g_in: np.ndarray, p: UrbanczikParams) -> np.ndarray:
    """``(g_ex E_ex + g_in E_in) / (g_ex + g_in)``; NaN where both conductances are 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (g_ex * p.E_ex_soma_mV + g_in * p.E_in_soma_mV) / (g_ex + g_in)


def make_inputs(params: dict, seed: int) -> xr.Dataset:
    """The ``inputs`` stage: the frozen pattern, the teacher and the target potential."""
    p = params_from_config(params)
    steps, inputs = draw_pattern(p, seed)
    jumps_ex, jumps_in = teacher_jumps(p)
    g_ex = kernel.conductance_trace(jumps_ex, np.exp(-p.dt_ms / p.tau_syn_ex_soma_ms))
    g_in = kernel.conductance_trace(jumps_in, np.exp(-p.dt_ms / p.tau_syn_in_soma_ms))
    U_M = matching_potential(g_ex, g_in, p)
    if not p.teacher_on:
        jumps_ex, jumps_in = np.zeros_like(jumps_ex), np.zeros_like(jumps_in)
    time_ms = (np.arange(p.n_steps) + 1) * p.dt_ms
    return xr.Dataset(
        {
            "pattern_spike_step": (
                "pattern_spike",
                steps,
                var_attrs(
                    "1", "time index of the pattern spike within the pattern (time = step dt)"
                ),
            ),
            "pattern_spike_input": (
                "pattern_spike",
                inputs,
                var_attrs("1", "input of the pattern spike", instance_dimension="input"),
            ),
            "teacher_ex_jump_nS": (
                "time_ms",
                jumps_ex,
                var_attrs(
                    "nS",
                    "teacher's jump of the somatic excitatory conductance at the end of the step",
                ),
            ),
            "teacher_in_jump_nS": (
                "time_ms",
                jumps_in,
                var_attrs(
                    "nS",
                    "teacher's jump of the somatic inhibitory conductance at the end of the step",
                ),
            ),
            "U_M_mV": (
                "time_ms",
                U_M.astype(np.float32),
                var_attrs(
                    "mV",
                    "matching potential of the teacher's conductances (the target, also when "
                    "the teacher is off)",
                    may_be_nan=True,
                ),
            ),
            "w0_pA": (
                "input",
                np.full(p.n_inputs, p.init_weight_pA),
                var_attrs("pA", "initial weight"),
            ),
            "dt_ms": ((), p.dt_ms, var_attrs("ms", "simulation step")),
        },
        coords={
            "time_ms": ("time_ms", time_ms, var_attrs("ms", "end of the simulation step")),
            "input": ("input", np.arange(p.n_inputs, dtype=np.int32), var_attrs("1", "input")),
        },
    )

"""Parameters of urbanczik2014, named as NEST's ``pp_cond_exp_mc_urbanczik`` and
``urbanczik_synapse`` name them, with the unit in the name.

Built from the ``model`` and ``protocol`` sections of the validated config by
:func:`params_from_config`; the dataclass has no defaults of its own (they live in
``workflow/schemas/papers/urbanczik2014.schema.yaml``).  The checks that tie several keys
together are in :func:`consistency_errors`, which the config validation runs on every scenario
before any job starts.  The model is described in ``docs/papers/urbanczik2014.md``.

Times of the protocol are kept on the simulation grid as integer steps (``*_steps``
properties); the teacher's spike times and weights are evaluated in floating point exactly as
the reference example script evaluates them (see :mod:`synplast.papers.urbanczik2014.inputs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synplast.config import params_object

__all__ = [
    "CLIP_MODES",
    "ERROR_SIGNALS",
    "INTEGRATORS",
    "UrbanczikParams",
    "consistency_errors",
    "params_from_config",
]

CLIP_MODES = {"output_only": 0, "accumulator": 1}
"""How the weight bounds act (code passed to the kernel):

- ``output_only`` (NEST): the transmitted weight is clipped, the rule's accumulators are not, so
  a clipped weight stays pinned until the unclipped value returns inside the bounds;
- ``accumulator``: the excess is removed from the accumulated integral as well, so the weight
  moves off a bound as soon as the rule reverses.
"""

ERROR_SIGNALS = {"prediction_error": 0, "spikes_only": 1}
"""Postsynaptic factor of the rule (code passed to the kernel):

- ``prediction_error`` (the rule): ``(S - phi(V_w*) dt) h(V_w*)``;
- ``spikes_only`` (negative control): ``S h(V_w*)``, the dendritic prediction dropped.
"""

INTEGRATORS = {"rk4": 0, "exponential_euler": 1}
"""Integrator of the two membrane potentials within a step (code passed to the kernel); the
synaptic conductances and currents always decay exactly."""


@dataclass(frozen=True)
class UrbanczikParams:
    """Every number of the neuron, the synapse, the teacher and the protocol."""

    # --- input pattern
    n_inputs: int
    input_rate_Hz: float
    pattern_latency_ms: float  # delay of the relay (parrot) stage, in recording and replay
    # --- simulation
    dt_ms: float
    integrator: str
    integrator_substeps: int
    # --- soma (index 0 in NEST) and dendrite ("p", index 1)
    t_ref_ms: float
    phi_max_per_ms: float
    rate_slope: float
    beta_per_mV: float
    theta_mV: float
    g_sp_nS: float  # dendrite -> soma coupling
    g_ps_nS: float  # soma -> dendrite coupling
    C_soma_pF: float
    C_dend_pF: float
    g_L_soma_nS: float
    g_L_dend_nS: float
    E_L_soma_mV: float
    E_L_dend_mV: float
    E_ex_soma_mV: float
    E_in_soma_mV: float
    tau_syn_ex_soma_ms: float
    tau_syn_in_soma_ms: float
    tau_syn_ex_dend_ms: float
    tau_syn_in_dend_ms: float
    I_e_soma_pA: float
    I_e_dend_pA: float
    V0_soma_mV: float
    V0_dend_mV: float
    # --- Urbanczik-Senn synapse
    init_weight_pA: float
    W_min_pA: float
    W_max_pA: float
    eta: float
    tau_Delta_ms: float
    dendritic_delay_ms: float
    clip_mode: str
    error_signal: str
    align_psp_to_arrival: bool
    plastic_without_teacher: bool
    # --- teacher (somatic conductance command, delivered as a spike train every step)
    teacher_on: bool
    teacher_ex_amplitude_nS: float
    teacher_ex_offset_nS: float
    teacher_in_nS: float
    teacher_cycles_per_pattern: float
    teacher_connection_weight: float
    teacher_delay_ms: float
    # --- protocol
    pattern_duration_ms: float
    n_pre_rep: int
    n_pattern_rep: int
    n_post_rep: int
    test_presentations: int

    # ---------------------------------------------------------------- derived, on the grid

    def steps(self, ms: float) -> int:
        """A duration in whole steps, rounded to the nearest step (as NEST does)."""
        return int(round(ms / self.dt_ms))

    @property
    def pattern_steps(self) -> int:
        return self.steps(self.pattern_duration_ms)

    @property
    def n_presentations(self) -> int:
        return self.n_pre_rep + self.n_pattern_rep + self.n_post_rep

    @property
    def n_steps(self) -> int:
        return self.n_presentations * self.pattern_steps

    @property
    def t_start_ms(self) -> float:
        """Start of the teaching window, computed as the reference script computes it."""
        return float(self.n_pre_rep) * self.pattern_duration_ms

    @property
    def t_end_ms(self) -> float:
        return self.n_pattern_rep * self.pattern_duration_ms + self.t_start_ms

    @property
    def simulation_ms(self) -> float:
        return self.t_end_ms + float(self.n_post_rep) * self.pattern_duration_ms

    @property
    def teacher_presentations(self) -> range:
        """Indices of the presentations with the teacher on (whether or not it is delivered)."""
        return range(self.n_pre_rep, self.n_pre_rep + self.n_pattern_rep)

    @property
    def latency_steps(self) -> int:
        return self.steps(self.pattern_latency_ms)

    @property
    def delay_steps(self) -> int:
        return self.steps(self.dendritic_delay_ms)

    @property
    def teacher_delay_steps(self) -> int:
        return self.steps(self.teacher_delay_ms)

    @property
    def refractory_steps(self) -> int:
        return self.steps(self.t_ref_ms)

    @property
    def tau_L_dend_ms(self) -> float:
        """Membrane time constant of the dendrite, ``C/g_L``: the PSP kernel's slow time."""
        return self.C_dend_pF / self.g_L_dend_nS


def params_from_config(params: Mapping[str, Any]) -> UrbanczikParams:
    """From the ``model`` and ``protocol`` sections of a resolved scenario config."""
    return params_object(UrbanczikParams, params, "urbanczik2014")


def _on_grid(value: float, dt: float) -> bool:
    return abs(value / dt - round(value / dt)) < 1e-6


def consistency_errors(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems that involve several keys of a resolved scenario config."""
    model, protocol = params["model"], params["protocol"]
    dt = model["dt_ms"]
    errors = []
    if not model["W_min_pA"] <= model["init_weight_pA"] <= model["W_max_pA"]:
        errors.append(
            ("model.W_max_pA", "the initial weight must lie in [W_min_pA, W_max_pA]")
            if model["init_weight_pA"] > model["W_max_pA"]
            else ("model.W_min_pA", "the initial weight must lie in [W_min_pA, W_max_pA]")
        )
    if model["tau_syn_ex_dend_ms"] == model["C_dend_pF"] / model["g_L_dend_nS"]:
        errors.append(
            ("model.tau_syn_ex_dend_ms", "must differ from the dendrite's C/g_L (PSP kernel)")
        )
    if model["tau_syn_in_dend_ms"] == model["C_dend_pF"] / model["g_L_dend_nS"]:
        errors.append(
            ("model.tau_syn_in_dend_ms", "must differ from the dendrite's C/g_L (PSP kernel)")
        )
    for key in ("dendritic_delay_ms", "teacher_delay_ms"):
        if not _on_grid(model[key], dt) or round(model[key] / dt) < 1:
            errors.append((f"model.{key}", f"must be a positive multiple of dt_ms ({dt})"))
    for section, key in (
        ("model", "t_ref_ms"),
        ("model", "pattern_latency_ms"),
        ("protocol", "pattern_duration_ms"),
    ):
        value = params[section][key]
        if not _on_grid(value, dt):
            errors.append((f"{section}.{key}", f"must be a multiple of dt_ms ({dt})"))
    if model["pattern_latency_ms"] >= protocol["pattern_duration_ms"]:
        errors.append(("model.pattern_latency_ms", "must be shorter than the pattern"))
    return errors

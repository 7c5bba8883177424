"""Parameters of Sadeh, Clopath & Rotter (2015), "Table 1" of the reference code (ModelDB 182784).

One frozen dataclass holds every number the model uses, named as in the paper with the unit in
the name, built from the ``model`` and ``protocol`` sections of the validated config by
:func:`params_from_config`.  It has no defaults of its own: every default, type and range lives
in ``workflow/schemas/papers/sadeh2015.schema.yaml``.  Constants the reference simulator
hard-codes (``u_ref_sq_mV2 = 70``, ``t_avg_ms = 100``, ``J_ffw_mV = 1``) are explicit fields.
The checks that tie several keys together are in :func:`consistency_errors`, which the config
validation runs on every scenario before any job starts.  The model is described in
``docs/papers/sadeh2015.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["PATHWAYS", "SadehParams", "consistency_errors", "params_from_config", "pathway_flags"]

#: Plastic pathways (pre -> post): E->E, E->I (pre E, post I) and I->E (pre I, post E).
PATHWAYS = ("EE", "EI", "IE")

PARAMETER_SECTIONS = ("model", "protocol")
"""Config sections the parameters are built from."""


@dataclass(frozen=True)
class SadehParams:
    """Every number the model and its protocols use: the ``model`` and ``protocol`` sections of
    the validated config, flattened (no defaults here: they live in the schema)."""

    # --- network
    N_E: int
    N_I: int
    p_EE: float  # Bernoulli connection probabilities, pre -> post; autapses included
    p_EI: float
    p_IE: float
    p_II: float
    J_mV: float  # initial weight of every existing E synapse
    g: float  # I weights are -g * J = -4 mV
    # --- neuron (exact integration, delta synapses, 1-step delay)
    tau_m_ms: float
    V_th_mV: float
    V_reset_mV: float  # rest = reset = 0 mV, no refractory period
    dt_ms: float
    # --- feedforward input
    b_Hz: float  # aggregate feedforward Poisson rate
    m_E: float  # modulation depth of the input tuning, E
    m_I: float  # and I
    J_ffw_mV: float  # implicit in the reference (counts added to V)
    theta_test_rad: float  # orientation of the before/after tests
    # --- voltage-based plasticity
    tau_minus_ms: float
    tau_plus_ms: float
    tau_x_ms: float
    A_LTD_per_mV: float
    A_LTP_per_mV2: float
    theta_minus_mV: float
    theta_plus_mV: float
    u_ref_sq_mV2: float  # hard-coded 70 in the reference simulator
    t_avg_ms: float  # hard-coded 0.1 s boxcar of u-bar in the reference
    w_min_mV: float
    w_max_mV: float
    w_max_inh_mV: float
    # --- pathways (ablations)
    plastic_EE: bool
    plastic_EI: bool
    plastic_IE: bool
    # --- learning protocol
    n_blocks: int
    n_stim_per_block: int
    trial_ms: float  # per orientation; a block is n_stim_per_block * trial_ms
    # --- spontaneous protocol (off in the reference)
    spont_act: bool  # run it after learning, from Wf
    n_blocks_spont: int
    spont_rate_factor: float  # untuned input at b/2
    spont_inh_rule: str  # "standard" | "ltd_only" (see docs/papers/sadeh2015.md)
    # --- cardinal protocol (off in the reference)
    card_act: bool  # run it (from W0)
    n_blocks_cardinal: int
    n_cardinal_per_block: int  # of each of 0 and pi/2; the rest uniform in [0, pi)
    # --- tuning curves
    n_ori: int
    tuning_duration_ms: float
    # --- quirks of the reference (flags documented in docs/papers/sadeh2015.md)
    legacy_absorbing_zero: bool  # an E synapse at 0 is dead for ever
    legacy_ie_no_mask: bool  # every I->E pair is plastic, even an absent one
    rescale_ltd_per_spike: bool  # LTD per presynaptic spike; required for dt_ms != 1

    # ------------------------------------------------------------------ derived sizes
    @property
    def N(self) -> int:
        """Number of neurons; E are indices 0..N_E-1, I the rest."""
        return self.N_E + self.N_I

    @property
    def trial_steps(self) -> int:
        return round(self.trial_ms / self.dt_ms)

    @property
    def block_steps(self) -> int:
        """Steps per block (2000 at the paper's values)."""
        return self.n_stim_per_block * self.trial_steps

    @property
    def block_ms(self) -> float:
        return self.block_steps * self.dt_ms

    @property
    def tuning_steps(self) -> int:
        return round(self.tuning_duration_ms / self.dt_ms)

    @property
    def n_avg_steps(self) -> int:
        """Length of the u-bar boxcar in steps (100)."""
        return round(self.t_avg_ms / self.dt_ms)

    @property
    def pathway_names(self) -> tuple[str, ...]:
        return tuple(p for p in PATHWAYS if getattr(self, f"plastic_{p}"))

    def kernel_constants(self) -> tuple[float, ...]:
        """Float constants of the block kernels, in the order :mod:`.kernel` unpacks them.

        The LTD amplitude carries the factor Delta = dt of the reference unless
        ``rescale_ltd_per_spike``; the LTP amplitude always carries Delta.
        """
        ltd_scale = self.A_LTD_per_mV * (1.0 if self.rescale_ltd_per_spike else self.dt_ms)
        return (
            float(self.dt_ms),
            float(self.tau_m_ms),
            float(self.V_th_mV),
            float(self.V_reset_mV),
            float(self.J_ffw_mV),
            float(self.tau_minus_ms),
            float(self.tau_plus_ms),
            float(self.tau_x_ms),
            float(ltd_scale),
            float(self.dt_ms * self.A_LTP_per_mV2),
            float(self.theta_minus_mV),
            float(self.theta_plus_mV),
            float(self.u_ref_sq_mV2),
            float(self.w_min_mV),
            float(self.w_max_mV),
            float(self.w_max_inh_mV),
        )

    # ------------------------------------------------------------------ construction
    def with_pathways(self, names: Iterable[str]) -> SadehParams:
        """A copy in which exactly the named pathways are plastic (ablations)."""
        return replace(self, **pathway_flags(names))

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> SadehParams:
        """Build from a flat mapping of every field; an unknown or missing key raises a one-line
        ``ValueError``.

        ``plastic_pathways`` (a list drawn from ``EE``, ``EI``, ``IE``) may be given instead of
        the three ``plastic_*`` flags.
        """
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in mapping.items():
            if key == "plastic_pathways":
                kwargs.update(pathway_flags(value))
            elif key not in known:
                raise ValueError(f"sadeh2015: unknown parameter {key!r}")
            else:
                kwargs[key] = value
        missing = sorted(known - set(kwargs))
        if missing:
            raise ValueError(f"sadeh2015: missing parameter {missing[0]!r}")
        return cls(**kwargs)


def pathway_flags(names: Iterable[str]) -> dict[str, bool]:
    """``["EE", "EI"]`` -> ``{"plastic_EE": True, "plastic_EI": True, "plastic_IE": False}``."""
    if isinstance(names, str):
        raise ValueError(f"sadeh2015.plastic_pathways must be a list, got {names!r}")
    names = list(names)
    for name in names:
        if name not in PATHWAYS:
            raise ValueError(
                f"sadeh2015.plastic_pathways: unknown pathway {name!r} (allowed: {PATHWAYS})"
            )
    return {f"plastic_{p}": p in names for p in PATHWAYS}


def params_from_config(params: Mapping[str, Any]) -> SadehParams:
    """From the ``model`` and ``protocol`` sections of a resolved scenario config."""
    flat: dict[str, Any] = {}
    for section in PARAMETER_SECTIONS:
        for key, value in params[section].items():
            if key in flat:
                raise ValueError(f"sadeh2015.{section}.{key}: key given in two sections")
            flat[key] = value
    return SadehParams.from_dict(flat)


def consistency_errors(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems that involve several keys of a resolved scenario config, as
    ``(section.key, message)`` pairs (empty when the scenario is consistent)."""
    model, protocol = params["model"], params["protocol"]
    errors = []
    if not model["w_max_inh_mV"] < 0 <= model["w_min_mV"] < model["w_max_mV"]:
        errors.append(("model.w_max_mV", "need w_max_inh_mV < 0 <= w_min_mV < w_max_mV"))
    if model["dt_ms"] != 1.0 and not model["rescale_ltd_per_spike"]:
        errors.append(
            ("model.dt_ms", "dt_ms != 1 needs rescale_ltd_per_spike: true (LTD per spike)")
        )
    for section, key in (
        ("protocol", "trial_ms"),
        ("model", "t_avg_ms"),
        ("protocol", "tuning_duration_ms"),
    ):
        ratio = params[section][key] / model["dt_ms"]
        if abs(ratio - round(ratio)) > 1e-9:
            errors.append((f"{section}.{key}", f"{key} must be a multiple of dt_ms"))
    if 2 * protocol["n_cardinal_per_block"] > protocol["n_stim_per_block"]:
        errors.append(
            ("protocol.n_cardinal_per_block", "2 x n_cardinal_per_block exceeds n_stim_per_block")
        )
    return errors

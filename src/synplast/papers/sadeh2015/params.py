"""Parameters of Sadeh, Clopath & Rotter (2015), "Table 1" of the reference code (ModelDB 182784).

One frozen dataclass holds every number the model uses, named as in the paper with the unit in
the name.  Constants the reference simulator hard-codes (spec C9: ``u_ref_sq_mV2 = 70``,
``t_avg_ms = 100``, ``J_ffw_mV = 1``) are explicit fields here.  The quirk flags of spec §6 default
to the faithful behaviour of the reference code.

:meth:`SadehParams.from_dict` builds the parameters from a (config) mapping and rejects unknown
keys and out-of-range values with a one-line :class:`ValueError` that names the key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["PATHWAYS", "SadehParams", "params_from_config", "pathway_flags"]

#: Plastic pathways (pre -> post): E->E, E->I (pre E, post I) and I->E (pre I, post E).
PATHWAYS = ("EE", "EI", "IE")

_PROBABILITIES = ("p_EE", "p_EI", "p_IE", "p_II", "m_E", "m_I")
_POSITIVE = (
    "tau_m_ms",
    "dt_ms",
    "b_Hz",
    "tau_minus_ms",
    "tau_plus_ms",
    "tau_x_ms",
    "u_ref_sq_mV2",
    "t_avg_ms",
    "trial_ms",
    "tuning_duration_ms",
    "J_mV",
    "g",
    "V_th_mV",
)
_NON_NEGATIVE = ("A_LTD_per_mV", "A_LTP_per_mV2", "J_ffw_mV", "spont_rate_factor", "w_th_bidir_mV")
_COUNTS_POSITIVE = ("N_E", "N_I", "n_stim_per_block", "n_ori")
_COUNTS_NON_NEGATIVE = ("n_blocks", "n_blocks_spont", "n_blocks_cardinal", "n_cardinal_per_block")
_ENUMS = {
    "specificity_bins": ("legacy", "folded"),
    "spont_inh_rule": ("standard", "ltd_only"),
}


@dataclass(frozen=True)
class SadehParams:
    """All parameters of the model and its protocols (spec §2.1, §2.6, §4, §6)."""

    # --- network (spec §2.1, §2.2)
    N_E: int = 400
    N_I: int = 100
    p_EE: float = 0.3  # Bernoulli connection probabilities, pre -> post; autapses included
    p_EI: float = 0.3
    p_IE: float = 1.0
    p_II: float = 1.0
    J_mV: float = 0.5  # initial weight of every existing E synapse
    g: float = 8.0  # I weights are -g * J = -4 mV
    # --- neuron (exact integration, delta synapses, 1-step delay; spec §2.3)
    tau_m_ms: float = 20.0
    V_th_mV: float = 20.0
    V_reset_mV: float = 0.0  # rest = reset = 0 mV, no refractory period
    dt_ms: float = 1.0
    # --- feedforward input (spec §2.4)
    b_Hz: float = 2000.0  # aggregate feedforward Poisson rate
    m_E: float = 0.2  # modulation depth of the input tuning, E
    m_I: float = 0.02  # and I
    J_ffw_mV: float = 1.0  # C9: implicit in the reference (counts added to V)
    theta_test_rad: float = math.pi / 2  # orientation of the before/after tests
    # --- voltage-based plasticity (spec §2.5)
    tau_minus_ms: float = 10.0
    tau_plus_ms: float = 7.0
    tau_x_ms: float = 15.0
    A_LTD_per_mV: float = 14e-5
    A_LTP_per_mV2: float = 8e-5
    theta_minus_mV: float = -20.0
    theta_plus_mV: float = 7.5
    u_ref_sq_mV2: float = 70.0  # C9: hard-coded 70. in the simulator
    t_avg_ms: float = 100.0  # C9: hard-coded 0.1 s boxcar of u-bar
    w_min_mV: float = 0.0
    w_max_mV: float = 2.0
    w_max_inh_mV: float = -5.0
    # --- pathways (ablations)
    plastic_EE: bool = True
    plastic_EI: bool = True
    plastic_IE: bool = True
    # --- learning protocol (spec §2.6)
    n_blocks: int = 40
    n_stim_per_block: int = 20
    trial_ms: float = 100.0  # per orientation; a block is n_stim_per_block * trial_ms
    # --- spontaneous protocol (spec §2.6; off in the reference)
    spont_act: bool = False  # run it after learning, from Wf
    n_blocks_spont: int = 10
    spont_rate_factor: float = 0.5  # untuned input at b/2
    spont_inh_rule: str = "standard"  # C4: "standard" | "ltd_only"
    # --- cardinal protocol (spec §2.6; off in the reference)
    card_act: bool = False  # run it (from W0)
    n_blocks_cardinal: int = 20
    n_cardinal_per_block: int = 5  # of each of 0 and pi/2; the rest uniform in [0, pi)
    # --- tuning and metrics (spec §4)
    n_ori: int = 12
    tuning_duration_ms: float = 1000.0
    w_th_bidir_mV: float = 1.0
    # --- quirks (spec §6), faithful defaults
    legacy_absorbing_zero: bool = True  # C6: an E synapse at 0 is dead for ever
    legacy_ie_no_mask: bool = True  # C6: every I->E pair is plastic, even an absent one
    specificity_bins: str = "legacy"  # C7: "legacy" (strict, unwrapped) | "folded"
    emulate_py2_rate_text: bool = False  # C3: floor printed rates to 0.5 Hz like Python 2
    rescale_ltd_per_spike: bool = False  # C5: required for dt_ms != 1

    def __post_init__(self) -> None:
        for key in _PROBABILITIES:
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"sadeh2015.{key} must be in [0, 1], got {value!r}")
        for key in _POSITIVE:
            if not getattr(self, key) > 0:
                raise ValueError(f"sadeh2015.{key} must be > 0, got {getattr(self, key)!r}")
        for key in _NON_NEGATIVE:
            if not getattr(self, key) >= 0:
                raise ValueError(f"sadeh2015.{key} must be >= 0, got {getattr(self, key)!r}")
        for key in _COUNTS_POSITIVE + _COUNTS_NON_NEGATIVE:
            value = getattr(self, key)
            low = 1 if key in _COUNTS_POSITIVE else 0
            if isinstance(value, bool) or int(value) != value or value < low:
                raise ValueError(f"sadeh2015.{key} must be an integer >= {low}, got {value!r}")
        for key, allowed in _ENUMS.items():
            if getattr(self, key) not in allowed:
                raise ValueError(
                    f"sadeh2015.{key} must be one of {allowed}, got {getattr(self, key)!r}"
                )
        if not self.w_max_inh_mV < 0 <= self.w_min_mV < self.w_max_mV:
            raise ValueError("sadeh2015.w_max_mV: need w_max_inh_mV < 0 <= w_min_mV < w_max_mV")
        if self.dt_ms != 1.0 and not self.rescale_ltd_per_spike:
            raise ValueError("sadeh2015.dt_ms != 1 needs rescale_ltd_per_spike: true (spec C5)")
        for key in ("trial_ms", "t_avg_ms", "tuning_duration_ms"):
            if abs(getattr(self, key) / self.dt_ms - round(getattr(self, key) / self.dt_ms)) > 1e-9:
                raise ValueError(f"sadeh2015.{key} must be a multiple of dt_ms")
        if 2 * self.n_cardinal_per_block > self.n_stim_per_block:
            raise ValueError("sadeh2015.n_cardinal_per_block: 2 x it exceeds n_stim_per_block")

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

        The LTD amplitude carries the factor Delta = dt of the reference (spec C5) unless
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
        """Build from a mapping; unknown keys and bad values raise a one-line ``ValueError``.

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
    """From a resolved scenario config ``{"model": ..., "protocol": ..., "analysis": ...}``."""
    flat: dict[str, Any] = {}
    for section in ("model", "protocol", "analysis"):
        for key, value in params.get(section, {}).items():
            if key in flat:
                raise ValueError(f"sadeh2015.{section}.{key}: key given in two sections")
            flat[key] = value
    return SadehParams.from_dict(flat)

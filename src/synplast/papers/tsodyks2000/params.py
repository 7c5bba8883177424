"""Model parameters of the Tsodyks–Uziel–Markram network, named as in the Brian2 example.

Built from the resolved ``model`` section of the config (validated by the workflow schema);
units are in the names.  Defaults (in ``config/config.yaml``) are the reference's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from synplast.kernels.lif import timestep

PATHWAYS = ("ee", "ei", "ie", "ii")
"""Pathway names in code order (``syn_pathway`` 0-3); Brian2 naming, so ``ei`` is E->I."""

PATHWAY_SOURCE_TARGET = {"ee": ("E", "E"), "ei": ("E", "I"), "ie": ("I", "E"), "ii": ("I", "I")}
"""Pathway name -> (source population, target population); Brian2 naming (``ei`` is E->I)."""


@dataclass(frozen=True)
class PathwayParams:
    """Means and bounds of one pathway's per-synapse parameters (``docs/papers/tsodyks2000.md``)."""

    A_mV: float
    U: float
    U_min: float
    U_max: float
    tau_rec_ms: float
    tau_facil_ms: float | None

    @property
    def facilitating(self) -> bool:
        return self.tau_facil_ms is not None


@dataclass(frozen=True)
class ModelParams:
    """All parameters of the network model."""

    n_exc: int
    n_inh: int
    dt_ms: float
    tau_mem_ms: float
    v_thresh_mV: float
    v_reset_mV: float
    tau_refrac_exc_ms: float
    tau_refrac_inh_ms: float
    ib_center_mV: float
    ib_half_width_mV: float  # Brian2 +-0.5 mV; paper "0.05 mV"; NEST +-0.375 mV
    v0_mode: str  # "zero" (Brian2) or "uniform_0_15" (NEST)
    connection_probability: float
    allow_autapses: bool  # Brian2 allows autapses in ee and ii
    synapse_model: str  # "tm3" (Brian2, with y) or "tm2" (NEST tsodyks2)
    tau_I_ms: float
    parameter_sd_fraction: float
    A_bounds_factor: tuple[float, float]
    tau_min_ms: float
    pathways: Mapping[str, PathwayParams]

    @classmethod
    def from_config(cls, model: Mapping) -> ModelParams:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(model) - names)
        if unknown:
            raise ValueError(f"tsodyks2000.model: unknown key {unknown[0]!r}")
        values = dict(model)
        values["A_bounds_factor"] = tuple(values["A_bounds_factor"])
        values["pathways"] = {
            name: PathwayParams(**values["pathways"][name]) for name in PATHWAY_SOURCE_TARGET
        }
        return cls(**values)

    @property
    def n_neurons(self) -> int:
        return self.n_exc + self.n_inh

    def population_size(self, population: str) -> int:
        return self.n_exc if population == "E" else self.n_inh

    def population_offset(self, population: str) -> int:
        return 0 if population == "E" else self.n_exc

    def refractory_steps(self, population: str) -> int:
        tau = self.tau_refrac_exc_ms if population == "E" else self.tau_refrac_inh_ms
        return timestep(tau, self.dt_ms)

    def steps(self, duration_ms: float) -> int:
        return timestep(duration_ms, self.dt_ms)


def _whole_steps(duration_ms: float, dt_ms: float) -> bool:
    """Whether ``duration_ms`` is a whole, positive number of clock steps."""
    steps = duration_ms / dt_ms
    return round(steps) >= 1 and abs(steps - round(steps)) < 1e-6


def consistency_errors(params: Mapping) -> list[tuple[str, str]]:
    """Problems that involve several keys of a resolved scenario config (run by the config
    validation before any job): the reset below the threshold, both phases a whole number of
    clock steps, each pathway's mean U inside its truncation bounds."""
    model, protocol = params["model"], params["protocol"]
    errors = []
    if model["v_reset_mV"] >= model["v_thresh_mV"]:
        errors.append(("model.v_reset_mV", "must be below v_thresh_mV"))
    for key in ("burn_in_ms", "record_ms"):
        if not _whole_steps(protocol[key], model["dt_ms"]):
            errors.append(
                (f"protocol.{key}", f"must be a whole number of dt_ms ({model['dt_ms']})")
            )
    for name, pathway in model["pathways"].items():
        if not pathway["U_min"] <= pathway["U"] <= pathway["U_max"]:
            errors.append((f"model.pathways.{name}.U", "must lie within [U_min, U_max]"))
    low, high = model["A_bounds_factor"]
    if low >= high:
        errors.append(("model.A_bounds_factor", "needs min < max"))
    return errors

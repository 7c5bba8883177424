"""Input generation: draw the network from the seed (pipeline stage ``inputs``).

Everything random in the model is drawn here, from named streams of the run's seed:

- ``ib``: background currents ``I_b ~ U(center - half_width, center + half_width)`` in mV
  (E, then I); the half-width is the flag ``ib_half_width_mV``;
- ``net/<pathway>``: Bernoulli connectivity with probability ``connection_probability`` for
  every ordered (pre, post) pair, autapses allowed in ``ee`` and ``ii`` unless the flag
  ``allow_autapses`` is false;
- ``params/<pathway>``: per-synapse ``A`` (mV), ``U``, ``tau_rec`` and ``tau_facil`` (ms) from
  normals with SD = ``parameter_sd_fraction * |mean|``, truncated to ``A`` within
  ``A_bounds_factor`` times its mean, ``U`` within ``[U_min, U_max]``, and the time constants
  at or above ``tau_min_ms``; depressing pathways get ``tau_facil = inf``;
- ``v0``: initial membrane potentials ``U(0, 15)`` mV when the flag ``v0_mode`` is
  ``uniform_0_15`` (otherwise all 0 mV, as Brian2).

Synapses are stored pathway-major (ee, ei, ie, ii; Brian2 naming, ``ei`` is E->I), each pathway
in Brian2's (pre, post) order.  The Brian2 script seeds only NumPy's global generator, so its
connectivity cannot be reproduced; these seeded streams replace it.  Quirk flags and their
alternatives: see docs/papers/tsodyks2000.md.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.papers.tsodyks2000.params import PATHWAY_SOURCE_TARGET, PATHWAYS, ModelParams
from synplast.rng import stream, truncated_normal

VARIABLES = (
    "population",
    "bias_mV",
    "v0_mV",
    "syn_pre",
    "syn_post",
    "syn_pathway",
    "syn_A_mV",
    "syn_U",
    "syn_tau_rec_ms",
    "syn_tau_facil_ms",
)


def _draw_pathway(model: ModelParams, pathway: str, seed: int) -> dict[str, np.ndarray]:
    source, target = PATHWAY_SOURCE_TARGET[pathway]
    n_pre, n_post = model.population_size(source), model.population_size(target)
    mask = stream(seed, "net", pathway).random((n_pre, n_post)) < model.connection_probability
    if source == target and not model.allow_autapses:
        np.fill_diagonal(mask, False)
    pre, post = np.nonzero(mask)  # row-major: Brian2's (pre, post) synapse order
    n_syn = pre.size
    spec = model.pathways[pathway]
    rng = stream(seed, "params", pathway)
    sd = model.parameter_sd_fraction
    bound_a, bound_b = (factor * spec.A_mV for factor in model.A_bounds_factor)
    A = truncated_normal(
        rng, spec.A_mV, sd * abs(spec.A_mV), min(bound_a, bound_b), max(bound_a, bound_b), n_syn
    )
    U = truncated_normal(rng, spec.U, sd * spec.U, spec.U_min, spec.U_max, n_syn)
    tau_rec = truncated_normal(
        rng, spec.tau_rec_ms, sd * spec.tau_rec_ms, model.tau_min_ms, np.inf, n_syn
    )
    if spec.facilitating:
        tau_facil = truncated_normal(
            rng, spec.tau_facil_ms, sd * spec.tau_facil_ms, model.tau_min_ms, np.inf, n_syn
        )
    else:
        tau_facil = np.full(n_syn, np.inf)
    return {
        "pre": pre + model.population_offset(source),
        "post": post + model.population_offset(target),
        "A": A,
        "U": U,
        "tau_rec": tau_rec,
        "tau_facil": tau_facil,
        "pathway": np.full(n_syn, PATHWAYS.index(pathway), dtype=np.int8),
    }


def make_inputs(params: dict, seed: int) -> xr.Dataset:
    """Draw the network of one seed; returns the ``inputs`` stage Dataset."""
    model = ModelParams.from_config(params["model"])
    rng_ib = stream(seed, "ib")
    low, high = (
        model.ib_center_mV - model.ib_half_width_mV,
        model.ib_center_mV + model.ib_half_width_mV,
    )
    bias = np.concatenate(
        [rng_ib.uniform(low, high, model.n_exc), rng_ib.uniform(low, high, model.n_inh)]
    )
    if model.v0_mode == "zero":
        v0 = np.zeros(model.n_neurons)
    else:
        v0 = stream(seed, "v0").uniform(0.0, 15.0, model.n_neurons)
    drawn = [_draw_pathway(model, pathway, seed) for pathway in PATHWAYS]
    cat = {key: np.concatenate([d[key] for d in drawn]) for key in drawn[0]}
    population = np.r_[np.zeros(model.n_exc, np.int8), np.ones(model.n_inh, np.int8)]
    neuron = ("neuron", np.arange(model.n_neurons, dtype=np.int32))
    ds = xr.Dataset(
        {
            "population": (
                "neuron",
                population,
                {"units": "1", "long_name": "population (0 = E, 1 = I)"},
            ),
            "bias_mV": ("neuron", bias, {"units": "mV", "long_name": "background current I_b"}),
            "v0_mV": ("neuron", v0, {"units": "mV", "long_name": "initial membrane potential"}),
            "syn_pre": (
                "synapse",
                cat["pre"].astype(np.int32),
                {"units": "1", "long_name": "presynaptic neuron index"},
            ),
            "syn_post": (
                "synapse",
                cat["post"].astype(np.int32),
                {"units": "1", "long_name": "postsynaptic neuron index"},
            ),
            "syn_pathway": (
                "synapse",
                cat["pathway"],
                {
                    "units": "1",
                    "long_name": "pathway code (0 ee, 1 ei, 2 ie, 3 ii)",
                    "flag_values": np.arange(4, dtype=np.int8),
                    "flag_meanings": "E_to_E E_to_I I_to_E I_to_I",
                },
            ),
            "syn_A_mV": (
                "synapse",
                cat["A"],
                {"units": "mV", "long_name": "absolute synaptic strength A"},
            ),
            "syn_U": (
                "synapse",
                cat["U"],
                {"units": "1", "long_name": "utilisation of synaptic efficacy U"},
            ),
            "syn_tau_rec_ms": (
                "synapse",
                cat["tau_rec"],
                {"units": "ms", "long_name": "recovery time constant"},
            ),
            "syn_tau_facil_ms": (
                "synapse",
                cat["tau_facil"],
                {
                    "units": "ms",
                    "long_name": "facilitation time constant "
                    "(inf: depressing synapse without facilitation)",
                },
            ),
        },
        coords={"neuron": (neuron[0], neuron[1], {"units": "1", "long_name": "neuron index"})},
    )
    ds["synapse"] = (
        "synapse",
        np.arange(cat["pre"].size, dtype=np.int32),
        {"units": "1", "long_name": "synapse index"},
    )
    return ds

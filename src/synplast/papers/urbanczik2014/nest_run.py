"""The NEST cross-check of urbanczik2014 (optional pipeline stage ``nest``, pip extra ``nest``,
conda environment ``envs/nest.yaml``).

The reference example's network, built in NEST 3 on exactly the input spikes of this seed's
``inputs`` stage: one spike generator per input, relayed by a parrot neuron (delay
``pattern_latency_ms``) onto ``pp_cond_exp_mc_urbanczik`` through ``urbanczik_synapse``
(receptor ``dendritic_exc``), and the teacher's two spike trains onto ``soma_exc`` and
``soma_inh``, with a multimeter, a spike recorder and a weight recorder.  NEST's own random
stream draws the somatic spikes (``rng_seed`` from the stream ``nest`` of the seed), so only the
statistics of learning can agree, not the spikes.

The stage writes three comparisons (``docs/papers/urbanczik2014.md``):

- NEST's run of the whole protocol, recorded as the ``plastic`` stage records this
  implementation's (same variables), and its per-presentation learning statistics;
- plasticity off (``eta = 0``): NEST's and this implementation's membrane potentials over the
  first :data:`FROZEN_PRESENTATIONS` presentations, which must agree to the integrators' accuracy
  (the neuron has no reset and an open-loop dendrite, so the potentials do not depend on the
  somatic spikes);
- spike replay: this implementation's kernel driven by NEST's somatic spike train instead of
  its own draws; every weight it transmits must then equal NEST's to the accuracy of the
  potentials.

Only the reference semantics can be cross-checked: scenarios with a flag that NEST does not
implement belong to the sub-model ``variant``, which has no ``nest`` stage (called on one
anyway, the stage stops with a one-line message).
"""

from __future__ import annotations

import time

import numba
import numpy as np
import xarray as xr

from synplast.rng import stream
from synplast.stagefile import var_attrs

from . import kernel as K
from .inputs import teacher_commands
from .metrics import presentation_metrics
from .params import UrbanczikParams, params_from_config
from .plastic import Run, simulate_protocol, spike_draws, trace_dataset

# NEST brings its own OpenMP runtime.  Numba's OpenMP threading layer, when it starts after NEST
# (the first numba.get_num_threads(), e.g. when a stage file records its provenance), makes
# NEST's next kernel reset crash; so Numba's threading layer is started before NEST loads, as
# its own thread pool unless one was chosen.
if numba.config.THREADING_LAYER == "default":
    numba.config.THREADING_LAYER = "workqueue"
numba.get_num_threads()

import nest  # noqa: E402

VARIABLES = (
    "V_soma_mV",
    "V_dend_mV",
    "V_star_mV",
    "spike_step",
    "tx_step",
    "tx_input",
    "tx_weight_pA",
    "w_final_pA",
    "rmse_star_mV",
    "corr_star",
    "rmse_soma_mV",
    "frozen_V_soma_nest_mV",
    "frozen_V_soma_ours_mV",
    "frozen_V_dend_nest_mV",
    "frozen_V_dend_ours_mV",
    "replay_tx_weight_pA",
)

FROZEN_PRESENTATIONS = 4
"""Presentations of the plasticity-off comparison: the two before the teacher and two with it."""

REFERENCE_FLAGS = {
    "clip_mode": "output_only",
    "error_signal": "prediction_error",
    "align_psp_to_arrival": False,
    "plastic_without_teacher": True,
}
"""Flags whose other values NEST does not implement."""

RECORDABLES = ("V_m.s", "V_m.p", "g_ex.s", "g_in.s", "I_ex.p", "I_in.p")
"""NEST's names of the trace columns (U, V_d, g_ex, g_in, I_ex, I_in)."""


def unsupported_flags(p: UrbanczikParams) -> list[str]:
    """The flags of ``p`` that NEST cannot run."""
    return [key for key, value in REFERENCE_FLAGS.items() if getattr(p, key) != value]


def nest_rng_seed(seed: int) -> int:
    """NEST's ``rng_seed`` for a run seed (NEST needs 1 .. 2^31 - 1)."""
    return int(stream(seed, "nest").integers(1, 2**31 - 1))


def neuron_params(p: UrbanczikParams) -> dict:
    return {
        "t_ref": p.t_ref_ms,
        "g_sp": p.g_sp_nS,
        "g_ps": p.g_ps_nS,
        "phi_max": p.phi_max_per_ms,
        "rate_slope": p.rate_slope,
        "beta": p.beta_per_mV,
        "theta": p.theta_mV,
        "soma": {
            "V_m": p.V0_soma_mV,
            "C_m": p.C_soma_pF,
            "E_L": p.E_L_soma_mV,
            "g_L": p.g_L_soma_nS,
            "E_ex": p.E_ex_soma_mV,
            "E_in": p.E_in_soma_mV,
            "tau_syn_ex": p.tau_syn_ex_soma_ms,
            "tau_syn_in": p.tau_syn_in_soma_ms,
            "I_e": p.I_e_soma_pA,
        },
        "dendritic": {
            "V_m": p.V0_dend_mV,
            "C_m": p.C_dend_pF,
            "E_L": p.E_L_dend_mV,
            "g_L": p.g_L_dend_nS,
            "tau_syn_ex": p.tau_syn_ex_dend_ms,
            "tau_syn_in": p.tau_syn_in_dend_ms,
            "I_e": p.I_e_dend_pA,
        },
    }


def simulate_nest(
    p: UrbanczikParams,
    pattern_step: np.ndarray,
    pattern_input: np.ndarray,
    n_presentations: int,
    *,
    rng_seed: int,
    eta: float | None = None,
    chunk_seconds: list[float] | None = None,
) -> Run:
    """Run the reference network in NEST for ``n_presentations`` presentations; the result is
    laid out as :func:`synplast.papers.urbanczik2014.plastic.simulate_protocol`'s (NEST keeps
    no history array, so ``dPI`` is empty).

    With ``chunk_seconds`` (a list), NEST simulates one presentation per call and the wall time
    of every call is appended to it (splitting the simulation changes nothing in NEST's
    results: spikes in transit are delivered at the start of the next call).
    """
    bad = unsupported_flags(p)
    if bad:
        raise ValueError(f"urbanczik2014.nest: NEST implements none of the flags {bad}")
    n_steps = n_presentations * p.pattern_steps
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.WARNING
    nest.set(resolution=p.dt_ms, rng_seed=rng_seed, local_num_threads=1, print_time=False)
    model = "pp_cond_exp_mc_urbanczik"
    receptors = nest.GetDefaults(model)["receptor_types"]
    neuron = nest.Create(model, params=neuron_params(p))
    generators = nest.Create("spike_generator", p.n_inputs)
    parrots = nest.Create("parrot_neuron", p.n_inputs)
    order = np.lexsort((pattern_input, pattern_step))
    steps, inputs = pattern_step[order].astype(np.int64), pattern_input[order]
    offsets = np.arange(n_presentations, dtype=np.int64) * p.pattern_steps
    for i in range(p.n_inputs):
        own = steps[inputs == i]
        times = (offsets[:, None] + own[None, :]).ravel() * p.dt_ms
        generators[i].set(spike_times=times)
    nest.Connect(generators, parrots, "one_to_one", syn_spec={"delay": p.pattern_latency_ms})
    recorder = nest.Create("weight_recorder")
    nest.CopyModel("urbanczik_synapse", "urbanczik_synapse_wr", {"weight_recorder": recorder})
    nest.Connect(
        parrots,
        neuron,
        syn_spec={
            "synapse_model": "urbanczik_synapse_wr",
            "receptor_type": receptors["dendritic_exc"],
            "tau_Delta": p.tau_Delta_ms,
            "eta": p.eta if eta is None else eta,
            "weight": p.init_weight_pA,
            "Wmin": p.W_min_pA,
            "Wmax": p.W_max_pA,
            "delay": p.dendritic_delay_ms,
        },
    )
    if p.teacher_on:
        times, g_ex, g_in = teacher_commands(p)
        for weights, receptor in ((g_ex, "soma_exc"), (g_in, "soma_inh")):
            on = weights != 0.0
            train = nest.Create(
                "spike_generator",
                params={"spike_times": times[on], "spike_weights": weights[on]},
            )
            nest.Connect(
                train,
                neuron,
                syn_spec={
                    "receptor_type": receptors[receptor],
                    "weight": p.teacher_connection_weight,
                    "delay": p.teacher_delay_ms,
                },
            )
    meter = nest.Create(
        "multimeter", params={"record_from": list(RECORDABLES), "interval": p.dt_ms}
    )
    nest.Connect(meter, neuron)
    soma_spikes = nest.Create("spike_recorder")
    nest.Connect(neuron, soma_spikes)
    # one step more: the multimeter delivers the sample of a step's end one step later
    if chunk_seconds is None:
        nest.Simulate((n_steps + 1) * p.dt_ms)
    else:
        for _ in range(n_presentations):
            start = time.perf_counter()
            nest.Simulate(p.pattern_steps * p.dt_ms)
            chunk_seconds.append(time.perf_counter() - start)
        nest.Simulate(p.dt_ms)
    # copies: the arrays NEST returns may share memory that its next reset releases
    events = {key: np.array(value, copy=True) for key, value in meter.get("events").items()}
    index = np.rint(events["times"] / p.dt_ms).astype(np.int64) - 1
    traces = np.full((n_steps, K.N_TRACES), np.nan)
    keep = index < n_steps
    for column, name in enumerate(RECORDABLES):
        traces[index[keep], column] = events[name][keep]
    spike_times = np.array(soma_spikes.get("events")["times"], dtype=np.float64, copy=True)
    spike_step = np.rint(spike_times / p.dt_ms).astype(np.int64)
    spike_step = np.sort(spike_step[spike_step <= n_steps])
    wr = {key: np.array(value, copy=True) for key, value in recorder.get("events").items()}
    tx_step = np.rint(wr["times"] / p.dt_ms).astype(np.int64)
    tx_input = (wr["senders"] - parrots[0].global_id).astype(np.int32)
    tx_weight = wr["weights"].astype(np.float64)
    landed = tx_step + p.delay_steps - 1 < n_steps  # what this implementation processes
    order = np.lexsort((tx_input[landed], tx_step[landed]))
    connections = nest.GetConnections(parrots, neuron)
    w_final = np.empty(p.n_inputs)
    sources = np.array(connections.get("source"), dtype=np.int64) - parrots[0].global_id
    w_final[sources] = np.array(connections.get("weight"), dtype=np.float64)
    return Run(
        traces,
        spike_step,
        tx_step[landed][order],
        tx_input[landed][order],
        tx_weight[landed][order],
        w_final,
        np.zeros(0),
    )


def run_nest(inputs: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """The ``nest`` stage: NEST's run of the protocol and the two deterministic comparisons."""
    p = params_from_config(params)
    pattern = (inputs["pattern_spike_step"].values, inputs["pattern_spike_input"].values)
    teacher = (inputs["teacher_ex_jump_nS"].values, inputs["teacher_in_jump_nS"].values)
    run = simulate_nest(p, *pattern, p.n_presentations, rng_seed=nest_rng_seed(seed))
    ds = trace_dataset(
        run.traces, run.spike_step, run.tx_step, run.tx_input, run.tx_weight, run.w_final, p
    )
    stats = presentation_metrics(
        ds["V_star_mV"].values, ds["V_soma_mV"].values, inputs["U_M_mV"].values, p
    )
    for name, (values, attrs) in stats.items():
        ds[name] = ("presentation", values, attrs)
    # spike replay: this kernel driven by NEST's somatic spikes
    forced = np.bincount(run.spike_step - 1, minlength=p.n_steps)[: p.n_steps]
    replay = simulate_protocol(
        p, *pattern, *teacher, np.zeros(p.n_steps), p.n_presentations, forced_spikes=forced
    )
    same = replay.tx_step.size == run.tx_step.size and np.array_equal(replay.tx_step, run.tx_step)
    if not same or not np.array_equal(replay.tx_input, run.tx_input):
        raise RuntimeError("urbanczik2014.nest: NEST processed other presynaptic spikes")
    ds["replay_tx_weight_pA"] = (
        "transmission",
        replay.tx_weight,
        var_attrs("pA", "weight this implementation transmits when replaying NEST's spikes"),
    )
    # plasticity off
    n_frozen = min(FROZEN_PRESENTATIONS, p.n_presentations)
    frozen_nest = simulate_nest(p, *pattern, n_frozen, rng_seed=nest_rng_seed(seed), eta=0.0)
    frozen_ours = simulate_protocol(
        p, *pattern, *teacher, spike_draws(seed, "frozen_spikes", p.n_steps), n_frozen, eta=0.0
    )
    n_frozen_steps = n_frozen * p.pattern_steps
    frozen_time = (np.arange(n_frozen_steps) + 1) * p.dt_ms
    ds = ds.assign_coords(
        frozen_time_ms=(
            "frozen_time_ms",
            frozen_time,
            var_attrs("ms", "end of the simulation step"),
        )
    )
    for name, column, who, run_ in (
        ("frozen_V_soma_nest_mV", K.U_COL, "NEST", frozen_nest),
        ("frozen_V_soma_ours_mV", K.U_COL, "this implementation", frozen_ours),
        ("frozen_V_dend_nest_mV", K.VD_COL, "NEST", frozen_nest),
        ("frozen_V_dend_ours_mV", K.VD_COL, "this implementation", frozen_ours),
    ):
        what = "somatic" if column == K.U_COL else "dendritic"
        ds[name] = (
            "frozen_time_ms",
            run_.traces[:, column],
            var_attrs("mV", f"{what} potential with plasticity off ({who})"),
        )
    ds.attrs["nest_version"] = nest.__version__
    ds.attrs["nest_rng_seed"] = nest_rng_seed(seed)
    return ds

"""Benchmark of the sadeh2015 kernel (not a test): run ``python benchmarks/bench_sadeh2015.py``.

1. Paper scale (N = 500), one seed: inputs + 40 plastic blocks + before/after tests + tuning
   curves before and after (12 orientations x 1 s), after compilation, on one Numba thread.
2. The N = 5,000 scale scenario, ``scale_5000`` of ``config/config.yaml`` (4,000 E, 1,000 I;
   connection probabilities x 500/5000 so every in-degree is kept; the I->E rule on existing
   synapses only, ``legacy_ie_no_mask: false``, since the reference's unmasked I->E update would
   grow all 3.6e6 absent I->E pairs): time per plastic block over its ``n_blocks`` learning
   blocks, and peak memory, on sparse weights (no dense matrix).  The same scenario runs through
   the workflow with ``snakemake --cores 2 results/sadeh2015/scale_5000/seed1/test.nc``.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

from synplast.config import scenario_config, validate_config  # noqa: E402
from synplast.papers.sadeh2015 import inputs, protocol  # noqa: E402
from synplast.papers.sadeh2015.kernel import SparseWeights  # noqa: E402
from synplast.papers.sadeh2015.params import params_from_config  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


SCALE_SCENARIO = "scale_5000"
"""The config scenario of the N = 5,000 run (optional: outside ``all``)."""


def scenario_params(scenario: str = "main", **overrides):
    """The main config's sadeh2015 parameters of ``scenario``, with field overrides."""
    import dataclasses

    import yaml

    with open(REPO / "config" / "config.yaml", encoding="utf-8") as handle:
        config = validate_config(
            yaml.safe_load(handle), REPO / "workflow/schemas/config.schema.yaml"
        )
    params = params_from_config(scenario_config(config, "sadeh2015", scenario))
    return dataclasses.replace(params, **overrides)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def paper_scale(seed: int) -> dict:
    p = scenario_params()
    t0 = time.perf_counter()
    po = inputs.preferred_orientations(p)
    W0 = inputs.initial_weights(p, seed)
    X_bp = inputs.test_input(p, po, seed)
    t1 = time.perf_counter()
    run = protocol.run_learning(p, W0, po, seed)
    t2 = time.perf_counter()
    protocol.run_static_test(p, W0, X_bp)
    protocol.run_static_test(p, run.W_final, X_bp)
    protocol.run_tuning(p, W0, po, seed)
    protocol.run_tuning(p, run.W_final, po, seed)
    t3 = time.perf_counter()
    return {
        "inputs": t1 - t0,
        "learning (40 blocks)": t2 - t1,
        "tests + tuning": t3 - t2,
        "total": t3 - t0,
    }


def scale_scenario(seed: int = 1) -> dict:
    p = scenario_params(SCALE_SCENARIO)
    n_blocks = p.n_blocks
    rss0 = maxrss_mb()
    tracemalloc.start()
    po = inputs.preferred_orientations(p)
    pre, post, w = inputs.connectivity_coo(p, seed)
    sw = SparseWeights(p.N, p.N_E, pre, post, w)
    del pre, post, w
    stim = inputs.stimulus_sequences(p, seed)
    net = protocol.Network.from_sparse(p, sw)
    times, rates = [], []
    for b in range(n_blocks):
        X = inputs.block_input(p, po, seed, b, stim[b])
        t = time.perf_counter()
        neuron, _ = net.run(X, plastic=True)
        times.append(time.perf_counter() - t)
        seconds = p.block_ms / 1000.0
        rates.append(
            f"{np.count_nonzero(neuron < p.N_E) / p.N_E / seconds:.2f} / "
            f"{np.count_nonzero(neuron >= p.N_E) / p.N_I / seconds:.2f}"
        )
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "neurons (E + I)": f"{p.N_E} + {p.N_I}",
        "blocks": n_blocks,
        "synapses": sw.w.size,
        "weights MB": sw.nbytes / 2**20,
        "block s (mean)": float(np.mean(times)),
        "block s (min)": float(np.min(times)),
        "traced peak MB": traced_peak / 2**20,
        "maxrss MB": maxrss_mb(),
        "maxrss growth MB": maxrss_mb() - rss0,
        "rates E/I Hz (last block)": rates[-1],
    }


def main() -> None:
    # warm-up: compile (or load from cache) every kernel signature on a tiny network
    small = scenario_params(N_E=40, N_I=10, n_blocks=1, n_ori=1, tuning_duration_ms=100.0)
    po = inputs.preferred_orientations(small)
    W0 = inputs.initial_weights(small, 0)
    protocol.run_learning(small, W0, po, 0)
    protocol.run_tuning(small, W0, po, 0)
    print(f"numba threads: {numba.get_num_threads()}, numba {numba.__version__}")
    scale = scale_scenario()
    print(f"\n| scale scenario {SCALE_SCENARIO} (per plastic block) | value |")
    print("|---|---|")
    for key, value in scale.items():
        print(f"| {key} | {value if isinstance(value, (int, str)) else f'{value:.3f}'} |")
    print("\n| paper scale N = 500, per seed (s) | seed 1 | seed 2 |")
    print("|---|---|---|")
    rows = [paper_scale(1), paper_scale(2)]
    for key in rows[0]:
        print(f"| {key} | {rows[0][key]:.2f} | {rows[1][key]:.2f} |")


if __name__ == "__main__":
    main()

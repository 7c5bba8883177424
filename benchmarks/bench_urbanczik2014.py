"""Benchmark of urbanczik2014 against NEST 3.10 (not a test):
``python benchmarks/bench_urbanczik2014.py [--nest-scale-presentations N]``.

Side by side in one run, on one core, after compilation, on identical input spikes:

1. the reference example's protocol (104 presentations, 20.8 s simulated), seeds 1-3: this
   implementation's ``plastic`` stage (and its kernel alone) against NEST simulating the same
   network (building it and reading out the recorders included; NEST's ``Simulate`` calls
   alone in brackets), in seconds per simulated second, and NEST's cost per presentation at
   the start and at the end of the run;
2. the ``scale`` scenario (2,000 inputs, 300 teaching presentations, 60.8 s simulated): this
   implementation's cost per simulated second for runs of 30, 100 and 300 teaching
   presentations (constant per step: a synapse walks only the history entries since its own
   last spike), and NEST's per presentation as the run proceeds (it grows: the dendritic
   history is pruned only once every synapse has read an entry, which a silent input never
   does, and every presynaptic spike scans the history from its start).  NEST's scale run takes
   several minutes; ``--nest-scale-presentations N`` stops it after N presentations.

Target: the example's protocol in under 1 s per seed on one core, NEST needing several seconds.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synplast.config import validate_config  # noqa: E402
from synplast.papers.urbanczik2014 import inputs, nest_run, plastic  # noqa: E402
from synplast.papers.urbanczik2014.params import params_from_config  # noqa: E402
from synplast.pipeline.graph import stage_params  # noqa: E402

PAPER = "urbanczik2014"
SEEDS = (1, 2, 3)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def ours(params: dict, seed: int) -> tuple[float, float, float]:
    """Seconds of the plastic stage and of the kernel alone, and the simulated seconds."""
    p = params_from_config(params)
    made = inputs.make_inputs(params, seed)
    _, stage = timed(plastic.run_plastic, made, params, seed)
    _, kernel = timed(
        plastic.simulate_protocol,
        p,
        made["pattern_spike_step"].values,
        made["pattern_spike_input"].values,
        made["teacher_ex_jump_nS"].values,
        made["teacher_in_jump_nS"].values,
        plastic.spike_draws(seed, "soma_spikes", p.n_steps),
        p.n_presentations,
    )
    return stage, kernel, p.n_steps * p.dt_ms * 1e-3


def nest(params: dict, seed: int, presentations: int | None = None):
    """NEST's total seconds, its per-presentation Simulate seconds, and the simulated seconds."""
    p = params_from_config(params)
    made = inputs.make_inputs(params, seed)
    n = p.n_presentations if presentations is None else min(presentations, p.n_presentations)
    chunks: list[float] = []
    _, total = timed(
        nest_run.simulate_nest,
        p,
        made["pattern_spike_step"].values,
        made["pattern_spike_input"].values,
        n,
        rng_seed=nest_run.nest_rng_seed(seed),
        chunk_seconds=chunks,
    )
    return total, np.asarray(chunks), n * p.pattern_steps * p.dt_ms * 1e-3


def with_presentations(params: dict, n_pattern_rep: int) -> dict:
    return {**params, "protocol": {**params["protocol"], "n_pattern_rep": n_pattern_rep}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nest-scale-presentations", type=int, default=None)
    args = parser.parse_args()
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
    seed_params = stage_params(config, PAPER, "main", "plastic")
    scale_params = stage_params(config, PAPER, "scale", "plastic")
    small = with_presentations(seed_params, 1)
    ours(small, 99)  # compile or load the kernel
    print(f"urbanczik2014 on one core (NEST {nest_run.nest.__version__}), after compilation")

    print("\n1. the example's protocol (104 presentations, 200 inputs), seeds", SEEDS)
    rows = []
    for seed in SEEDS:
        stage, kernel, simulated = ours(seed_params, seed)
        total, chunks, _ = nest(seed_params, seed)
        rows.append((stage, kernel, total, chunks.sum(), chunks[:10].mean(), chunks[-10:].mean()))
        print(
            f"   seed {seed}: ours {stage:.3f} s (kernel {kernel:.3f} s); NEST {total:.3f} s "
            f"(Simulate {chunks.sum():.3f} s; per presentation {chunks[:10].mean() * 1e3:.1f} ms "
            f"first 10, {chunks[-10:].mean() * 1e3:.1f} ms last 10)"
        )
    median = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"   median per simulated second: ours {median[0] / simulated:.4f} s "
        f"(kernel {median[1] / simulated:.4f} s), NEST {median[2] / simulated:.4f} s "
        f"(Simulate {median[3] / simulated:.4f} s): NEST / ours = {median[2] / median[0]:.1f}"
    )

    print("\n2. scale: 2,000 inputs (seed 1)")
    for n_rep in (30, 100, 300):
        stage, kernel, simulated = ours(with_presentations(scale_params, n_rep), 1)
        print(
            f"   ours, {n_rep + 4:3d} presentations ({simulated:.1f} s simulated): stage "
            f"{stage:.2f} s, kernel {kernel:.2f} s = {kernel / simulated:.4f} s per simulated s"
        )
    total, chunks, simulated = nest(scale_params, 1, args.nest_scale_presentations)
    per_second = chunks / (params_from_config(scale_params).pattern_duration_ms * 1e-3)
    print(
        f"   NEST, {chunks.size} presentations ({simulated:.1f} s simulated): {total:.1f} s "
        f"(Simulate {chunks.sum():.1f} s)"
    )
    for first in sorted({0, 10, 50, 100, 200, 290, chunks.size - 10} & set(range(chunks.size))):
        window = per_second[first : first + 10]
        print(
            f"      presentations {first:3d}-{first + window.size - 1:3d}: "
            f"{window.mean():.3f} s per simulated s"
        )
    slope = np.polyfit(np.arange(chunks.size), per_second, 1)[0]
    print(f"      growth: {slope * 100:.3f} s per simulated s per 100 presentations")


if __name__ == "__main__":
    main()

"""Benchmark of the sweeney2017 stages (not a test): ``python benchmarks/bench_sweeney2017.py``.

Times, after compilation, on one core: the input draw, the plastic stage (the published run
of 2.5 million Euler steps) and the test stage, for the diffusive and the standard scenario,
median over seeds 1-3; and, side by side, the per-step cost of a NumPy transliteration of the
reference update (``tests/kernels/test_sweeney2017_kernel.py``) over 20,000 steps.  Target: the
2.5 million step run in under 5 s per scenario and seed.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synplast.config import scenario_config, validate_config  # noqa: E402
from synplast.papers.sweeney2017 import inputs, plastic, probe  # noqa: E402
from synplast.papers.sweeney2017.params import params_from_config  # noqa: E402
from synplast.pipeline.graph import stage_params  # noqa: E402
from tests.kernels.test_sweeney2017_kernel import network, reference_run  # noqa: E402

SEEDS = (1, 2, 3)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
    print("sweeney2017 stage timings (s), median over seeds", SEEDS, "after compilation")
    for scenario in ("diffusive", "standard"):
        params = {
            s: stage_params(config, "sweeney2017", scenario, s)
            for s in ("inputs", "plastic", "test")
        }
        small = {**params["plastic"], "protocol": {"n_steps": 2000, "sample_every_steps": 1000}}
        plastic.run_plastic(inputs.make_inputs(small, 99), small, 99)  # compile or load
        times = {"inputs": [], "plastic": [], "test": []}
        for seed in SEEDS:
            ds, t_in = timed(inputs.make_inputs, params["inputs"], seed)
            pl, t_pl = timed(plastic.run_plastic, ds, params["plastic"], seed)
            _, t_te = timed(probe.run_test, ds, pl, params["test"], seed)
            for key, value in zip(times, (t_in, t_pl, t_te), strict=True):
                times[key].append(value)
        line = "  ".join(f"{k} {statistics.median(v):.3f}" for k, v in times.items())
        n_steps = params["plastic"]["protocol"]["n_steps"]
        per_step = statistics.median(times["plastic"]) / n_steps * 1e6
        print(f"{scenario:>10}: {line}   ({per_step:.2f} us per step)")
    p = replace(
        params_from_config(scenario_config(config, "sweeney2017", "diffusive")),
        n_steps=20_000,
    )
    W0, D, epochs = network(p)
    _, t_ref = timed(reference_run, p, W0, D, epochs, 20_000)
    print(
        f"NumPy transliteration of the reference step: {t_ref / 20_000 * 1e6:.1f} us per step "
        f"({t_ref / 20_000 * 2.5e6:.0f} s for the published run)"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the tsodyks2000 stages (not a test): ``python benchmarks/bench_tsodyks2000.py``.

Times, after compilation, per network seed (median over seeds 1-5), on 1 and on 2 Numba
threads: the input draw, the plastic stage (900 ms burn-in), the test stage (4200 ms recording
with metrics), both together (the main scenario: 500 neurons, 5.1 s at 1 ms steps), and a 20 s
recording.  Targets (issue 2): plastic + test under 1 s, a 20 s recording under 3 s, on one
core.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "2")

import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numba  # noqa: E402
import yaml  # noqa: E402

from synplast.config import scenario_config, validate_config  # noqa: E402
from synplast.papers.tsodyks2000.inputs import make_inputs  # noqa: E402
from synplast.papers.tsodyks2000.plastic import run_plastic  # noqa: E402
from synplast.papers.tsodyks2000.probe import run_test  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = (1, 2, 3, 4, 5)


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
    main_params = scenario_config(config, "tsodyks2000", "main")
    long_params = scenario_config(config, "tsodyks2000", "ib_0.5")  # 20 s recording
    warm = make_inputs(main_params, 99)
    run_test(warm, run_plastic(warm, main_params, 99), main_params, 99)  # compile
    print(f"tsodyks2000 stage timings, median over seeds {SEEDS} (s), after compilation")
    print(
        f"{'threads':>7} {'inputs':>8} {'plastic':>8} {'test':>8} {'plastic+test':>13} "
        f"{'20 s rec':>9}"
    )
    for threads in (1, 2):
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        rows = []
        for seed in SEEDS:
            inputs, t_inputs = timed(make_inputs, main_params, seed)
            plastic, t_plastic = timed(run_plastic, inputs, main_params, seed)
            _, t_test = timed(run_test, inputs, plastic, main_params, seed)
            long_plastic = run_plastic(inputs, long_params, seed)
            _, t_long = timed(run_test, inputs, long_plastic, long_params, seed)
            rows.append((t_inputs, t_plastic, t_test, t_plastic + t_test, t_long))
        med = [statistics.median(column) for column in zip(*rows, strict=True)]
        print(
            f"{numba.get_num_threads():>7} {med[0]:8.3f} {med[1]:8.3f} {med[2]:8.3f} "
            f"{med[3]:13.3f} {med[4]:9.3f}"
        )


if __name__ == "__main__":
    main()

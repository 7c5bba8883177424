"""Benchmark of the milstein2021 stages (not a test): ``python benchmarks/bench_milstein2021.py``.

Times, after compilation, on one core (median of three runs; Model C over seeds 0-2):

- Model A: each stage of ``A-ref`` and ``A-seed`` (three variants, 50 x 50 initial weights and
  inputs, three passes of 2000 samples);
- the calibration and Model B: the calibration (one least-squares fit over 200 weights), each
  induction's ``inputs`` (signals and the target's least-squares fit, cached by the workflow),
  ``plastic`` (the induction laps: the model) and ``test``;
- Model C (500 cells, 25 laps): ``inputs`` (the whole run's traces), ``network`` per seed,
  ``readout``; and, side by side, the plain NumPy/Python transliteration of the reference's loop
  (``tests/kernels/test_milstein2021_kernels.py``) on 50 cells, scaled to 500.

Targets: Models A and B under 1 s each after compilation (the least-squares fits, cached
artefacts, aside); Model C under 5 s per seed on one core.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import copy  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from synplast.config import validate_config  # noqa: E402
from synplast.papers.milstein2021 import (  # noqa: E402
    a_inputs,
    a_plastic,
    a_test,
    b_inputs,
    b_plastic,
    b_test,
    c_inputs,
    c_network,
    c_readout,
    calibration,
)
from synplast.pipeline.graph import stage_params  # noqa: E402

PAPER = "milstein2021"
REPEATS = 3


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def median_time(function, *args):
    times = []
    for _ in range(REPEATS):
        result, seconds = timed(function, *args)
        times.append(seconds)
    return result, statistics.median(times)


def params(config, scenario, stage):
    return stage_params(config, PAPER, scenario, stage)


def bench_a(config) -> None:
    for scenario in ("A-ref", "A-seed"):
        p = {s: params(config, scenario, s) for s in ("inputs", "plastic", "test")}
        a_plastic.run_plastic(a_inputs.make_inputs(p["inputs"]), p["plastic"])  # compile
        inputs, t_in = median_time(a_inputs.make_inputs, p["inputs"])
        plastic, t_pl = median_time(a_plastic.run_plastic, inputs, p["plastic"])
        _, t_te = median_time(a_test.run_test, inputs, plastic, p["test"])
        total = t_in + t_pl + t_te
        print(
            f"  {scenario:<24} inputs {t_in:.3f}  plastic {t_pl:.3f}  test {t_te:.3f}  "
            f"(total {total:.3f})"
        )


def bench_b(config):
    cal, t_cal = timed(calibration.run_calibration, params(config, "calibration", "calibration"))
    print(f"  calibration (rsf {float(cal['rsf']):.6f}): {t_cal:.3f}")
    start_inputs = start_plastic = None
    for scenario in ("B-induction1", "B-induction2"):
        p = {s: params(config, scenario, s) for s in ("inputs", "plastic", "test")}
        inputs, t_in = timed(b_inputs.make_inputs, cal, start_inputs, p["inputs"])
        fast = copy.deepcopy(p["inputs"])
        fast["protocol"]["B"]["lsa"]["max_iterations"] = 0
        _, t_signals = median_time(b_inputs.make_inputs, cal, start_inputs, fast)
        b_plastic.run_plastic(inputs, start_plastic, p["plastic"])  # compile
        plastic, t_pl = median_time(b_plastic.run_plastic, inputs, start_plastic, p["plastic"])
        _, t_te = median_time(b_test.run_test, inputs, plastic, p["test"])
        print(
            f"  {scenario:<24} inputs {t_in:.3f} (signals {t_signals:.3f}, the rest the "
            f"least-squares target)  plastic {t_pl:.3f}  test {t_te:.3f}  "
            f"(model {t_signals + t_pl + t_te:.3f})"
        )
        start_inputs, start_plastic = inputs, plastic
    return cal


def bench_c(config, cal) -> None:
    p = {s: params(config, "C-network", s) for s in ("inputs", "network", "readout")}
    inputs, t_in = timed(c_inputs.make_inputs, p["inputs"])
    small = copy.deepcopy(p["network"])
    small["model"]["C"]["n_cells"] = 10
    small["protocol"]["C"].update(n_explore_laps=1, n_reward_laps=1, n_familiar_laps=1)
    small_inputs = c_inputs.make_inputs({"model": small["model"], "protocol": small["protocol"]})
    c_network.run_network(small_inputs, cal, small, 0)  # compile
    times = []
    for seed in (0, 1, 2):
        network, t_net = timed(c_network.run_network, inputs, cal, p["network"], seed)
        times.append(t_net)
        print(
            f"  C-network seed {seed}: network {t_net:.3f} "
            f"({int(network['plateaus_per_lap'].sum())} plateaus)"
        )
    _, t_ro = median_time(c_readout.run_readout, network, p["readout"], 2)
    print(
        f"  C-network: inputs {t_in:.3f}  network {statistics.median(times):.3f} (median)  "
        f"readout {t_ro:.3f}"
    )
    from tests.kernels.test_milstein2021_kernels import ref_network, ref_track

    binned_x, interp_x, _ = ref_track()
    model = copy.deepcopy(p["network"]["model"]["C"])
    model["n_cells"] = 50
    start = time.perf_counter()
    ref_network(
        inputs, float(cal["rsf"]), model, p["network"]["protocol"]["C"], 0, interp_x, binned_x
    )
    t_ref = time.perf_counter() - start
    print(
        f"  NumPy/Python transliteration of the reference loop: {t_ref:.1f} s for 50 cells "
        f"(about {t_ref * 10:.0f} s for 500)"
    )


def main() -> None:
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    validate_config(config, REPO / "workflow/schemas/config.schema.yaml")
    print("milstein2021 stage timings (s) after compilation, one thread")
    print("Model A (median of 3):")
    bench_a(config)
    print("Calibration and Model B (model: median of 3):")
    cal = bench_b(config)
    print("Model C (500 cells, 25 laps):")
    bench_c(config, cal)


if __name__ == "__main__":
    main()

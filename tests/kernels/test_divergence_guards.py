"""The divergence guard: a NaN or an overflow in a simulation stops its job with one line
naming the paper, scenario, seed, stage, step and variable, and leaves no file.

Every paper's simulation is driven into a real blow-up through its own stage function, run by
``run_stage`` on the small config with one value changed: most of these values are outside
the schema's ranges (``run_stage`` does not validate; the workflow would have refused them),
so each case is a model made unstable, or a rate so large that the update overflows.  The
step reported is checked against an independent computation where one is short (the
tsodyks2000 membrane), or by running the same model one step less (sweeney2017), and the
job path (the rule script's log wrapper) and ``synplast stage`` are checked to print one line,
the latter on a config the schema accepts.
"""

from __future__ import annotations

import copy
import math
import runpy
from types import SimpleNamespace

import numba
import numpy as np
import pytest
import yaml

from synplast import cli
from synplast.kernels.guard import SimulationDiverged
from synplast.kernels.lif import membrane_decay
from synplast.pipeline.graph import Request, stage_path, upstream_requests
from synplast.pipeline.stage import run_stage
from synplast.stagefile import read_stage
from tests.conftest import REPO


def run_chain(config, paper, scenario, seed, stage):
    """Run the stages ``stage`` reads (recursively, each once), then ``stage`` itself."""
    for read in upstream_requests(config, paper, Request(scenario, seed, stage)):
        if read is not None and not stage_path(paper, *read, config["results_dir"]).exists():
            run_chain(config, paper, *read)
    return run_stage(paper, stage, config=config, scenario=scenario, seed=seed)


def set_key(config, paper, dotted, value):
    """Set the dotted key of a paper's config (the scenario-independent sections)."""
    node = config[paper]
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[part]
    node[last] = value


def provoke(small_config, tmp_path, paper, scenario, seed, stage, changes):
    """Run ``stage`` (and what it reads) with ``changes`` applied; returns the divergence and
    the config it ran with."""
    config = copy.deepcopy(small_config)
    config["results_dir"] = str(tmp_path / "results")
    for dotted, value in changes.items():
        set_key(config, paper, dotted, value)
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(SimulationDiverged) as caught:
        run_chain(config, paper, scenario, seed, stage)
    return caught.value, config


def assert_one_line_naming_the_job(error, config, paper, scenario, seed, stage, variable):
    """One line: paper, scenario, seed (or 'deterministic'), stage, variable, value and step;
    and the stage wrote nothing, not even a temporary file."""
    message = str(error)
    assert "\n" not in message
    seed_text = "deterministic" if seed is None else f"seed {seed}"
    assert message.startswith(
        f"{paper} scenario {scenario} {seed_text}, stage {stage}: variable {variable!r} "
    ), message
    assert error.variable == variable
    assert not math.isfinite(error.value)
    assert f" became {error.value!r} at step {error.step}" in message
    assert error.step >= 0
    output = stage_path(paper, scenario, seed, stage, config["results_dir"])
    assert not output.exists()
    assert not list(output.parent.glob(f".{output.name}*"))


def test_tsodyks2000_unstable_membrane_stops_at_the_step_v_overflows(small_config, tmp_path):
    """tau_mem < 0 makes the membrane unstable: below its fixed point v runs away by e^10 per
    1-ms step and overflows to -inf; no neuron spikes on the way, so the step follows from
    v' = v_inf + (v - v_inf) e^10 alone."""
    error, config = provoke(
        small_config, tmp_path, "tsodyks2000", "main", 1, "plastic", {"model.tau_mem_ms": -0.1}
    )
    assert_one_line_naming_the_job(error, config, "tsodyks2000", "main", 1, "plastic", "v_mV")
    assert error.value == -math.inf
    inputs = read_stage(stage_path("tsodyks2000", "main", 1, "inputs", config["results_dir"]))
    v, v_inf = inputs["v0_mV"].values.astype(float), inputs["bias_mV"].values
    decay = membrane_decay(1.0, -0.1)
    step = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while np.isfinite(v := v_inf + (v - v_inf) * decay).all():
            step += 1
    assert error.step == step
    assert error.where == f"t = {step} ms"


@pytest.mark.parametrize(
    ("changes", "variable", "step"),
    [
        # the feedforward jump overflows V when two input events arrive in one step: +inf
        # crosses the threshold, whose reset would hide it
        ({"model.J_ffw_mV": 1e308}, "V_mV", 0),
        # the LTP amplitude overflows the LTP factor at the first step of the rule
        ({"model.A_LTP_per_mV2": 1e308}, "post_ltp_mV", 1),
    ],
    ids=["V_overflow", "LTP_overflow"],
)
def test_sadeh2015_divergence_names_the_block_and_the_step(
    small_config, tmp_path, changes, variable, step
):
    """Both overflow at once (the first input events; the first step of the rule), in the
    first learning block."""
    error, config = provoke(small_config, tmp_path, "sadeh2015", "main", 1, "plastic", changes)
    assert_one_line_naming_the_job(error, config, "sadeh2015", "main", 1, "plastic", variable)
    assert error.value == math.inf
    assert error.step == step
    assert error.where == f"learning block 0, t = {step} ms into the block"


def test_sweeney2017_unstable_threshold_stops_at_its_overflow(small_config, tmp_path):
    """eta_theta > 2 makes the sliding threshold's update unstable (theta <- (1 - eta) theta +
    ...): it doubles in size every step until it overflows.  The same run one step shorter
    completes."""
    changes = {"model.eta_theta_per_step": 3.0}
    error, config = provoke(
        small_config, tmp_path, "sweeney2017", "diffusive", 1, "plastic", changes
    )
    assert_one_line_naming_the_job(error, config, "sweeney2017", "diffusive", 1, "plastic", "theta")
    assert 1000 < error.step < 1100  # |theta| ~ 2^step reaches 1.8e308 near step 1024
    assert error.where == f"t = {error.step * 0.05:g} tau"
    config["sweeney2017"]["protocol"]["n_steps"] = error.step + 1  # steps 0 .. step
    with pytest.raises(SimulationDiverged) as again, np.errstate(over="ignore", invalid="ignore"):
        run_stage("sweeney2017", "plastic", config=config, scenario="diffusive", seed=1)
    assert (again.value.step, again.value.variable) == (error.step, "theta")
    config["sweeney2017"]["protocol"]["n_steps"] = error.step  # steps 0 .. step - 1
    with np.errstate(over="ignore", invalid="ignore"):
        path = run_stage("sweeney2017", "plastic", config=config, scenario="diffusive", seed=1)
    assert np.isfinite(read_stage(path)["theta_final"].values).all()


def test_urbanczik2014_unstable_integrator_stops_and_a_stable_one_does_not(small_config, tmp_path):
    """A somatic capacitance of 0.01 pF makes the membrane time constant far shorter than the
    RK4 substep: the integration explodes.  Exponential Euler, exact for each substep's
    frozen coefficients, stays finite on the same stiff neuron."""
    changes = {"model.C_soma_pF": 0.01}
    error, config = provoke(small_config, tmp_path, "urbanczik2014", "main", 1, "plastic", changes)
    assert_one_line_naming_the_job(
        error, config, "urbanczik2014", "main", 1, "plastic", "V_soma_mV"
    )
    assert error.where == f"t = {(error.step + 1) * 0.1:g} ms, the end of the step"
    config["urbanczik2014"]["model"]["integrator"] = "exponential_euler"
    path = run_stage("urbanczik2014", "plastic", config=config, scenario="main", seed=1)
    assert np.isfinite(read_stage(path)["V_soma_mV"].values).all()


def test_milstein2021_model_a_overflow_is_named_in_a_deterministic_stage(small_config, tmp_path):
    """A learning rate of 1e308 overflows lr * W_max; where q+ = q- = 0 (before any input's
    eligibility trace) the rate is inf * 0 = NaN at the very first sample."""
    changes = {"model.A.variants.nonlinear.learning_rate_per_s": 1e308}
    error, config = provoke(
        small_config, tmp_path, "milstein2021", "A-ref", None, "plastic", changes
    )
    assert_one_line_naming_the_job(error, config, "milstein2021", "A-ref", None, "plastic", "W")
    assert math.isnan(error.value)
    assert error.step == 0
    assert error.where.startswith("variant nonlinear, initial weight 1, input 0, pass 0, sample 0")


def test_milstein2021_network_overflow_names_the_lap_and_the_cell(small_config, tmp_path):
    """A depression rate of 1.79e308 overflows k_dep * Q for any Q > 1 (Q: the integral of
    q- over a two-lap window): the first cell with a plateau gets w = -inf."""
    changes = {"model.C.k_dep_per_s": 1.79e308}
    error, config = provoke(
        small_config, tmp_path, "milstein2021", "C-network", 0, "network", changes
    )
    assert_one_line_naming_the_job(error, config, "milstein2021", "C-network", 0, "network", "w")
    assert error.value == -math.inf
    assert error.where.startswith(f"lap {error.step}, cell ")


def test_rule_script_prints_one_line_and_keeps_the_traceback_in_the_log(
    small_config, tmp_path, capsys
):
    """The Snakemake job's script (``workflow/scripts/stage.py``): one line on the console
    naming the job and the log, the traceback in the log, exit status 1, no output file."""
    config = copy.deepcopy(small_config)
    config["results_dir"] = str(tmp_path / "results")
    config["tsodyks2000"]["model"]["tau_mem_ms"] = -0.1
    inputs = run_stage("tsodyks2000", "inputs", config=config, scenario="main", seed=1)
    output = stage_path("tsodyks2000", "main", 1, "plastic", config["results_dir"])
    log = tmp_path / "logs" / "plastic.log"
    wildcards = {"paper": "tsodyks2000", "stage": "plastic", "scenario": "main", "seed": "1"}
    smk = SimpleNamespace(
        log=[str(log)],
        threads=1,
        wildcards=SimpleNamespace(get=wildcards.get, **wildcards),
        config=config,
        output=[str(output)],
        input=[str(inputs)],
        params=SimpleNamespace(code_sha256="0" * 64),
    )
    capsys.readouterr()
    threads = numba.get_num_threads()
    try:
        with pytest.raises(SystemExit) as exit_:
            runpy.run_path(str(REPO / "workflow/scripts/stage.py"), init_globals={"snakemake": smk})
    finally:
        numba.set_num_threads(threads)  # the script sets the job's thread count
    assert exit_.value.code == 1
    console = capsys.readouterr().err
    assert console.count("\n") == 1
    assert console.startswith(
        "synplast: SimulationDiverged: tsodyks2000 scenario main seed 1, stage plastic: "
        "variable 'v_mV' (membrane potential) became -inf at step "
    ), console
    assert console.endswith(f" (log: {log})\n")
    text = log.read_text()
    assert "Traceback" in text and console.split(": ", 2)[2].split(" (log:")[0] in text
    assert not output.exists()


def test_synplast_stage_prints_one_line_for_a_config_the_schema_accepts(tmp_path, capsys):
    """An E->E strength of 1e308 mV passes the schema (it has no upper bound); its draws
    overflow to inf, and inf * y(0) = NaN is the drive at the first step."""
    bad = tmp_path / "bad.yaml"
    ee = {"A_mV": 1e308, "U": 0.5, "U_min": 0.1, "U_max": 0.9, "tau_rec_ms": 800.0}
    bad.write_text(
        yaml.safe_dump(
            {
                "results_dir": str(tmp_path / "results"),
                "tsodyks2000": {"model": {"pathways": {"ee": {**ee, "tau_facil_ms": None}}}},
            }
        )
    )
    files = ["--configfile", str(REPO / "config/config.yaml"), str(REPO / "config/small.yaml")]
    files.append(str(bad))
    with np.errstate(over="ignore", invalid="ignore"):
        assert cli.main(["stage", "tsodyks2000", "inputs", "main", "1", *files]) == 0
        capsys.readouterr()
        assert cli.main(["stage", "tsodyks2000", "plastic", "main", "1", *files]) == 1
    assert capsys.readouterr().err == (
        "synplast: tsodyks2000 scenario main seed 1, stage plastic: variable 'v_mV' "
        "(membrane potential) became nan at step 0 (t = 0 ms)\n"
    )
    assert not stage_path("tsodyks2000", "main", 1, "plastic", tmp_path / "results").exists()

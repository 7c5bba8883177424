"""The Numba kernels, their small cases, and their pure-Python replay (``NUMBA_DISABLE_JIT``).

Every ``@njit`` function of ``synplast`` (:func:`njit_functions` finds them by importing every
module whose source mentions ``jit`` and collecting its dispatchers) must be checked on a small
case:

- a kernel that a stage calls from Python is listed in :data:`KERNELS` with the tiny run
  (:data:`CHAINS`) that calls it: the run's stages go through ``run_stage`` as the workflow
  runs them, at a size where pure Python takes seconds, while :func:`recorded_calls` records
  the arguments of the first call of each kernel in each stage that changes something (an
  argument or a returned array), so the cases follow the stages' own calling code and
  signatures;
- a kernel no stage calls from Python gets a builder of its arguments in :data:`KERNELS`;
- a helper that only other kernels call (inlined by Numba) is covered when the pure-Python
  replay reaches it: the replay records every function it enters.

The replay (``python -m tests.determinism.kernels IN OUT`` with ``NUMBA_DISABLE_JIT=1``, where
``@njit`` returns the plain Python function and ``prange`` is ``range``) runs each case and
writes the return values and the arguments after the call, to compare with the compiled call.
"""

from __future__ import annotations

import copy
import importlib
import pickle
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Chain:
    """A tiny run: the non-optional stages of ``scenarios`` of ``paper`` (and the stages they
    read), with the YAML ``overlay`` on top of ``config.yaml`` and ``small.yaml``."""

    paper: str
    scenarios: tuple[str, ...]
    overlay: str


CHAINS = {
    # 50 neurons, ~250 synapses; random v0 puts some neurons at threshold from the start so
    # both depressing and facilitating synapses release within the 2 x 100 steps
    "tsodyks2000": Chain(
        "tsodyks2000",
        ("main",),
        """
tsodyks2000:
  model: {n_exc: 40, n_inh: 10, v0_mode: uniform_0_15}
  protocol: {burn_in_ms: 100.0, record_ms: 100.0}
""",
    ),
    "sadeh2015": Chain(
        "sadeh2015",
        ("main",),
        """
sadeh2015:
  model: {N_E: 40, N_I: 10}
  protocol: {n_blocks: 1, n_stim_per_block: 2, n_blocks_spont: 1, n_blocks_cardinal: 1,
             n_cardinal_per_block: 1, n_ori: 2, tuning_duration_ms: 100.0}
""",
    ),
    # the reference's diffusive rule, and the standard one with the optional input noise
    "sweeney2017": Chain(
        "sweeney2017",
        ("diffusive", "standard"),
        """
sweeney2017:
  model: {n_outputs: 10, epoch_steps: 100}
  protocol: {n_steps: 1000, sample_every_steps: 100}
  scenarios:
    standard: {seeds: [1], model: {averaging: none, input_ou_sigma: 0.5}}
""",
    ),
    # A with both integrators, B (the rule), C (the walk with the exact MT19937 streams)
    "milstein2021": Chain(
        "milstein2021",
        ("A-ref", "A-seed", "B-induction1", "C-network"),
        """
milstein2021:
  model: {C: {n_cells: 8}}
  protocol: {A: {n_W0: 4}}
""",
    ),
    # dead time (the Bernoulli spike draw) and none (Poisson counts)
    "urbanczik2014": Chain(
        "urbanczik2014",
        ("main", "no_dead_time"),
        """
urbanczik2014:
  model: {n_inputs: 50}
  protocol: {pattern_duration_ms: 100.0, n_pre_rep: 1, n_pattern_rep: 2, n_post_rep: 1}
""",
    ),
}


def _mt19937_random_case(calls: dict):
    """``random()`` of the stream of ``random.Random(2**40 + 7)``: the first call twists."""
    from synplast.papers.milstein2021 import mt19937

    state = mt19937.new_state_array()
    mt19937.seed_state(state, 2**40 + 7)
    return [((state,), {})]


def _recorded_calls_of(kernel: str) -> Callable:
    """A builder: the recorded calls of ``kernel`` (for a variant with its signature)."""

    def build(calls: dict):
        return [call for (name, _), call in calls.items() if name == kernel]

    return build


@dataclass(frozen=True)
class KernelCase:
    """How a kernel gets its small cases: the calls of a tiny run (``chain``), or
    ``build(recorded calls)`` (a list of ``(args, kwargs)``).  Each ``(parameter, index)`` of
    ``nan_in`` adds a diverging case: the kernel's first recorded call with a NaN at ``index``
    of the argument ``parameter`` (an array, or a tuple of constants), so that its divergence
    guard and the propagation of the NaN run in both forms."""

    chain: str | None = None
    build: Callable | None = field(default=None, compare=False)
    nan_in: tuple[tuple[str, tuple[int, ...]], ...] = ()


KERNELS: dict[str, KernelCase] = {
    "synplast.papers.tsodyks2000.kernel:advance": KernelCase(
        "tsodyks2000",
        nan_in=(("y", (3,)),),  # a synapse's y: its target's drive, then v
    ),
    "synplast.papers.sadeh2015.kernel:_run_block_sparse": KernelCase(
        "sadeh2015",
        nan_in=(("consts", (4,)), ("consts", (8,))),  # J_ffw: V; the LTD scale
    ),
    "synplast.papers.sweeney2017.kernel:advance": KernelCase(
        "sweeney2017",
        nan_in=(("W", (2, 1)),),  # a weight: its output's y in the next step
    ),
    # Model A's kernels stop at a non-finite weight leaving rows of their np.empty result
    # unwritten (the stage then raises): no diverging case, as those rows hold whatever the
    # memory held, in either form
    "synplast.papers.milstein2021.kernel_a:euler_passes": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.kernel_a:euler_rates": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.kernel_a:trapezoid_passes_guarded": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.kernel_a:trapezoid_passes": KernelCase(
        build=_recorded_calls_of("synplast.papers.milstein2021.kernel_a:trapezoid_passes_guarded")
    ),
    "synplast.papers.milstein2021.rule:window_integrals": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.rule:update_weights": KernelCase(
        "milstein2021", nan_in=(("P", (1,)),)
    ),
    "synplast.papers.milstein2021.network_kernel:periodic_interp": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.network_kernel:sample_plateaus": KernelCase("milstein2021"),
    "synplast.papers.milstein2021.network_kernel:update_cells": KernelCase(
        "milstein2021",
        nan_in=(("ET", (0,)),),  # input 0's eligibility trace, every sample
    ),
    "synplast.papers.milstein2021.mt19937:random": KernelCase(build=_mt19937_random_case),
    "synplast.papers.urbanczik2014.kernel:conductance_trace": KernelCase("urbanczik2014"),
    "synplast.papers.urbanczik2014.kernel:simulate": KernelCase(
        "urbanczik2014",
        nan_in=(("w0", ()),),  # every initial weight: the jump of the first input spike
    ),
}
"""Every kernel called from Python (by a stage, or by no stage at all), with its small case.
Kernels that only other kernels call need no entry: the replay must reach them."""


# --- finding the kernels ----------------------------------------------------------------------


def njit_functions() -> dict[str, object]:
    """``"module:qualname"`` -> dispatcher of every Numba-compiled function that a ``synplast``
    module defines (every module whose source mentions ``jit`` is imported; the others, e.g.
    the NEST cross-check, which sets Numba's threading layer when imported, are not)."""
    from numba.core.dispatcher import Dispatcher

    import synplast

    package = Path(synplast.__file__).resolve().parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        if "jit" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher) and obj.py_func.__module__ == name:
                found[f"{name}:{obj.py_func.__qualname__}"] = obj
    return found


def kernel_name(function) -> str:
    """``"module:qualname"`` of a dispatcher or a plain function."""
    function = getattr(function, "py_func", function)
    return f"{function.__module__}:{function.__qualname__}"


def resolve(name: str):
    """The object ``"module:qualname"`` names (a dispatcher, or with ``NUMBA_DISABLE_JIT`` a
    plain function)."""
    module, _, qualname = name.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


# --- recording the calls of a tiny run ---------------------------------------------------------


def holds_values(value) -> bool:
    """Whether a return value holds a non-empty array (a bare status flag does not count)."""
    if isinstance(value, np.ndarray):
        return value.size > 0
    if isinstance(value, tuple | list):
        return any(holds_values(v) for v in value)
    return False


@contextmanager
def recorded_calls(calls: dict, where: list):
    """Record, while active, the first call of every Numba kernel called from Python per
    ``(kernel, where[0])`` that changes an argument or returns an array: ``calls[(kernel,
    where[0])] = (args, kwargs)`` as they were before the call.  Calls from compiled code do
    not go through Python and are not seen."""
    from numba.core.registry import CPUDispatcher

    from tests.determinism.helpers import value_differences

    compiled_call = CPUDispatcher.__call__

    def recording(self, *args, **kwargs):
        key = (kernel_name(self), where[0])
        if key in calls:
            return compiled_call(self, *args, **kwargs)
        before = copy.deepcopy((args, kwargs))
        result = compiled_call(self, *args, **kwargs)
        if holds_values(result) or value_differences(before, (args, kwargs)):
            calls[key] = before
        return result

    CPUDispatcher.__call__ = recording
    try:
        yield calls
    finally:
        del CPUDispatcher.__call__
        assert CPUDispatcher.__call__ is compiled_call


def chain_config(chain: Chain, root: Path) -> dict:
    """The validated config of a tiny run: ``config.yaml``, ``small.yaml`` and its overlay."""
    from synplast.cli import load_config
    from tests.determinism.helpers import CONFIG_FILES, REPO, SCHEMA

    root.mkdir(parents=True, exist_ok=True)
    overlay = root / f"{chain.paper}.yaml"
    overlay.write_text(chain.overlay)
    config = load_config(
        [*(str(REPO / name) for name in CONFIG_FILES), str(overlay)], REPO / SCHEMA
    )
    config["results_dir"] = str(root / "results")
    return config


def record_chains(root: Path) -> dict:
    """Run every tiny run, recording its kernel calls: ``{(kernel, "chain/scenario/stage"):
    (args, kwargs)}``."""
    from synplast.pipeline.stage import run_stage
    from tests.determinism.helpers import plan_requests

    calls: dict = {}
    where = [""]
    with recorded_calls(calls, where):
        for name, chain in CHAINS.items():
            config = chain_config(chain, root / name)
            for paper, request in plan_requests(config, {chain.paper: chain.scenarios}):
                where[0] = f"{name}/{request.scenario}/{request.stage}"
                run_stage(
                    paper, request.stage, config=config, scenario=request.scenario,
                    seed=request.seed,
                )  # fmt: skip
    return calls


def kernel_cases(calls: dict) -> list[tuple[str, str, tuple, dict]]:
    """``(kernel, label, args, kwargs)`` of every case of :data:`KERNELS`: the recorded calls
    of its chain (and the diverging one), or its builder's."""
    cases = []
    for kernel, case in KERNELS.items():
        if case.build is not None:
            built = case.build(calls)
            cases += [(kernel, f"built/{i}", a, k) for i, (a, k) in enumerate(built)]
        recorded = [
            (kernel, label, args, kwargs)
            for (name, label), (args, kwargs) in calls.items()
            if name == kernel and label.startswith(f"{case.chain}/")
        ]
        cases += recorded
        for parameter, index in case.nan_in if recorded else ():
            _, label, args, kwargs = recorded[0]
            changed = with_nan(kernel, args, kwargs, parameter, index)
            cases.append((kernel, f"{label}+nan:{parameter}{list(index)}", *changed))
    return cases


def with_nan(kernel: str, args: tuple, kwargs: dict, parameter: str, index: tuple):
    """Copies of a call's arguments with a NaN at ``index`` of the argument ``parameter`` (a
    float array, or a tuple of floats, which is rebuilt)."""
    import inspect

    args, kwargs = copy.deepcopy((args, kwargs))
    names = list(inspect.signature(resolve(kernel).py_func).parameters)
    position = None if parameter in kwargs else names.index(parameter)
    target = kwargs[parameter] if position is None else args[position]
    if isinstance(target, tuple):
        (i,) = index
        assert isinstance(target[i], float), (kernel, parameter, target[i])
        target = (*target[:i], np.nan, *target[i + 1 :])
        if position is None:
            kwargs[parameter] = target
        else:
            args = (*args[:position], target, *args[position + 1 :])
    else:
        assert isinstance(target, np.ndarray) and target.dtype.kind == "f", (kernel, parameter)
        target[index] = np.nan
    return args, kwargs


def nan_effect(kernel: str, parameter: str, plain, diverging) -> list[str]:
    """How the outputs ``(result, args, kwargs)`` of a diverging case differ from those of the
    plain call, leaving out the argument the NaN was put into; empty also when no non-finite
    value reaches those outputs (the kernel did not report the divergence)."""
    from tests.determinism.helpers import value_differences

    plain, diverging = _without(kernel, parameter, plain), _without(kernel, parameter, diverging)
    return value_differences(plain, diverging) if _holds_nonfinite(diverging) else []


def _without(kernel: str, parameter: str, output):
    """A case's outputs without the argument ``parameter``."""
    import inspect

    names = list(inspect.signature(resolve(kernel).py_func).parameters)
    result, args, kwargs = output
    kept = [a for name, a in zip(names, args, strict=False) if name != parameter]
    return result, kept, {k: v for k, v in kwargs.items() if k != parameter}


def _holds_nonfinite(value) -> bool:
    if isinstance(value, tuple | list):
        return any(_holds_nonfinite(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_nonfinite(v) for v in value.values())
    array = np.asarray(value) if value is not None else np.zeros(0)
    return array.dtype.kind in "fc" and not np.isfinite(array).all()


def run_case(function, args: tuple, kwargs: dict):
    """``(return value, arguments after the call)`` of one call on private copies."""
    args, kwargs = copy.deepcopy((args, kwargs))
    result = function(*args, **kwargs)
    return result, args, kwargs


# --- the pure-Python replay (a separate process) -----------------------------------------------


def replay(source: Path, target: Path) -> None:
    """Run the pickled cases with this process's functions (pure Python under
    ``NUMBA_DISABLE_JIT=1``), recording every function entered; pickle the outputs."""
    with open(source, "rb") as handle:
        cases = pickle.load(handle)
    entered: set = set()

    def profile(frame, event, arg):
        if event == "call":
            entered.add(frame.f_code)

    outputs, seconds = [], {}
    for kernel, label, args, kwargs in cases:
        function = resolve(kernel)
        start = time.perf_counter()
        sys.setprofile(profile)
        try:
            output = run_case(function, args, kwargs)
        finally:
            sys.setprofile(None)
        seconds[(kernel, label)] = time.perf_counter() - start
        outputs.append((kernel, label, output))
    reached = sorted(
        {
            f"{module}:{code.co_qualname}"
            for code in entered
            for module in [_module_of(code)]
            if module is not None
        }
    )
    with open(target, "wb") as handle:
        pickle.dump({"outputs": outputs, "reached": reached, "seconds": seconds}, handle)


def _module_of(code) -> str | None:
    """The ``synplast`` module whose source file defines ``code``."""
    import synplast

    package = Path(synplast.__file__).resolve().parent
    path = Path(code.co_filename).resolve()
    if package not in path.parents:
        return None
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


if __name__ == "__main__":
    import numba

    assert numba.config.DISABLE_JIT, "run with NUMBA_DISABLE_JIT=1"
    replay(Path(sys.argv[1]), Path(sys.argv[2]))

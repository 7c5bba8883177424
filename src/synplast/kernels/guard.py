"""Divergence guard: a NaN or an overflow in a simulation stops its job with one line.

Every simulation kernel checks its state as it goes, on values it holds anyway (a neuron's new
membrane potential, a rate, a weight after its update), and stops at the first step where one
of them is not finite.  A kernel cannot raise inside Numba, so it returns a status
``(step, code, value)``: the step in the kernel's own units (``-1``: no divergence), the index
of the variable in the kernel's table of names, and the offending value (``nan``, ``inf`` or
``-inf``).  The paper's Python code turns a bad status into :class:`SimulationDiverged` with
:func:`raise_if_diverged`, adding where the step lies (time, block, lap, ...), and
:func:`synplast.pipeline.stage.run_stage` adds the paper, scenario, seed and stage, so the job
stops with, e.g.::

    tsodyks2000 scenario main seed 1, stage plastic: variable 'v_mV' (membrane potential)
    became nan at step 12 (t = 12 ms)

(one line).  A state the model itself bounds (a clipped weight) is checked after the bound is
applied where the bound lets a NaN through, and before it where the bound would turn a NaN into
a number.  The checks read values the kernels already computed and change none of them.

This module imports nothing heavy: the command line catches the exception without loading
Numba.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["NO_DIVERGENCE", "SimulationDiverged", "raise_if_diverged"]

NO_DIVERGENCE = -1
"""The step a kernel's status holds when every checked value stayed finite."""


class SimulationDiverged(FloatingPointError):
    """A simulated variable became NaN or infinite.

    ``variable``: its name as in the paper's code (unit last, as in the stage files);
    ``long_name``: what it is; ``value``: the non-finite value; ``step``: the step in the
    kernel's units; ``where``: the step's time and place in the protocol.  ``paper``,
    ``scenario``, ``seed`` (None: a deterministic stage) and ``stage`` are set by
    :meth:`locate`.
    """

    def __init__(self, variable: str, value: float, step: int, *, long_name="", where=""):
        """A divergence not yet located in a job (see :meth:`locate`)."""
        super().__init__(variable, value, step)
        self.variable = variable
        self.long_name = long_name
        self.value = float(value)
        self.step = int(step)
        self.where = where
        self.paper: str | None = None
        self.scenario: str | None = None
        self.seed: int | None = None
        self.stage: str | None = None

    def within(self, context: str) -> SimulationDiverged:
        """Prepend ``context`` (e.g. the protocol block the step belongs to) to ``where``."""
        self.where = f"{context}, {self.where}" if self.where else context
        return self

    def locate(self, paper: str, scenario: str, seed: int | None, stage: str) -> SimulationDiverged:
        """Name the job the divergence happened in; returns the exception itself."""
        self.paper, self.scenario, self.seed, self.stage = paper, scenario, seed, stage
        return self

    def __str__(self) -> str:
        """The one-line message: the job (once located), the variable, its value, the step."""
        name = f"{self.variable!r} ({self.long_name})" if self.long_name else repr(self.variable)
        what = f"variable {name} became {self.value!r} at step {self.step}"
        if self.where:
            what += f" ({self.where})"
        if self.paper is None:
            return what
        seed = "deterministic" if self.seed is None else f"seed {self.seed}"
        return f"{self.paper} scenario {self.scenario} {seed}, stage {self.stage}: {what}"


def raise_if_diverged(
    status,
    variables: Sequence[tuple[str, str]],
    where: str | Callable[[int], str] = "",
) -> None:
    """Raise :class:`SimulationDiverged` for a kernel's status ``(step, code, value)``.

    ``variables[code]`` is the ``(name, long_name)`` of the variable; ``where`` (or
    ``where(step)``) describes the step: its time, the protocol block or lap.  Nothing happens
    when the step is :data:`NO_DIVERGENCE`.
    """
    step, code, value = (int(status[0]), int(status[1]), float(status[2]))
    if step == NO_DIVERGENCE:
        return
    name, long_name = variables[code]
    raise SimulationDiverged(
        name, value, step, long_name=long_name, where=where(step) if callable(where) else where
    )

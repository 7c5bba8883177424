"""``NUMBA_DISABLE_JIT=1`` gives the numbers of the compiled code, for every Numba kernel.

Each kernel of :data:`tests.determinism.kernels.KERNELS` runs its small cases twice: compiled
in this process, and as plain Python in a process started with ``NUMBA_DISABLE_JIT=1`` (where
``@njit`` returns the function itself and ``prange`` is ``range``).  Return values and the
arguments after the call (the kernels update state in place) must be equal bit for bit, with
no tolerance, and none is needed on these cases.  That is what the kernels' construction lets
one expect, and the test checks it rather than assuming it: they use no ``fastmath``, so LLVM
may neither contract ``a * b + c`` into a fused multiply-add nor reorder a sum; ``math.exp``,
``tanh`` and ``expm1`` resolve to the same C math library as CPython's ``math``; the MT19937
port keeps its int64 products below 2**63, so nothing wraps.  Diverging cases (a NaN put into
an argument) check the divergence guards and NaN propagation the same way.

Every ``@njit`` function of ``synplast`` must be covered: listed with a case, or reached by the
replay of a listed kernel's cases; a kernel that a stage calls from Python must be listed.
"""

from __future__ import annotations

import sys

import pytest

from tests.determinism.helpers import value_differences
from tests.determinism.kernels import KERNELS, holds_values, nan_effect, njit_functions


def test_every_numba_kernel_has_a_small_case_or_is_reached_by_one(kernel_replay):
    pure = kernel_replay.pure()
    defined = set(njit_functions())
    called_by_stages = {kernel for kernel, _ in kernel_replay.calls}
    assert called_by_stages <= set(KERNELS), (
        "kernels that stages call but KERNELS does not list (add them with a case): "
        f"{sorted(called_by_stages - set(KERNELS))}"
    )
    assert set(KERNELS) <= defined, f"KERNELS lists unknown kernels: {set(KERNELS) - defined}"
    with_cases = {kernel for kernel, *_ in kernel_replay.cases}
    assert with_cases == set(KERNELS), f"kernels without a case: {set(KERNELS) - with_cases}"
    uncovered = defined - set(KERNELS) - set(pure["reached"])
    assert not uncovered, (
        "Numba functions neither listed in KERNELS nor reached by a listed kernel's cases "
        f"(give them a case): {sorted(uncovered)}"
    )


@pytest.mark.parametrize("kernel", sorted(KERNELS))
def test_pure_python_gives_the_numbers_of_the_compiled_kernel(kernel_replay, kernel):
    pure = kernel_replay.pure()
    cases = [
        (label, args, kwargs) for name, label, args, kwargs in kernel_replay.cases if name == kernel
    ]
    assert cases, f"{kernel}: no case"
    for label, args, kwargs in cases:
        compiled = kernel_replay.compiled[(kernel, label)]
        python = pure["outputs"][(kernel, label)]
        if "+nan:" in label:  # the NaN reaches the outputs (at least the divergence status)
            base, injected = label.split("+nan:")
            plain = kernel_replay.compiled[(kernel, base)]
            assert nan_effect(kernel, injected.split("[")[0], plain, compiled), label
        else:  # the case computes something: it returns an array or updates an argument
            changed = value_differences((args, kwargs), compiled[1:])
            assert holds_values(compiled[0]) or changed, label
        differences = value_differences(compiled, python, f"{kernel} {label}")
        assert not differences, "\n".join(differences)
        seconds = pure["seconds"][(kernel, label)]
        print(f"\n[determinism] {kernel} {label}: pure Python {seconds:.2f} s", file=sys.stderr)

"""The shared exponential trace step against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from synplast.kernels.traces import exponential_trace_step


def run_trace(trace, decay, increments):
    """The trace after one step per increment, via the kernel."""
    for increment in increments:
        trace = exponential_trace_step(trace, decay, increment)
    return trace


@pytest.mark.parametrize("tau_ms", [2.0, 10.0, 100.0])
def test_constant_increment_sums_the_geometric_series(tau_ms):
    """From 0, n steps of a constant increment c give c (1 - d^n) / (1 - d); the trace tends to
    c / (1 - d), e.g. a voltage held at V filtered with dt/tau per step tends to ~V."""
    dt_ms, V_mV = 1.0, -55.0
    decay = math.exp(-dt_ms / tau_ms)
    increment = dt_ms * V_mV / tau_ms
    for n in (1, 7, 250):
        expected = increment * (1.0 - decay**n) / (1.0 - decay)
        assert run_trace(0.0, decay, [increment] * n) == pytest.approx(expected, rel=1e-12)
    steady = run_trace(0.0, decay, [increment] * 5000)
    assert steady == pytest.approx(increment / (1.0 - decay), rel=1e-12)
    assert steady == pytest.approx(V_mV, rel=dt_ms / tau_ms)  # dt/tau vs 1 - exp(-dt/tau)


def test_decay_only_trace_falls_as_a_power_of_the_decay():
    """With no increments a trace x0 is x0 decay^n after n steps: exp(-n dt / tau)."""
    decay = math.exp(-1.0 / 15.0)
    for n in (1, 15, 150):
        assert run_trace(3.0, decay, [0.0] * n) == pytest.approx(3.0 * decay**n, rel=1e-13)
    assert run_trace(3.0, decay, [0.0] * 15) == pytest.approx(3.0 * math.exp(-1.0), rel=1e-13)


def test_spike_trace_is_a_sum_of_decayed_kicks():
    """A spike train s[m] adding dt/tau each gives x[n] = sum_m s[m] d^(n-1-m) dt / tau."""
    tau_ms, dt_ms = 20.0, 1.0
    decay = math.exp(-dt_ms / tau_ms)
    spikes = np.zeros(60)
    spikes[[3, 10, 11, 40]] = 1.0
    x = run_trace(0.0, decay, spikes * dt_ms / tau_ms)
    m = np.arange(60)
    expected = np.sum(spikes * decay ** (59 - m)) * dt_ms / tau_ms
    assert x == pytest.approx(expected, rel=1e-13)
    assert x > 0.0


def test_step_is_multiply_then_add():
    """Bit-identical to ``decay * trace + increment`` in NumPy (no fused multiply-add), which is
    what the NumPy transliterations of the reference simulators compute."""
    rng = np.random.default_rng(0)
    for trace, decay, increment in rng.uniform(-10.0, 10.0, (200, 3)):
        assert exponential_trace_step(trace, decay, increment) == decay * trace + increment

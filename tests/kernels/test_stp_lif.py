"""Shared kernels against closed forms: Tsodyks–Markram synapses and the exact LIF step."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from synplast.kernels.lif import is_refractory, lif_exact_step, timestep
from synplast.kernels.stp import (
    on_pre_depressing,
    on_pre_facilitating,
    propagate,
    recovery_propagators,
)


def drive_regular_train(
    n_spikes, interval_ms, U, tau_I_ms, tau_rec_ms, tau_facil_ms=None, two_state=False
):
    """x and u just before each spike of a regular train, and y just after, via the kernels."""
    decay_x, coupling = recovery_propagators(
        interval_ms, tau_I_ms, np.array([tau_rec_ms]), two_state
    )
    decay_y = math.exp(-interval_ms / tau_I_ms)
    decay_u = math.exp(-interval_ms / tau_facil_ms) if tau_facil_ms else 1.0
    x, y, u = 1.0, 0.0, 0.0
    xs, us = [], []
    for _ in range(n_spikes):
        xs.append(x)
        us.append(u)
        if tau_facil_ms:
            x, y, u = on_pre_facilitating(x, y, u, U)
        else:
            x, y = on_pre_depressing(x, y, U)
        x, y, u = propagate(x, y, u, decay_x[0], coupling[0], decay_y, decay_u)
    return np.array(xs), np.array(us)


@pytest.mark.parametrize("interval_ms", [10.0, 50.0, 200.0])
def test_depressing_two_state_train_matches_tm_recursion_and_steady_state(interval_ms):
    """Without the inactive pool (tm2), x before spike n+1 is 1 - (1 - x_n + U x_n) e^{-Δ/τ}
    and converges to (1 - e^{-Δ/τ}) / (1 - (1 - U) e^{-Δ/τ})."""
    U, tau_rec = 0.5, 800.0
    xs, _ = drive_regular_train(200, interval_ms, U, 3.0, tau_rec, two_state=True)
    e = math.exp(-interval_ms / tau_rec)
    expected = [1.0]
    for _ in range(199):
        expected.append(1.0 - (1.0 - expected[-1] + U * expected[-1]) * e)
    np.testing.assert_allclose(xs, expected, rtol=0, atol=1e-14)
    assert xs[-1] == pytest.approx((1 - e) / (1 - (1 - U) * e), rel=1e-12)


def test_three_state_approaches_two_state_as_tau_I_vanishes():
    """The two-state model (NEST's ``tsodyks2_synapse``, config ``synapse_model: tm2``) is the
    tau_I -> 0 limit of the three-state one."""
    two, _ = drive_regular_train(50, 20.0, 0.5, 3.0, 800.0, two_state=True)
    three_fast, _ = drive_regular_train(50, 20.0, 0.5, 1e-3, 800.0)
    three, _ = drive_regular_train(50, 20.0, 0.5, 3.0, 800.0)
    assert np.max(np.abs(three_fast - two)) < 1e-5
    # with tau_I = 3 ms the released resources take longer to come back: more depression
    assert np.all(three[1:] < two[1:])


def test_facilitating_u_follows_closed_form_steady_state():
    """u after each spike converges to U / (1 - (1 - U) e^{-Δ/τ_f}); the first spike sets u = U."""
    U, tau_f, interval = 0.04, 1000.0, 25.0
    _, us = drive_regular_train(400, interval, U, 3.0, 100.0, tau_facil_ms=tau_f)
    e = math.exp(-interval / tau_f)
    u_after = us[1:] / e  # u before spike n+1 is u after spike n decayed over one interval
    assert u_after[0] == pytest.approx(U, rel=1e-14)
    assert u_after[-1] == pytest.approx(U / (1 - (1 - U) * e), rel=1e-10)


@pytest.mark.parametrize("delta_ms", [0.1, 1.0, 7.0, 300.0])
def test_propagator_matches_accurate_ode_integration(delta_ms):
    """One exact propagation step equals a tight numerical solution of dx/dt = z/τ_rec,
    dy/dt = -y/τ_I, du/dt = -u/τ_f."""
    tau_I, tau_rec, tau_f = 3.0, 450.0, 1000.0
    x0, y0, u0 = 0.3, 0.45, 0.2

    def rhs(_, s):
        x, y, u = s
        return [(1 - x - y) / tau_rec, -y / tau_I, -u / tau_f]

    sol = solve_ivp(rhs, (0, delta_ms), [x0, y0, u0], rtol=1e-12, atol=1e-14, method="DOP853")
    decay_x, coupling = recovery_propagators(delta_ms, tau_I, np.array([tau_rec]))
    x, y, u = propagate(
        x0,
        y0,
        u0,
        decay_x[0],
        coupling[0],
        math.exp(-delta_ms / tau_I),
        math.exp(-delta_ms / tau_f),
    )
    np.testing.assert_allclose([x, y, u], sol.y[:, -1], rtol=1e-9, atol=1e-12)


def test_on_pre_moves_resources_from_x_to_y():
    """A spike releases U·x (depressing) or u·x with u updated first (facilitating)."""
    x, y = on_pre_depressing(0.8, 0.1, 0.5)
    assert (x, y) == pytest.approx((0.4, 0.5))
    x, y, u = on_pre_facilitating(0.8, 0.1, 0.2, 0.5)
    assert u == pytest.approx(0.6)
    assert (x, y) == pytest.approx((0.8 - 0.6 * 0.8, 0.1 + 0.6 * 0.8))


def test_lif_exact_step_composes_to_the_closed_form():
    """n exact steps of dt equal v_inf + (v0 - v_inf) e^{-n dt / tau}."""
    v, v_inf, tau, dt = 0.0, 15.3, 30.0, 1.0
    for _ in range(100):
        v = lif_exact_step(v, v_inf, math.exp(-dt / tau))
    assert v == pytest.approx(v_inf * (1 - math.exp(-100 * dt / tau)), rel=1e-13)


def test_refractory_steps_follow_brian2_timestep():
    assert timestep(3.0, 1.0) == 3
    assert timestep(2.0, 0.1) == 20
    assert timestep(3.0, 0.1) == 30
    assert is_refractory(12, 10, 3) and not is_refractory(13, 10, 3)

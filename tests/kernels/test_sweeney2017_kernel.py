"""sweeney2017 kernel against a direct NumPy transliteration of the reference update.

The transliteration below is written from the reference module's ``update_state_sliding_
threshold``, ``update_rates``, ``update_weights`` and ``update_theta_BCM`` as NumPy column
vectors, with the reference's expressions and order (rectification by ``x * (0.5 * (sign(x) +
1))``, the unconditional 'inner' increment of the diffusive variants, clipping, decay, then the
threshold); it shares no code with the kernel.  Over 20,000 steps the two agree to round-off
(matrix products may sum in another order) for every averaging variant, with and without the
double update, with the threshold driven by the averaged rate, and with a learning rate large
enough to drive weights through both bounds.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from synplast.config import scenario_config
from synplast.papers.sweeney2017 import inputs, kernel, plastic
from synplast.papers.sweeney2017.params import params_from_config
from synplast.pipeline.graph import stage_params

N_STEPS = 20_000


def reference_params(main_config, **overrides):
    params = params_from_config(scenario_config(main_config, "sweeney2017", "diffusive"))
    return replace(params, n_steps=N_STEPS, sample_every_steps=1000, **overrides)


def reference_run(p, W0, D, epochs, n_steps, x0=None, y0=None):
    """The reference's per-step update, transliterated (column vectors, as the module)."""
    n_out, n_in = W0.shape
    x = np.zeros((n_in, 1)) if x0 is None else x0.reshape(n_in, 1).copy()
    y = np.zeros((n_out, 1)) if y0 is None else y0.reshape(n_out, 1).copy()
    W, theta = W0.copy(), np.full((n_out, 1), p.theta0)
    top = p.r_max - p.r0
    for j in range(n_steps):
        H = np.full((n_in, 1), p.H_min)
        H[epochs[j // p.epoch_steps]] = p.H_max
        x += p.dt_tau * (-1 * x + H)
        u = np.dot(W, x)
        u[u <= 0] = p.r0 * np.tanh(u[u <= 0] / p.r0)
        u[u > 0] = top * np.tanh(u[u > 0] / top)
        y += p.dt_tau * (-1 * y + u)
        x = x * (0.5 * (np.sign(x) + 1))
        y = y * (0.5 * (np.sign(y) + 1))
        if p.averaging != "none" or p.spatial_theta:
            y_hat = np.dot(D, y) / np.sum(D, axis=0).reshape(n_out, 1)
        if p.averaging != "none":
            if p.legacy_double_update:
                W += p.alpha_per_step * x.transpose() * y * (y_hat - theta)
            if p.averaging == "inner":
                W += p.alpha_per_step * x.transpose() * y * (y_hat - theta)
            elif p.averaging == "outer":
                W += p.alpha_per_step * x.transpose() * y_hat * (y - theta)
            else:
                W += p.alpha_per_step * x.transpose() * y_hat * (y_hat - theta)
        else:
            W += p.alpha_per_step * x.transpose() * y * (y - theta)
        W = W * (0.5 * (np.sign(W) + 1))
        W[p.W_max < W] = p.W_max
        W = W * p.weight_decay_lambda
        driver = y_hat if p.spatial_theta else y
        theta += p.eta_theta_per_step * ((driver / p.y0) * driver - theta)
    return x.ravel(), y.ravel(), W, theta.ravel()


def kernel_run(p, W0, D, epochs, n_steps, x0=None, y0=None):
    x = np.zeros(W0.shape[1]) if x0 is None else x0.copy()
    y = np.zeros(W0.shape[0]) if y0 is None else y0.copy()
    W = W0.copy()
    theta, ou = np.full(W0.shape[0], p.theta0), np.zeros(W0.shape[1])
    consts = np.array(
        [p.dt_tau, p.r0, p.r_max, p.H_min, p.H_max, p.alpha_per_step, p.y0,
         p.eta_theta_per_step, p.W_max, p.weight_decay_lambda, p.input_ou_sigma, p.input_ou_tau]
    )  # fmt: skip
    n_snap = -(-n_steps // p.sample_every_steps)
    snaps = (
        np.zeros((n_snap, *W0.shape), np.float32),
        np.zeros((n_snap, W0.shape[0]), np.float32),
        np.zeros((n_snap, W0.shape[0]), np.float32),
    )
    kernel.advance(
        x, y, W, theta, ou, np.ascontiguousarray(D.T), D.sum(axis=0), epochs.astype(np.int64),
        p.epoch_steps, np.zeros((0, W0.shape[1])), 0, n_steps, consts, p.averaging_code,
        p.legacy_double_update, p.spatial_theta, p.sample_every_steps, *snaps,
    )  # fmt: skip
    return x, y, W, theta, snaps


def network(p, seed=3):
    rng = np.random.default_rng(seed)
    positions = np.sort(rng.random(p.n_outputs))
    D = inputs.diffusion_kernel(positions, p.sigma_d, p.self_weight_extra, True)
    W0 = rng.random((p.n_outputs, p.n_inputs)) * p.W_max * p.W0_max_fraction
    epochs = rng.integers(0, p.n_inputs, size=p.n_epochs)
    return W0, D, epochs


CASES = {
    "diffusive (inner, double update)": {},
    "standard BCM": {"averaging": "none"},
    "inner, single update": {"legacy_double_update": False},
    "outer, double update": {"averaging": "outer"},
    "both, single update": {"averaging": "both", "legacy_double_update": False},
    "threshold from the averaged rate": {"spatial_theta": True},
    "through both weight bounds": {"alpha_per_step": 1e-5, "eta_theta_per_step": 1e-3},
    "standard through both bounds": {
        "averaging": "none",
        "alpha_per_step": 1e-5,
        "eta_theta_per_step": 1e-3,
    },
    "standard with weight decay": {"averaging": "none", "weight_decay_lambda": 0.9999},
    "outer, single update": {"averaging": "outer", "legacy_double_update": False},
    "both, double update": {"averaging": "both"},
    "standard, threshold from the averaged rate": {"averaging": "none", "spatial_theta": True},
    "decay at the bounds, standard": {
        "averaging": "none",
        "alpha_per_step": 1e-5,
        "eta_theta_per_step": 1e-3,
        "weight_decay_lambda": 0.9999,
    },
    "decay at the bounds, inner": {
        "alpha_per_step": 1e-5,
        "eta_theta_per_step": 1e-3,
        "weight_decay_lambda": 0.9999,
    },
}


@pytest.mark.parametrize("overrides", CASES.values(), ids=CASES.keys())
def test_kernel_equals_reference_transliteration(main_config, overrides):
    p = reference_params(main_config, **overrides)
    W0, D, epochs = network(p)
    x_ref, y_ref, W_ref, theta_ref = reference_run(p, W0, D, epochs, N_STEPS)
    x, y, W, theta, (W_snap, _, _) = kernel_run(p, W0, D, epochs, N_STEPS)
    np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(y, y_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(theta, theta_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(W, W_ref, rtol=0, atol=1e-12)
    assert np.abs(W - W0).max() > 1e-6, "the weights must have learned"
    if p.alpha_per_step > 1e-5:
        # the case reaches both clips: some weight sits at 0, some at W_max
        assert (W == 0).any() and (p.W_max == W).any()


@pytest.mark.parametrize("averaging", ["none", "inner"])
def test_negative_rates_are_rectified_after_the_output_update(main_config, averaging):
    """From negative starting rates (reachable with noisy drive) the rectification and the
    transfer function's lower branch act; the kernel still equals the reference."""
    p = reference_params(
        main_config, averaging=averaging, alpha_per_step=1e-5, eta_theta_per_step=1e-3
    )
    W0, D, epochs = network(p)
    rng = np.random.default_rng(7)
    x0, y0 = rng.normal(0, 2, p.n_inputs), rng.normal(0, 2, p.n_outputs)
    x_ref, y_ref, W_ref, theta_ref = reference_run(p, W0, D, epochs, 50, x0, y0)
    x, y, W, theta, _ = kernel_run(p, W0, D, epochs, 50, x0, y0)
    for got, want in ((x, x_ref), (y, y_ref), (W, W_ref), (theta, theta_ref)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)


@pytest.mark.parametrize("sigma_d", [0.025, 0.1])
@pytest.mark.parametrize("sqrt2", [True, False])
def test_diffusion_kernel_equals_the_reference_construction(sigma_d, sqrt2):
    """Periodic distances (on the unit square's diagonal, or on the ring), the normal density
    divided by its maximum, plus the identity: as the reference builds it, with scipy."""
    from scipy import stats

    positions = np.sort(np.random.default_rng(5).random(50))
    n = positions.size
    distances = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a, b = positions[i], positions[j]
            delta = min(abs(a - b), abs(a + 1.0 - b), abs(b + 1.0 - a))
            distances[i, j] = np.sqrt(2 * delta**2) if sqrt2 else delta
    density = stats.norm.pdf(distances, 0.0, sigma_d)
    expected = density / np.max(density) + np.eye(n)
    got = inputs.diffusion_kernel(positions, sigma_d, 1.0, sqrt2)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert np.array_equal(got, got.T) and np.all(np.diag(got) == 2.0)


def test_snapshots_are_taken_after_the_update_of_every_sampled_step(main_config):
    p = reference_params(main_config, alpha_per_step=1e-5, eta_theta_per_step=1e-3)
    W0, D, epochs = network(p)
    _, _, _, _, (W_snap, theta_snap, y_snap) = kernel_run(p, W0, D, epochs, N_STEPS)
    for snap, steps in ((0, 1), (7, 7001)):
        _, y_ref, W_ref, theta_ref = reference_run(p, W0, D, epochs, steps)
        np.testing.assert_allclose(W_snap[snap], W_ref.astype(np.float32), atol=1e-6)
        np.testing.assert_allclose(theta_snap[snap], theta_ref.astype(np.float32), rtol=1e-6)
        np.testing.assert_allclose(y_snap[snap], y_ref.astype(np.float32), rtol=1e-6)


def test_transfer_function_closed_form():
    for u in (-3.0, -0.2, 0.0, 0.5, 4.0, 100.0):
        expected = np.tanh(u) if u <= 0 else 19.0 * np.tanh(u / 19.0)
        assert kernel.transfer(u, 1.0, 20.0) == pytest.approx(expected, abs=1e-15)
    assert kernel.transfer(1e6, 1.0, 20.0) == pytest.approx(19.0)  # the ceiling is r_max - r0


def test_input_relaxes_to_its_drive_in_closed_form(main_config):
    """Without noise an input follows x_n = H (1 - (1 - dt)^n) within an epoch."""
    p = reference_params(main_config, alpha_per_step=0.0)
    W0, D, _ = network(p)
    epochs = np.zeros(p.n_epochs, dtype=np.int64)  # input 0 stimulated throughout
    x, *_ = kernel_run(p, W0, D, epochs, 300)
    decay = (1 - p.dt_tau) ** 300
    assert x[0] == pytest.approx(p.H_max * (1 - decay), rel=1e-12)
    assert x[1] == pytest.approx(p.H_min * (1 - decay), rel=1e-12)


def test_input_noise_does_not_accumulate(main_config):
    """The OU term is added to each step's drive only: with a constant noise sample the inputs
    relax to H + ou_steady, where ou follows its own recursion (not the inputs' history)."""
    p = reference_params(main_config, alpha_per_step=0.0, input_ou_sigma=1.0, input_ou_tau=10.0)
    W0, D, _ = network(p)
    epochs = np.zeros(p.n_epochs, dtype=np.int64)
    n = 2000
    noise = np.ones((n, p.n_inputs))
    x, y, W = np.zeros(p.n_inputs), np.zeros(p.n_outputs), W0.copy()
    theta, ou = np.full(p.n_outputs, p.theta0), np.zeros(p.n_inputs)
    consts = np.array(
        [p.dt_tau, p.r0, p.r_max, p.H_min, p.H_max, 0.0, p.y0, p.eta_theta_per_step, p.W_max,
         1.0, 1.0, 10.0]
    )  # fmt: skip
    snaps = (np.zeros((2, *W0.shape), np.float32), np.zeros((2, 50), np.float32),
             np.zeros((2, 50), np.float32))  # fmt: skip
    kernel.advance(
        x, y, W, theta, ou, np.ascontiguousarray(D.T), D.sum(0), epochs, p.epoch_steps, noise,
        0, n, consts, 1, True, False, 1000, *snaps,
    )  # fmt: skip
    decay, kick = 1 - p.dt_tau / 10.0, np.sqrt(2 * p.dt_tau / 10.0)
    ou_steady = kick / (1 - decay)  # fixed point of ou <- decay ou + kick
    assert ou[0] == pytest.approx(ou_steady * (1 - decay**n), rel=1e-9)
    assert x[1] == pytest.approx(p.H_min + ou[1], rel=1e-3)  # settled: H + current ou


def test_plastic_stage_is_the_same_however_the_kernel_is_chunked(main_config, monkeypatch):
    params = stage_params(main_config, "sweeney2017", "diffusive", "plastic")
    params = {
        "model": {**params["model"], "alpha_per_step": 5e-5},
        "protocol": {"n_steps": 5000, "sample_every_steps": 500},
    }
    ds = inputs.make_inputs(params, 2)
    whole = plastic.run_plastic(ds, params, 2)
    monkeypatch.setattr(plastic, "CHUNK_STEPS", 700)
    chunked = plastic.run_plastic(ds, params, 2)
    for name in ("W_final", "theta_final", "y_final", "W_snapshot", "theta_snapshot"):
        np.testing.assert_array_equal(whole[name], chunked[name])


def test_input_noise_option_changes_the_run_and_is_seeded(main_config):
    params = stage_params(main_config, "sweeney2017", "diffusive", "plastic")
    params = {
        "model": {**params["model"], "alpha_per_step": 5e-5, "input_ou_sigma": 0.5},
        "protocol": {"n_steps": 3000, "sample_every_steps": 500},
    }
    ds = inputs.make_inputs(params, 2)
    noisy, again = plastic.run_plastic(ds, params, 2), plastic.run_plastic(ds, params, 2)
    params["model"]["input_ou_sigma"] = 0.0
    quiet = plastic.run_plastic(ds, params, 2)
    np.testing.assert_array_equal(noisy["W_final"], again["W_final"])
    assert not np.array_equal(noisy["W_final"], quiet["W_final"])

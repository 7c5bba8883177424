"""Parameters of the sweeney2017 model, named as in the reference notebook.

Built from the ``model`` and ``protocol`` sections of the validated config by
:func:`params_from_config`; the dataclass has no defaults of its own (they live in
``workflow/schemas/papers/sweeney2017.schema.yaml``).  Time is in units of the rate time
constant tau (tau = 1): ``dt`` is a fraction of tau, and the learning rates ``alpha`` and
``eta_theta`` are per Euler step, not per tau, as in the reference (changing ``dt`` changes the
ratio of plasticity to rate dynamics).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synplast.config import params_object

__all__ = ["AVERAGING", "SweeneyParams", "consistency_errors", "params_from_config"]

AVERAGING = {"none": 0, "inner": 1, "outer": 2, "both": 3}
"""Where the spatially averaged rate y_hat enters the weight update (code passed to the kernel):

- ``none``: standard BCM, ``dW = alpha x y (y - theta)``;
- ``inner``: ``dW = alpha x y (y_hat - theta)`` (the published diffusive variant);
- ``outer``: ``dW = alpha x y_hat (y - theta)``;
- ``both``: ``dW = alpha x y_hat (y_hat - theta)``.
"""


@dataclass(frozen=True)
class SweeneyParams:
    """Every number of the model and of the learning protocol."""

    # --- network
    n_inputs: int
    n_outputs: int
    dt_tau: float  # Euler step, in units of the rate time constant
    r0: float  # transfer function below 0: r0 tanh(u / r0)
    r_max: float  # above 0: (r_max - r0) tanh(u / (r_max - r0)), a ceiling of r_max - r0
    H_min: float  # drive of every unstimulated input
    H_max: float  # drive of the one stimulated input of an epoch
    epoch_steps: int  # steps per stimulus epoch
    # --- sliding-threshold BCM
    alpha_per_step: float
    y0: float  # target rate of the sliding threshold
    theta0: float  # initial threshold of every output
    eta_theta_per_step: float
    W_max: float
    weight_decay_lambda: float  # multiplicative factor per step (1: none)
    W0_max_fraction: float  # W(0) ~ U(0, W0_max_fraction * W_max)
    # --- diffusion (spatial averaging)
    averaging: str
    sigma_d: float  # width of the Gaussian diffusion kernel, in position units
    self_weight_extra: float  # added to the kernel's diagonal (the notebook adds 1)
    legacy_double_update: bool  # the reference adds the 'inner' increment a second time
    legacy_sqrt2_distance: bool  # ring embedded on the unit square's diagonal: d = sqrt2 |dx|
    spatial_theta: bool  # threshold driven by y_hat instead of y
    shuffle_kernel_positions: bool  # negative control: kernel built on shuffled positions
    # --- input noise (off in the reference)
    input_ou_sigma: float
    input_ou_tau: float  # in units of tau
    # --- protocol
    n_steps: int
    sample_every_steps: int

    @property
    def averaging_code(self) -> int:
        return AVERAGING[self.averaging]

    @property
    def n_epochs(self) -> int:
        return -(-self.n_steps // self.epoch_steps)

    @property
    def n_snapshots(self) -> int:
        return -(-self.n_steps // self.sample_every_steps)


def params_from_config(params: Mapping[str, Any]) -> SweeneyParams:
    """From the ``model`` and ``protocol`` sections of a resolved scenario config."""
    return params_object(SweeneyParams, params, "sweeney2017")


def consistency_errors(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems that involve several keys of a resolved scenario config."""
    model, protocol = params["model"], params["protocol"]
    errors = []
    if model["H_max"] < model["H_min"]:
        errors.append(("model.H_max", "H_max must be at least H_min"))
    if model["averaging"] == "none" and model["shuffle_kernel_positions"]:
        errors.append(
            ("model.shuffle_kernel_positions", "shuffling the kernel needs spatial averaging")
        )
    if protocol["sample_every_steps"] > protocol["n_steps"]:
        errors.append(("protocol.sample_every_steps", "exceeds n_steps"))
    return errors

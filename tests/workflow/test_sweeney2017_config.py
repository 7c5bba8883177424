"""sweeney2017 contract: a bad config stops before any job with one line naming the key."""

from __future__ import annotations

import copy

import pytest

from synplast.config import ConfigError, deep_merge, validate_config
from tests.conftest import SCHEMA
from tests.workflow.helpers import assert_bad_config_stops_before_any_job

PAPER = "sweeney2017"

BAD = [
    ({"model": {"sigma_d": -0.01}}, "sweeney2017.model.sigma_d"),
    ({"model": {"sigma_d": 0.0}}, "sweeney2017.model.sigma_d"),
    ({"model": {"averaging": "radial"}}, "sweeney2017.model.averaging"),
    ({"model": {"n_outputs": 0}}, "sweeney2017.model.n_outputs"),
    ({"model": {"n_inputs": 0}}, "sweeney2017.model.n_inputs"),
    ({"model": {"W_max": 0.0}}, "sweeney2017.model.W_max"),
    ({"model": {"dt_tau": 2.0}}, "sweeney2017.model.dt_tau"),
    ({"model": {"H_max": 1.0}}, "sweeney2017.scenarios.diffusive.model.H_max"),
    (
        {"scenarios": {"standard": {"seeds": [1], "model": {"averaging": "sideways"}}}},
        "sweeney2017.scenarios.standard.model.averaging",
    ),
    (
        {"scenarios": {"standard": {"seeds": [1], "model": {"shuffle_kernel_positions": True}}}},
        "sweeney2017.scenarios.standard.model.shuffle_kernel_positions",
    ),
    ({"protocol": {"sample_every_steps": 3_000_000}}, "protocol.sample_every_steps"),
    ({"model": {"sigma": 0.02}}, "sweeney2017.model.sigma"),
]


@pytest.mark.parametrize(("override", "key"), BAD)
def test_bad_config_is_one_line_naming_the_key(main_config, override, key):
    config = copy.deepcopy(main_config)
    config[PAPER] = deep_merge(config[PAPER], override)
    with pytest.raises(ConfigError) as error:
        validate_config(config, SCHEMA)
    message = str(error.value)
    assert "\n" not in message and key in message and message.startswith("config error: ")


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ("sweeney2017:\n  model: {sigma_d: -0.01}\n", "sweeney2017.model.sigma_d"),
        ("sweeney2017:\n  model: {averaging: radial}\n", "sweeney2017.model.averaging"),
        ("sweeney2017:\n  model: {n_outputs: 0}\n", "sweeney2017.model.n_outputs"),
    ],
)
def test_bad_config_stops_the_workflow_before_any_job(repo, tmp_path, override, names):
    assert_bad_config_stops_before_any_job(repo, tmp_path, override, names, timeout=300)

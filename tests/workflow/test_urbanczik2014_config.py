"""Contract: a bad urbanczik2014 config stops before any job runs, with one line naming the key.

The schema catches single values (a negative conductance, tau_Delta <= 0); the paper's
``check_scenario`` (``synplast.papers.urbanczik2014.params.consistency_errors``) catches what
involves several keys (W_max below the initial weight, delays off the time grid), for every
scenario after its overrides are merged.  Most cases go through ``validate_config`` directly;
two go through a Snakemake dry run of ``all``.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from synplast.config import ConfigError, deep_merge, validate_config
from tests.conftest import REPO, SCHEMA
from tests.workflow.helpers import assert_bad_config_stops_before_any_job

CASES = [
    ("urbanczik2014:\n  model:\n    g_sp_nS: -600.0\n", "urbanczik2014.model.g_sp_nS"),
    ("urbanczik2014:\n  model:\n    g_L_soma_nS: 0.0\n", "urbanczik2014.model.g_L_soma_nS"),
    ("urbanczik2014:\n  model:\n    teacher_in_nS: -18.0\n", "urbanczik2014.model.teacher_in_nS"),
    ("urbanczik2014:\n  model:\n    tau_Delta_ms: 0.0\n", "urbanczik2014.model.tau_Delta_ms"),
    ("urbanczik2014:\n  model:\n    tau_Delta_ms: -100.0\n", "urbanczik2014.model.tau_Delta_ms"),
    (
        "urbanczik2014:\n  model:\n    W_max_pA: 50.0\n",
        "urbanczik2014.scenarios.main.model.W_max_pA",
    ),
    (
        "urbanczik2014:\n  scenarios:\n    main:\n      seeds: [1]\n"
        "      model: {W_max_pA: 80.0}\n",
        "urbanczik2014.scenarios.main.model.W_max_pA",
    ),
    (
        "urbanczik2014:\n  scenarios:\n    main:\n      seeds: [1]\n      model: {g_sp_nS: -1.0}\n",
        "urbanczik2014.scenarios.main.model.g_sp_nS",
    ),
    (
        "urbanczik2014:\n  model:\n    dendritic_delay_ms: 0.15\n",
        "urbanczik2014.scenarios.main.model.dendritic_delay_ms",
    ),
    ("urbanczik2014:\n  model:\n    clip_mode: inner\n", "urbanczik2014.model.clip_mode"),
    (
        "urbanczik2014:\n  claims:\n    scenario_x: main\n",
        "urbanczik2014.claims.scenario_x",
    ),
]


def merged(override: str) -> dict:
    config: dict = {}
    for name in ("config.yaml",):
        with open(REPO / "config" / name, encoding="utf-8") as handle:
            config = deep_merge(config, yaml.safe_load(handle))
    return deep_merge(config, yaml.safe_load(override) or {})


@pytest.mark.parametrize(("override", "names"), CASES)
def test_bad_config_is_refused_with_one_line_naming_the_key(override, names):
    with pytest.raises(ConfigError) as raised:
        validate_config(copy.deepcopy(merged(override)), SCHEMA)
    message = str(raised.value)
    assert "\n" not in message and names in message, message


def test_the_main_and_small_configs_are_valid():
    validate_config(merged(""), SCHEMA)
    with open(REPO / "config" / "small.yaml", encoding="utf-8") as handle:
        validate_config(deep_merge(merged(""), yaml.safe_load(handle)), SCHEMA)


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ("urbanczik2014:\n  model:\n    tau_Delta_ms: 0.0\n", "urbanczik2014.model.tau_Delta_ms"),
        (
            "urbanczik2014:\n  model:\n    W_max_pA: 50.0\n",
            "urbanczik2014.scenarios.main.model.W_max_pA",
        ),
    ],
)
def test_bad_config_stops_snakemake_before_any_job(repo, tmp_path, override, names):
    assert_bad_config_stops_before_any_job(repo, tmp_path, override, names, timeout=300)

"""Contract: a bad sadeh2015 config stops before any job runs, with one line naming the key."""

from __future__ import annotations

import pytest

from tests.workflow.helpers import assert_bad_config_stops_before_any_job

CASES = [
    ("sadeh2015:\n  model:\n    p_EE: 1.5\n", "sadeh2015.model.p_EE"),
    ("sadeh2015:\n  protocol:\n    n_blocks: -1\n", "sadeh2015.protocol.n_blocks"),
    (
        "sadeh2015:\n  scenarios:\n    ablation_EE:\n      seeds: [1]\n"
        "      model: {plastic_pathways: [EE, XI]}\n",
        "sadeh2015.scenarios.ablation_EE.model.plastic_pathways",
    ),
    ("sadeh2015:\n  protocol:\n    spont_inh_rule: inh_ltd\n", "sadeh2015.protocol.spont_inh_rule"),
    ("sadeh2015:\n  claims:\n    ee_only_scenario: nowhere\n", "sadeh2015.claims.ee_only_scenario"),
]


@pytest.mark.parametrize(("override", "names"), CASES)
def test_bad_sadeh2015_config_stops_before_any_job(repo, tmp_path, override, names):
    assert_bad_config_stops_before_any_job(repo, tmp_path, override, names, timeout=300)

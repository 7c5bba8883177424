"""Contract of the sadeh2015 parameters: the schema's defaults are the reference's values, the
parameter object is built from the validated config only, and a bad value is a one-line config
error naming the key."""

from __future__ import annotations

import copy

import pytest

from synplast.config import ConfigError, scenario_config, validate_config
from synplast.papers.sadeh2015.params import SadehParams, params_from_config
from tests.conftest import SCHEMA


def test_defaults_are_the_reference_values(main_config):
    p = params_from_config(scenario_config(main_config, "sadeh2015", "main"))
    assert (p.N_E, p.N_I, p.block_steps, p.n_avg_steps) == (400, 100, 2000, 100)
    # constants the reference simulator hard-codes, made explicit
    assert (p.u_ref_sq_mV2, p.t_avg_ms, p.J_ffw_mV) == (70.0, 100.0, 1.0)
    assert p.legacy_absorbing_zero and p.legacy_ie_no_mask and not p.rescale_ltd_per_spike
    assert p.spont_inh_rule == "standard" and p.pathway_names == ("EE", "EI", "IE")
    assert main_config["sadeh2015"]["analysis"]["specificity_bins"] == "legacy"


def test_parameters_have_no_defaults_of_their_own():
    with pytest.raises(ValueError, match="missing parameter"):
        SadehParams.from_dict({"N_E": 10})


@pytest.mark.parametrize(
    ("section", "mapping", "key"),
    [
        ("model", {"p_EE": 1.2}, "sadeh2015.model.p_EE"),
        ("model", {"p_IE": -0.1}, "sadeh2015.model.p_IE"),
        ("protocol", {"n_blocks": -1}, "sadeh2015.protocol.n_blocks"),
        ("protocol", {"n_blocks_spont": 2.5}, "sadeh2015.protocol.n_blocks_spont"),
        ("model", {"plastic_pathways": ["EE", "XI"]}, "sadeh2015.model.plastic_pathways"),
        ("protocol", {"spont_inh_rule": "inh_ltd"}, "sadeh2015.protocol.spont_inh_rule"),
        ("analysis", {"specificity_bins": "wrapped"}, "sadeh2015.analysis.specificity_bins"),
        ("model", {"tau_minus_ms": 0}, "sadeh2015.model.tau_minus_ms"),
        ("model", {"eps_ee": 0.3}, "sadeh2015.model.eps_ee"),
        # cross-key checks of every resolved scenario
        ("model", {"dt_ms": 0.5}, "sadeh2015.scenarios.main.model.dt_ms"),
        ("model", {"w_max_mV": 0.0}, "sadeh2015.model.w_max_mV"),
        ("protocol", {"n_cardinal_per_block": 11}, "n_cardinal_per_block"),
    ],
)
def test_bad_parameter_is_a_one_line_config_error_naming_the_key(
    main_config, section, mapping, key
):
    config = copy.deepcopy(main_config)
    config["sadeh2015"][section].update(mapping)
    with pytest.raises(ConfigError) as err:
        validate_config(config, SCHEMA)
    message = str(err.value)
    assert key in message and "\n" not in message


def test_pathway_list_sets_the_flags(main_config):
    config = copy.deepcopy(main_config)
    config["sadeh2015"]["scenarios"]["main"]["model"] = {"plastic_pathways": ["EE", "IE"]}
    p = params_from_config(scenario_config(config, "sadeh2015", "main"))
    assert (p.plastic_EE, p.plastic_EI, p.plastic_IE) == (True, False, True)


def test_dt_other_than_1_ms_needs_the_rescaled_rule(main_config):
    """The reference's LTD is per step, consistent only at dt = 1 ms."""
    config = copy.deepcopy(main_config)
    config["sadeh2015"]["model"].update(dt_ms=0.5, rescale_ltd_per_spike=True)
    validate_config(config, SCHEMA)
    p = params_from_config(scenario_config(config, "sadeh2015", "main"))
    assert p.block_steps == 4000 and p.kernel_constants()[8] == p.A_LTD_per_mV


def test_empty_pathway_list_switches_plasticity_off(main_config):
    """``plastic_pathways: []`` (the plasticity-off control) is a valid config: no pathway is
    plastic."""
    p = params_from_config(scenario_config(main_config, "sadeh2015", "no_plasticity"))
    assert p.pathway_names == ()
    assert not (p.plastic_EE or p.plastic_EI or p.plastic_IE)


def test_scale_scenario_keeps_the_paper_in_degrees(main_config):
    """The optional N = 5,000 scenario (outside ``all``) scales the connection probabilities so
    that every mean in-degree is the paper's, and updates existing I->E synapses only."""
    scenario = main_config["sadeh2015"]["scenarios"]["scale_5000"]
    assert scenario["optional"] is True
    paper = params_from_config(scenario_config(main_config, "sadeh2015", "main"))
    big = params_from_config(scenario_config(main_config, "sadeh2015", "scale_5000"))
    assert (big.N_E, big.N_I) == (4000, 1000)
    for pre, post in ("EE", "EI", "IE", "II"):
        degree = getattr(big, f"p_{pre}{post}") * getattr(big, f"N_{pre}")
        assert degree == pytest.approx(
            getattr(paper, f"p_{pre}{post}") * getattr(paper, f"N_{pre}")
        )
    assert not big.legacy_ie_no_mask and 1 <= big.n_blocks <= 5

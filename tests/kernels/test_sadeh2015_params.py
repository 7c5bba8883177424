"""Contract of the sadeh2015 parameters: faithful defaults, one-line errors naming the key."""

from __future__ import annotations

import pytest

from synplast.papers.sadeh2015.params import SadehParams


def test_defaults_are_the_reference_values():
    p = SadehParams()
    assert (p.N_E, p.N_I, p.block_steps, p.n_avg_steps) == (400, 100, 2000, 100)
    assert (p.u_ref_sq_mV2, p.t_avg_ms, p.J_ffw_mV) == (70.0, 100.0, 1.0)  # C9 made explicit
    assert p.legacy_absorbing_zero and p.specificity_bins == "legacy"
    assert p.spont_inh_rule == "standard" and p.pathway_names == ("EE", "EI", "IE")


@pytest.mark.parametrize(
    "mapping, key",
    [
        ({"p_EE": 1.2}, "p_EE"),
        ({"p_IE": -0.1}, "p_IE"),
        ({"n_blocks": -1}, "n_blocks"),
        ({"n_blocks_spont": 2.5}, "n_blocks_spont"),
        ({"plastic_pathways": ["EE", "XI"]}, "plastic_pathways"),
        ({"spont_inh_rule": "inh_ltd"}, "spont_inh_rule"),
        ({"specificity_bins": "wrapped"}, "specificity_bins"),
        ({"tau_minus_ms": 0}, "tau_minus_ms"),
        ({"dt_ms": 0.5}, "dt_ms"),
        ({"eps_ee": 0.3}, "eps_ee"),
    ],
)
def test_bad_parameter_is_a_one_line_error_naming_the_key(mapping, key):
    with pytest.raises(ValueError) as err:
        SadehParams.from_dict(mapping)
    message = str(err.value)
    assert key in message and "\n" not in message


def test_pathway_list_sets_the_flags():
    p = SadehParams.from_dict({"plastic_pathways": ["EE", "IE"], "n_blocks": 3})
    assert (p.plastic_EE, p.plastic_EI, p.plastic_IE, p.n_blocks) == (True, False, True, 3)


def test_dt_other_than_1_ms_needs_the_rescaled_rule():
    """C5: the reference's LTD is per step, consistent only at dt = 1 ms."""
    p = SadehParams.from_dict({"dt_ms": 0.5, "rescale_ltd_per_spike": True})
    assert p.block_steps == 4000 and p.kernel_constants()[8] == p.A_LTD_per_mV

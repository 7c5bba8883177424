"""Bad input: every bad configuration stops the workflow before any job starts, with one line
naming the key.

One table for all papers.  Each row is a config file added after ``config/config.yaml`` (as a
user's ``--configfile`` would be), the kind of mistake, and the key path the message must
name.  Every row goes through a real Snakemake dry run of ``all``
(``assert_bad_config_stops_before_any_job``): the run fails, prints exactly one
``config error`` line naming the key, no traceback, and creates no results folder.  The
kinds:

- ``type``: a value of the wrong type;
- ``range``: a value outside its range or enumeration;
- ``unknown``: a key the schema does not define (a typo);
- ``missing``: a required key left out;
- ``inconsistent``: values that are each valid but contradict each other or the stage graph
  (a plateau longer than a lap, a reset above threshold, a figure naming a seed its scenario
  does not run, a second induction starting from a scenario that does not exist).
"""

from __future__ import annotations

from collections import Counter

import pytest

from synplast.registry import REGISTRY
from tests.workflow.helpers import assert_bad_config_stops_before_any_job

KINDS = ("type", "range", "unknown", "missing", "inconsistent")

T, S, W, M, U = "tsodyks2000", "sadeh2015", "sweeney2017", "milstein2021", "urbanczik2014"

BAD_CONFIGS = [
    # --- every paper, and the top level --------------------------------------------------
    ("top", "type", f"{T}: 5\n", f"{T}: 5 is not of type 'object'"),
    ("top", "unknown", "nonpaper:\n  model: {}\n", "unknown key nonpaper"),
    # --- tsodyks2000 ----------------------------------------------------------------------
    (T, "unknown", f"{T}:\n  model:\n    dt_msec: 1.0\n", f"{T}.model.dt_msec"),
    (T, "type", f"{T}:\n  enabled: yes please\n", f"{T}.enabled"),
    (
        T,
        "range",
        f"{T}:\n  model:\n    connection_probability: 1.5\n",
        f"{T}.model.connection_probability",
    ),
    (
        T,
        "range",
        f"{T}:\n  scenarios:\n    main:\n      seeds: [-3]\n",
        f"{T}.scenarios.main.seeds",
    ),
    (
        T,
        "range",
        f"{T}:\n  scenarios:\n    main:\n      seeds: [1]\n      model: {{v0_mode: hot}}\n",
        f"{T}.scenarios.main.model.v0_mode",
    ),
    (
        T,
        "missing",
        f"{T}:\n  scenarios:\n    extra:\n      model: {{ib_half_width_mV: 0.3}}\n",
        f"{T}.scenarios.extra: its stages are seeded: give seeds",
    ),
    (
        T,
        "missing",
        f"{T}:\n  claims:\n    controls:\n      bogus: {{scenario: main, description: x}}\n",
        f"{T}.claims.controls.bogus: 'aimed_at' is a required property",
    ),
    (
        T,
        "inconsistent",
        f"{T}:\n  figures:\n    fig1: {{scenario: nowhere, seed: 1}}\n",
        f"{T}.figures.fig1.scenario",
    ),
    (
        T,
        "inconsistent",
        f"{T}:\n  figures:\n    fig1: {{scenario: main, seed: 7}}\n",
        f"{T}.figures.fig1: {T}.main: seed 7 is not in its seeds",
    ),
    (
        T,
        "inconsistent",
        f"{T}:\n  model:\n    v_reset_mV: 16.0\n",
        f"{T}.scenarios.main.model.v_reset_mV: must be below v_thresh_mV",
    ),
    (
        T,
        "inconsistent",
        f"{T}:\n  model:\n    v_reset_mV: 15.0\n",
        f"{T}.scenarios.main.model.v_reset_mV: must be below v_thresh_mV",
    ),
    (
        T,
        "inconsistent",
        f"{T}:\n  protocol:\n    record_ms: 0.5\n",
        f"{T}.scenarios.main.protocol.record_ms: must be a whole number of dt_ms",
    ),
    # --- sadeh2015 ------------------------------------------------------------------------
    (S, "range", f"{S}:\n  model:\n    p_EE: 1.5\n", f"{S}.model.p_EE"),
    (S, "range", f"{S}:\n  protocol:\n    n_blocks: -1\n", f"{S}.protocol.n_blocks"),
    (S, "range", f"{S}:\n  model:\n    w_max_mV: 0.0\n", f"{S}.model.w_max_mV"),
    (
        S,
        "range",
        f"{S}:\n  protocol:\n    spont_inh_rule: inh_ltd\n",
        f"{S}.protocol.spont_inh_rule",
    ),
    (
        S,
        "range",
        f"{S}:\n  resources:\n    plastic: {{threads: 0}}\n",
        f"{S}.resources.plastic.threads",
    ),
    (
        S,
        "range",
        f"{S}:\n  scenarios:\n    ablation_EE:\n      seeds: [1]\n"
        "      model: {plastic_pathways: [EE, XI]}\n",
        f"{S}.scenarios.ablation_EE.model.plastic_pathways",
    ),
    (
        S,
        "unknown",
        f"{S}:\n  scenarios:\n    extra: {{seeds: [1], modle: {{N_E: 3}}}}\n",
        f"unknown key {S}.scenarios.extra.modle",
    ),
    (
        S,
        "inconsistent",
        f"{S}:\n  model:\n    w_min_mV: 3.0\n",
        f"{S}.scenarios.main.model.w_max_mV",
    ),
    (
        S,
        "inconsistent",
        f"{S}:\n  claims:\n    ee_only_scenario: nowhere\n",
        f"{S}.claims.ee_only_scenario",
    ),
    # --- sweeney2017 ----------------------------------------------------------------------
    (W, "type", f"{W}:\n  protocol:\n    n_steps: 10.5\n", f"{W}.protocol.n_steps"),
    (W, "type", f"{W}:\n  model:\n    n_inputs: '5'\n", f"{W}.model.n_inputs"),
    (W, "range", f"{W}:\n  model:\n    sigma_d: -0.01\n", f"{W}.model.sigma_d"),
    (W, "range", f"{W}:\n  model:\n    sigma_d: 0.0\n", f"{W}.model.sigma_d"),
    (W, "range", f"{W}:\n  model:\n    averaging: radial\n", f"{W}.model.averaging"),
    (W, "range", f"{W}:\n  model:\n    n_outputs: 0\n", f"{W}.model.n_outputs"),
    (W, "range", f"{W}:\n  model:\n    dt_tau: 2.0\n", f"{W}.model.dt_tau"),
    (W, "unknown", f"{W}:\n  model:\n    sigma: 0.02\n", f"{W}.model.sigma"),
    (
        W,
        "inconsistent",
        f"{W}:\n  model:\n    H_max: 1.0\n",
        f"{W}.scenarios.diffusive.model.H_max",
    ),
    (
        W,
        "inconsistent",
        f"{W}:\n  scenarios:\n    standard:\n      seeds: [1]\n"
        "      model: {shuffle_kernel_positions: true}\n",
        f"{W}.scenarios.standard.model.shuffle_kernel_positions",
    ),
    (
        W,
        "inconsistent",
        f"{W}:\n  protocol:\n    sample_every_steps: 3000000\n",
        "protocol.sample_every_steps",
    ),
    (
        W,
        "inconsistent",
        f"{W}:\n  figures:\n    sigma_sweep: {{scenarios: [diffusive, nowhere]}}\n",
        f"{W}.figures.sigma_sweep.scenarios: no scenario 'nowhere'",
    ),
    # --- milstein2021 ---------------------------------------------------------------------
    (M, "range", f"{M}:\n  model:\n    C: {{rng: mersenne}}\n", f"{M}.model.C.rng"),
    (
        M,
        "range",
        f"{M}:\n  model:\n    B: {{peak_delta_weight: 0.0}}\n",
        "model.B.peak_delta_weight",
    ),
    (
        M,
        "range",
        f"{M}:\n  model:\n    A: {{variants: {{nonlinear: {{W_max: 0.0}}}}}}\n",
        "model.A.variants.nonlinear.W_max",
    ),
    (
        M,
        "range",
        f"{M}:\n  scenarios:\n    A-seed:\n      model:\n"
        "        A: {variants: {short: {W_max: -4.0}}}\n",
        "A-seed.model.A.variants.short.W_max",
    ),
    (
        M,
        "range",
        f"{M}:\n  protocol:\n    B: {{induction2_init: model_induction1}}\n",
        "protocol.B.induction2_init",
    ),
    (
        M,
        "range",
        f"{M}:\n  scenarios:\n    C-network: {{submodel: Z}}\n",
        f"{M}.scenarios.C-network.submodel",
    ),
    (
        M,
        "unknown",
        f"{M}:\n  figures:\n    C_extra: {{scenarios: [C-network]}}\n",
        f"unknown key {M}.figures.C_extra",
    ),
    (
        M,
        "missing",
        f"{M}:\n  scenarios:\n    C-extra: {{submodel: C}}\n",
        f"{M}.scenarios.C-extra: its stages are seeded: give seeds",
    ),
    (
        M,
        "inconsistent",
        f"{M}:\n  model:\n    B: {{tau_IS_ms: 1700.0}}\n",
        "model.B.tau_IS_ms",
    ),
    (
        M,
        "inconsistent",
        f"{M}:\n  scenarios:\n    C-network:\n      model: {{C: {{tau_IS_ms: 1664.103}}}}\n",
        "C-network.model.C.tau_IS_ms",
    ),
    (
        M,
        "inconsistent",
        f"{M}:\n  protocol:\n    B: {{plateau_ms: 8000.0}}\n",
        "protocol.B.plateau_ms",
    ),
    (M, "inconsistent", f"{M}:\n  model:\n    C: {{plateau_ms: 7400.0}}\n", "model.C.plateau_ms"),
    (
        M,
        "inconsistent",
        f"{M}:\n  analysis:\n    C: {{reward_zone_cm: [100.0, 80.0]}}\n",
        "analysis.C.reward_zone_cm",
    ),
    (
        M,
        "inconsistent",
        f"{M}:\n  scenarios:\n    B-induction2:\n      protocol: {{B: {{start_from: nowhere}}}}\n",
        f"{M}.scenarios.B-induction2.protocol.B.start_from: no scenario 'nowhere'",
    ),
    (
        M,
        "inconsistent",
        f"{M}:\n  figures:\n    A_ref_maps: {{scenario: B-induction1}}\n",
        f"{M}.figures.A_ref_maps: 'B-induction1' runs sub-model B, not A",
    ),
    # --- urbanczik2014 --------------------------------------------------------------------
    (U, "type", f"{U}:\n  protocol:\n    n_pattern_rep: true\n", f"{U}.protocol.n_pattern_rep"),
    (U, "range", f"{U}:\n  model:\n    g_sp_nS: -600.0\n", f"{U}.model.g_sp_nS"),
    (U, "range", f"{U}:\n  model:\n    g_L_soma_nS: 0.0\n", f"{U}.model.g_L_soma_nS"),
    (U, "range", f"{U}:\n  model:\n    teacher_in_nS: -18.0\n", f"{U}.model.teacher_in_nS"),
    (U, "range", f"{U}:\n  model:\n    tau_Delta_ms: 0.0\n", f"{U}.model.tau_Delta_ms"),
    (U, "range", f"{U}:\n  model:\n    clip_mode: inner\n", f"{U}.model.clip_mode"),
    (U, "range", f"{U}:\n  scenarios:\n    main: {{seeds: []}}\n", f"{U}.scenarios.main.seeds"),
    (U, "range", f"{U}:\n  scenarios:\n    main: {{seeds: [1, 1]}}\n", f"{U}.scenarios.main.seeds"),
    (
        U,
        "range",
        f"{U}:\n  scenarios:\n    main:\n      seeds: [1]\n      model: {{g_sp_nS: -1.0}}\n",
        f"{U}.scenarios.main.model.g_sp_nS",
    ),
    (U, "unknown", f"{U}:\n  claims:\n    scenario_x: main\n", f"{U}.claims.scenario_x"),
    (
        U,
        "inconsistent",
        f"{U}:\n  model:\n    W_max_pA: 50.0\n",
        f"{U}.scenarios.main.model.W_max_pA",
    ),
    (
        U,
        "inconsistent",
        f"{U}:\n  scenarios:\n    main:\n      seeds: [1]\n      model: {{W_max_pA: 80.0}}\n",
        f"{U}.scenarios.main.model.W_max_pA",
    ),
    (
        U,
        "inconsistent",
        f"{U}:\n  model:\n    dendritic_delay_ms: 0.15\n",
        f"{U}.scenarios.main.model.dendritic_delay_ms",
    ),
    (
        U,
        "inconsistent",
        f"{U}:\n  protocol:\n    pattern_duration_ms: 0.05\n",
        f"{U}.scenarios.main.protocol.pattern_duration_ms: must be a multiple of dt_ms",
    ),
]


def _case_id(case: tuple) -> str:
    paper, kind, _, names = case
    return f"{paper}-{kind}-{names.split(':')[0].split('.')[-1]}"


def test_the_table_covers_every_paper_and_every_kind_of_mistake():
    """At least 30 rows, each kind of mistake for the whole config, and at least three rows
    (and an inconsistent one) for every registered paper."""
    assert len(BAD_CONFIGS) >= 30
    assert {kind for _, kind, _, _ in BAD_CONFIGS} == set(KINDS)
    per_paper = Counter(paper for paper, _, _, _ in BAD_CONFIGS)
    for paper in REGISTRY:
        assert per_paper[paper] >= 3, paper
        assert (paper, "inconsistent") in {(p, k) for p, k, _, _ in BAD_CONFIGS}, paper


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=[_case_id(case) for case in BAD_CONFIGS])
def test_bad_config_stops_before_any_job_with_one_line_naming_the_key(repo, tmp_path, case):
    _, _, override, names = case
    assert_bad_config_stops_before_any_job(repo, tmp_path, override, names, timeout=300)

"""Claims of Sadeh, Clopath & Rotter (2015) (spec §5) at paper scale over 5 seeds.

Paper scale: N = 500 (400 E, 100 I), exactly 40 learning blocks (claim 8: specificity has not
converged at 40 blocks, so fewer blocks would test a different network).  Every (seed,
protocol) is simulated once per session (module fixture); seeds run on two threads (the
kernels release the GIL).  Tolerances are derived from the model or the paper's own figures,
as stated next to each assertion.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from synplast.papers.sadeh2015 import inputs, metrics, protocol
from synplast.papers.sadeh2015.params import SadehParams

pytestmark = pytest.mark.slow

SEEDS = (1, 2, 3, 4, 5)
P = SadehParams()
NE, N = P.N_E, P.N
# Initial Fig. 3G bins: every E->E pair exists with p = 0.3 at J = 0.5 mV -> 0.15 mV.
FLAT_BIN_MV = P.p_EE * P.J_mV


def _contrast(W, po):
    """Fig. 3G bin 1 minus bin 3 (mV): the size of the learned specificity."""
    b = metrics.specificity_bins(W, po, NE)
    return b[0] - b[2]


def _rates(neuron):
    return metrics.mean_rates_Hz(neuron, NE, N, P.block_ms)


def simulate_seed(seed: int) -> dict:
    """All protocols of one seed, reduced to the numbers the claims are about."""
    po = inputs.preferred_orientations(P)
    W0 = inputs.initial_weights(P, seed)
    stim = inputs.stimulus_sequences(P, seed)
    X_blocks = [inputs.block_input(P, po, seed, b, stim[b]) for b in range(P.n_blocks)]
    main = protocol.run_learning(P, W0, po, seed, stim, X_blocks.__getitem__)
    Wf = main.W_final
    X_bp = inputs.test_input(P, po, seed)
    bp = protocol.run_static_test(P, W0, X_bp)
    ap = protocol.run_static_test(P, Wf, X_bp)
    thetas = inputs.tuning_orientations(P)
    osi_before, _ = metrics.osi_po(protocol.run_tuning(P, W0, po, seed), thetas)
    osi_after, _ = metrics.osi_po(protocol.run_tuning(P, Wf, po, seed), thetas)
    out = {
        "rates_bp": _rates(bp.neuron),
        "rates_ap": _rates(ap.neuron),
        "rates_begin": _rates(main.spikes.of_block(0)[0]),
        "rates_end": _rates(main.spikes.of_block(P.n_blocks - 1)[0]),
        "sparseness_bp": metrics.sparseness(bp.neuron, NE),
        "sparseness_ap": metrics.sparseness(ap.neuron, NE),
        "bins_W0": metrics.specificity_bins(W0, po, NE),
        "bins_Wf": metrics.specificity_bins(Wf, po, NE),
        "contrast_block30": _contrast(main.W_blocks[29], po),
        "contrast_block40": _contrast(main.W_blocks[39], po),
        "corr_Wf": metrics.weight_tuning_correlation(Wf, W0, po, NE),
        "osi_E": (np.nanmean(osi_before[:NE]), np.nanmean(osi_after[:NE])),
        "osi_I": (np.nanmean(osi_before[NE:]), np.nanmean(osi_after[NE:])),
        "bidir_W0_existence": metrics.bidirectional_surplus(W0, NE, 0.0),
        "bidir_Wf": metrics.bidirectional_surplus(Wf, NE, P.w_th_bidir_mV),
    }
    for name, pathways in {"EE": ["EE"], "EE+IE": ["EE", "IE"], "EE+EI": ["EE", "EI"]}.items():
        run = protocol.run_ablation(P, pathways, W0, po, seed, stim, X_blocks.__getitem__)
        out[f"abl_{name}_rates_end"] = _rates(run.spikes.of_block(P.n_blocks - 1)[0])
        out[f"abl_{name}_contrast"] = _contrast(run.W_final, po)
    del X_blocks
    spont = protocol.run_spontaneous(P, W0, Wf, seed)
    out["bins_spont"] = metrics.specificity_bins(spont.W_final, po, NE)
    out["rates_spont"] = metrics.mean_rates_Hz(
        spont.spikes.neuron, NE, N, P.n_blocks_spont * P.block_ms
    )
    card = protocol.run_cardinal(P, W0, po, seed)
    _, within_card = metrics.cardinal_within_group(card.W_final, W0, po, NE)
    _, within_uniform = metrics.cardinal_within_group(
        main.W_blocks[P.n_blocks_cardinal - 1], W0, po, NE
    )
    out["cardinal_effect"] = metrics.cardinal_minus_oblique(within_card)
    out["uniform_effect"] = metrics.cardinal_minus_oblique(within_uniform)
    return out


@pytest.fixture(scope="module")
def runs() -> list[dict]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(simulate_seed, SEEDS))


def values(runs, key, index=None):
    return np.array([r[key] if index is None else r[key][index] for r in runs])


def test_excitatory_rates_fall_with_learning_and_activity_is_sparser(runs):
    """Claim 1.  The paper's Fig. 1 (Python-2 floored) has E 7.5 -> 3.0 Hz (begin -> end) and
    7.5 -> 3.5 Hz (before -> after), a ~4 Hz drop; we ask for more than half of it in every
    seed (the Poisson error of a 2-s, 400-neuron rate is ~0.05 Hz).  I rates: 5.0 -> 5.5 Hz
    floored, so the true change is within (0, 1) Hz; we allow |dI| < 1 Hz on the seed mean."""
    drop_test = values(runs, "rates_bp", 0) - values(runs, "rates_ap", 0)
    drop_learning = values(runs, "rates_begin", 0) - values(runs, "rates_end", 0)
    assert np.all(drop_test > 2.0), drop_test
    assert np.all(drop_learning > 2.0), drop_learning
    d_inh = values(runs, "rates_ap", 1) - values(runs, "rates_bp", 1)
    assert abs(d_inh.mean()) < 1.0, d_inh
    # "Sparser activity": fewer E neurons fire at all in the same frozen 2-s test
    assert np.all(values(runs, "sparseness_ap") < values(runs, "sparseness_bp"))


def test_connection_specificity_emerges_ordered_by_dpo(runs):
    """Claim 2 / Fig. 3G.  W0 bins are flat at p_EE J = 0.15 mV (each bin averages ~5e4 pairs
    of 0.5 Bernoulli(0.3) weights: SE 1e-3 mV; tolerance 0.01 mV).  After learning the bins
    strictly decrease with |dPO| in every seed; the nearest bin at least doubles (paper 0.41)
    and the farthest falls below the initial 0.15 (paper 0.11)."""
    bins0 = np.array([r["bins_W0"] for r in runs])
    binsf = np.array([r["bins_Wf"] for r in runs])
    np.testing.assert_allclose(bins0, FLAT_BIN_MV, atol=0.01)
    assert np.all(np.diff(binsf, axis=1) < 0), binsf
    assert np.all(binsf[:, 0] > 2 * FLAT_BIN_MV)
    assert np.all(binsf[:, 2] < FLAT_BIN_MV)
    # existing weights follow cos 2dPO: r > 0.5 (> 25 % of the variance; W0 has none)
    assert np.all(values(runs, "corr_Wf") > 0.5)


def test_specificity_still_growing_at_40_blocks(runs):
    """Claim 8: the contrast grows from block 30 to block 40 in every seed."""
    assert np.all(values(runs, "contrast_block40") > values(runs, "contrast_block30"))


def test_orientation_selectivity_increases(runs):
    """Claim 3.  The OSI gain must exceed half of the input-level OSI, m/2 (0.1 for E, 0.01 for
    I): more than the feedforward tuning alone could account for."""
    d_e = values(runs, "osi_E", 1) - values(runs, "osi_E", 0)
    d_i = values(runs, "osi_I", 1) - values(runs, "osi_I", 0)
    assert np.all(d_e > P.m_E / 4), d_e
    assert np.all(d_i > P.m_I / 4), d_i


def test_surplus_of_bidirectional_strong_connections(runs):
    """Claim 4.  For W0 (independent Bernoulli masks) the existence surplus is 1; with ~1.4e4
    bidirectional pairs expected its relative SE is ~1 %, tolerance 0.05.  After learning strong
    (> 1 mV) pairs are reciprocated more than chance: surplus > 1.25 (for the few hundred
    reciprocal pairs expected by chance the SE is ~5 %, so 1.25 is 5 SE)."""
    np.testing.assert_allclose(values(runs, "bidir_W0_existence"), 1.0, atol=0.05)
    assert np.all(values(runs, "bidir_Wf") > 1.25)


def test_ei_plasticity_keeps_excitation_bounded(runs):
    """Claim 5.  Without E->I plasticity (EE only; EE + IE) E rates do not fall but rise above
    their initial level, and the specificity contrast stays below half of the full model's;
    EE + EI keeps E rates below their initial level and recovers over half the contrast."""
    begin_e = values(runs, "rates_begin", 0)
    full = values(runs, "contrast_block40")
    for name in ("EE", "EE+IE"):
        assert np.all(values(runs, f"abl_{name}_rates_end", 0) > begin_e), name
        assert np.all(values(runs, f"abl_{name}_contrast") < 0.5 * full), name
    assert np.all(values(runs, "abl_EE+EI_rates_end", 0) < begin_e)
    assert np.all(values(runs, "abl_EE+EI_contrast") > 0.5 * full)


def test_spontaneous_activity_keeps_learned_structure(runs):
    """Claim 6.  After 10 blocks of untuned b/2 input each Fig. 3G bin moves by less than 10 %
    of the learned contrast (bin 1 - bin 3), and the bins stay strictly ordered."""
    binsf = np.array([r["bins_Wf"] for r in runs])
    binss = np.array([r["bins_spont"] for r in runs])
    contrast = binsf[:, 0] - binsf[:, 2]
    assert np.all(np.abs(binss - binsf) < 0.1 * contrast[:, None])
    assert np.all(np.diff(binss, axis=1) < 0)
    assert np.all(values(runs, "rates_spont", 0) > 0)  # the network is active, not silent


def test_cardinal_overrepresentation_strengthens_cardinal_groups(runs):
    """Claim 7.  Within-group E->E weight (15 deg PO groups, ~330 synapses each, weight SD
    <= 1 mV: SE of the 4-group cardinal - oblique difference <= 0.04 mV) is larger for cardinal
    than oblique groups by > 0.1 mV in every seed after the cardinal protocol, and larger than
    after the same number of uniform blocks (where symmetry makes it 0 in expectation)."""
    card = values(runs, "cardinal_effect")
    uniform = values(runs, "uniform_effect")
    assert np.all(card > 0.1), card
    assert np.all(card > uniform + 0.1)

"""The fitted weight-dependent rule's constants shared by Models B and C: the sigmoid constants
of ``q+`` and ``q-`` and the truncated exponential filters of ET and IS on the coarse grid
(NumPy only; the kernels are in ``rule.py``)."""

from __future__ import annotations

import numpy as np

from .sigmoid import sigmoid_constants
from .track import Track, exp_decay_filter


def rule_constants(rule_params: dict):
    """``(pot, dep)`` sigmoid constants of ``q+`` and ``q-`` (threshold, threshold + half width)."""
    pot = sigmoid_constants(
        rule_params["f_pot_th"], rule_params["f_pot_th"] + rule_params["f_pot_half_width"]
    )
    dep = sigmoid_constants(
        rule_params["f_dep_th"], rule_params["f_dep_th"] + rule_params["f_dep_half_width"]
    )
    return np.asarray(pot), np.asarray(dep)


def filters(rule_params: dict, track: Track):
    """The truncated, normalised ET and IS filters on the coarse grid."""
    span = rule_params["filter_span_taus"] * max(rule_params["tau_ET_ms"], rule_params["tau_IS_ms"])
    cut = rule_params["filter_truncation"]
    f_ET = exp_decay_filter(rule_params["tau_ET_ms"], span, track.down_dt_ms, cut)
    f_IS = exp_decay_filter(rule_params["tau_IS_ms"], span, track.down_dt_ms, cut)
    return f_ET, f_IS

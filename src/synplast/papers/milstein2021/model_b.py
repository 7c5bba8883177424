"""Model B: place-field induction with the fitted weight-dependent rule.

A cell on the circular track (``track.py``) receives 200 place-tuned inputs.  One lap without a
plateau, ``n_induction_laps`` laps each with a plateau of ``plateau_ms`` starting where the
animal first reaches ``induction_loc_cm``, and one lap without a plateau are concatenated (the
first lap at negative times).  Rates and the plateau gate are picked onto the 10-ms grid; the
eligibility traces are the rates (divided by the peak rate) filtered by the truncated
exponential of ``tau_ET_ms``, then divided by their maximum over inputs and time; the
instructive signal is the gate filtered with ``tau_IS_ms``, divided by its maximum.

The weights move once per induction lap (``rule.py``), over the coarse samples from that lap's
plateau onset to the next one (the last lap: to the last sample of the run, excluded).  The ramp
is ``rsf * sum_i dW_i r_i(x)`` with rsf from the calibration sub-model.

Targets (``protocol.B.target``): the starting ramp (zero for a silent cell, else the target of
the scenario named by ``start_from``) plus synthetic ramps (a negative peak subtracts), replaced
by its least-squares fit (``track.lsa_fit``).  A second induction starts, as the reference does,
from the least-squares weights of the first induction's target (``induction2_init:
lsa_target``) or from the weights the first induction's model run left (``model_induction1``).

This module holds what the stages share; the stages are ``b_inputs.make_inputs``,
``b_plastic.run_plastic`` and ``b_test.run_test``.
"""

from __future__ import annotations

import numpy as np

from synplast.stagefile import var_attrs

from .track import Track


def coords(track: Track) -> dict:
    return {
        "input": ("input", np.arange(track.n_inputs, dtype=np.int32), var_attrs("1", "input")),
        "position_cm": ("position_cm", track.binned_x, var_attrs("cm", "bin centre on the track")),
    }

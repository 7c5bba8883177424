"""Milstein et al. (2021): bidirectional behavioural-timescale synaptic plasticity (BTSP).

Dendritic plateau potentials in CA1 place cells change synapses that were active seconds
before or after them.  The change is bidirectional and its sign is set by the synapse's
current weight: a slow presynaptic eligibility trace (ET) and a plateau-driven instructive
signal (IS) overlap, and the weight moves at rate ``k+ q+(ET IS) (W_max - W) - k- q-(ET IS) W``,
so weak inputs potentiate and strong inputs depress.

Three models, each its own sub-model of the stage graph (``stages.py``):

- **A**, the didactic single-spike model: the seed notebook (``A-seed``) and the authors'
  standalone script (``A-ref``), weight change against spike-plateau interval and initial
  weight, the equilibrium weight;
- **B**, the fitted weight-dependent model on a circular track: a silent cell acquires a place
  field (induction 1), a second plateau moves it (induction 2), with the ramp scaling factor
  calibrated once (the ``calibration`` sub-model);
- **C**, a network of independent cells whose plateau probability is regulated by the
  population's activity, over explore, reward and familiar laps.

The models as implemented, their reference implementations, every quirk with its config flag,
the figures and the claims are described in ``docs/papers/milstein2021.md``.
"""

PAPER = "milstein2021"
REFERENCES = (
    "Milstein AD, Li Y, Bittner KC, Grienberger C, Soltesz I, Magee JC, Romani S (2021) "
    "Bidirectional synaptic plasticity rapidly modifies hippocampal representations. "
    "eLife 10:e73046. doi:10.7554/eLife.73046"
)

"""Sadeh, Clopath & Rotter (2015): functional specificity in plastic balanced E/I networks.

Reference implementation: the authors' code, ModelDB 182784 (``network_run.py``,
``network_simulator.py``, ``params.py``).  Science core: :mod:`.params` (parameters and quirk
flags), :mod:`.kernel` (Numba block kernels), :mod:`.inputs` (seeded random inputs),
:mod:`.protocol` (one function per protocol: learning, tests, tuning, spontaneous, cardinal),
:mod:`.metrics`.  Pipeline stages: ``inputs.make_inputs`` (W0, POs, orientations, frozen test
input), ``plastic.run_plastic`` (40 learning blocks, and the spontaneous and cardinal protocols
when enabled), ``probe.run_test`` (before/after tests, tuning curves, metrics); :mod:`.figures`,
:mod:`.claims`, :mod:`.stages` (the stage graph and what figures and claims read).  The model,
its quirk flags, figures and claims are described in ``docs/papers/sadeh2015.md``.
"""

PAPER = "sadeh2015"
REFERENCES = (
    "Sadeh S, Clopath C, Rotter S (2015) Emergence of functional specificity in balanced "
    "networks with synaptic plasticity. PLoS Comput Biol 11(6):e1004307. "
    "doi:10.1371/journal.pcbi.1004307"
)

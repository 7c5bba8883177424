"""Tsodyks, Uziel & Markram (2000): synchrony generation with dynamic synapses.

A recurrent LIF network of 400 E and 100 I neurons with Tsodyks–Markram short-term
depression (E->E, I->E) and facilitation (E->I, I->I), driven only by constant heterogeneous
background currents, self-organises into population spikes separated by quiet periods in which
the depleted E->E resources recover.  The reference implementation is the Brian2 example
``Tsodyks_Uziel_Markram_2000.py``; the model, its quirk flags, figures and claims are described
in ``docs/papers/tsodyks2000.md``.

Stages: ``inputs`` draws the network; ``plastic`` is the 900 ms burn-in (there is no long-term
plasticity) and writes the full network state; ``test`` restarts from that state and records.
"""

PAPER = "tsodyks2000"
REFERENCES = (
    "Tsodyks M, Uziel A, Markram H (2000) Synchrony generation in recurrent networks with "
    "frequency-dependent synapses. J Neurosci 20(1):RC50. doi:10.1523/JNEUROSCI.20-01-j0003.2000"
)

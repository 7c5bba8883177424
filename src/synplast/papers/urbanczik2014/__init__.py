"""Urbanczik & Senn (2014): learning by the dendritic prediction of somatic spiking.

A two-compartment neuron (NEST's ``pp_cond_exp_mc_urbanczik``): a conductance-based soma that
spikes stochastically with rate phi(U), and a current-based dendrite whose synapses
(``urbanczik_synapse``) learn to make the dendritic prediction V_w* of the somatic potential
predict the somatic spikes: ``dw/dt ~ [S - phi(V_w*)] h(V_w*) PSP``, low-pass filtered.  A
frozen 200-input Poisson pattern is presented repeatedly while somatic teacher conductances
impose a matching potential U_M; over learning V_w* comes to reproduce U_M from the dendritic
input alone (Fig. 1B).  The reference implementation is NEST 3 and its example
``urbanczik_synapse_example.py``; the model, its quirk flags, figures, claims and the NEST
cross-check are described in ``docs/papers/urbanczik2014.md``.

Stages: ``inputs`` draws the pattern and builds the teacher; ``plastic`` runs the 104
presentations; ``test`` measures the learning curve and the frozen tests; the optional ``nest``
stage runs the same protocol in NEST on identical input spikes.
"""

PAPER = "urbanczik2014"
REFERENCES = (
    "Urbanczik R, Senn W (2014) Learning by the dendritic prediction of somatic spiking. "
    "Neuron 81(3):521-528. doi:10.1016/j.neuron.2013.11.030; reference implementation: NEST "
    "3.10 pp_cond_exp_mc_urbanczik, urbanczik_synapse and urbanczik_synapse_example.py"
)

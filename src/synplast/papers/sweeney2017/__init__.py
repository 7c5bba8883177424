"""Sweeney & Clopath (2017): emergent spatial synaptic structure from diffusive plasticity.

Five rate inputs drive fifty rate outputs placed on a ring.  The outputs' weights learn with a
BCM rule whose sliding threshold follows each output's own rate.  In the diffusive variant the
postsynaptic factor of the rule is the output's rate spatially averaged over its neighbours by a
Gaussian kernel (a diffusing messenger such as nitric oxide, with instantaneous diffusion), so
neighbouring outputs learn alike and their preferred inputs form contiguous domains; standard
BCM gives outputs that are just as selective but spatially random.  The reference
implementation is the authors' ModelDB module ``ff_network_functions_spatial_clean.py`` run by
their notebook ``Receptive_field_formation_dBCM.ipynb``; the model, its quirk flags, figures
and claims are described in ``docs/papers/sweeney2017.md``.

Stages: ``inputs`` draws the positions, the diffusion kernel, the initial weights and the
stimulus epochs; ``plastic`` runs the 2.5 million Euler steps of learning and records weight
snapshots; ``test`` analyses the learned receptive fields.
"""

PAPER = "sweeney2017"
REFERENCES = (
    "Sweeney Y, Clopath C (2017) Emergent spatial synaptic structure from diffusive "
    "plasticity. Eur J Neurosci 45(8):1057-1067. doi:10.1111/ejn.13279"
)

"""Building blocks shared by the papers' kernels: neuron steps, synaptic traces, short-term
plasticity, ragged spike recording (:mod:`.spikes`) and sparse synapse indices
(:mod:`.connectivity`).

Every Numba kernel is ``@njit(cache=True)`` over plain arrays and scalars, without ``fastmath``
(results are validated against closed forms and NumPy transliterations).  The synapse indices
are built once per network, in Python with :mod:`scipy.sparse`.
"""

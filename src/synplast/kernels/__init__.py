"""Building blocks shared by the papers' kernels: neuron steps, synaptic traces, short-term
plasticity, ragged spike recording (:mod:`.spikes`), sparse synapse indices
(:mod:`.connectivity`), and the divergence guard that stops a run at its first NaN or overflow
(:mod:`.guard`).

Every Numba kernel is ``@njit(cache=True)`` over plain arrays and scalars, without ``fastmath``
(results are validated against closed forms and NumPy transliterations).  The synapse indices
are built once per network, in Python with :mod:`scipy.sparse`.
"""

"""Numba kernels shared by the papers: neuron steps, synaptic traces, short-term plasticity.

Every kernel is ``@njit(cache=True)`` over plain arrays and scalars, without ``fastmath``
(results are validated against closed forms and NumPy transliterations).
"""

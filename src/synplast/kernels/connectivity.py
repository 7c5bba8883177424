"""Index structures of sparse connectivity (CSR-style), built with :mod:`scipy.sparse`.

Synapses are given as a COO list: parallel integer arrays ``pre`` and ``post`` with one entry
per synapse, in the order the synapses are stored (synapse ``s`` is ``pre[s] -> post[s]``, and
its state lives at index ``s`` of the per-synapse arrays).  Several synapses may join the same
pair ``(pre, post)``; they stay distinct synapses here.

Grouping the synapses by a key (the presynaptic neuron, or the postsynaptic one) gives

- ``indptr`` (int64, ``n_groups + 1``): the synapses of group ``g`` are
  ``order[indptr[g]:indptr[g + 1]]`` (an empty slice for a group without synapses);
- ``order`` (int64, one entry per synapse): a permutation of the synapse indices, groups in
  ascending key order, and *within a group the synapses in their stored order* (ascending
  synapse index), i.e. exactly ``np.argsort(key, kind="stable")``.

The order within a group matters: kernels sum over a group's synapses in this order, and
floating-point sums depend on it.  These structures are built once per network (plain Python
and SciPy, not Numba); the kernels then read ``indptr`` and ``order`` in their inner loops.

How: the synapses are entered into a sparse ``n_groups x n_synapses`` matrix whose entry for
synapse ``s`` sits in row ``key[s]`` and column ``s``.  Columns are distinct synapse ids, so
SciPy's COO -> CSR conversion can never sum two synapses into one entry (it sums duplicate
``(row, column)`` entries), and its canonical CSR form lists each row's columns ascending: the
CSR ``indptr`` is the group pointer and the CSR column indices are the stable order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

__all__ = ["SynapseIndex", "group_indices", "synapse_index"]


def _as_keys(key, name: str, n_groups: int) -> np.ndarray:
    key = np.asarray(key)
    if key.ndim != 1 or not (np.issubdtype(key.dtype, np.integer) or key.size == 0):
        raise ValueError(f"{name} must be a 1-D integer array")
    key = key.astype(np.int64, copy=False)
    if key.size and (key.min() < 0 or key.max() >= n_groups):
        raise ValueError(f"{name} must lie in [0, {n_groups})")
    return key


def group_indices(key, n_groups: int, within=None) -> tuple[np.ndarray, np.ndarray]:
    """Group item indices ``0 .. len(key) - 1`` by ``key``; returns ``(indptr, order)``.

    ``key``: non-negative integers ``< n_groups``, one per item (synapse).  ``indptr``
    (int64[n_groups + 1]) and ``order`` (int64[len(key)]) are as in the module docstring: groups
    ascending, items of a group in ascending index, which is ``np.argsort(key, kind="stable")``.

    ``within`` (optional, non-negative integers, one per item): order the items of each group by
    ``within`` first and by index among equal values, i.e. ``np.lexsort((within, key))``.
    """
    n_groups = int(n_groups)
    key = _as_keys(key, "key", n_groups)
    if within is None:
        return _stable_groups(key, n_groups)
    within = np.asarray(within)
    if within.shape != key.shape:
        raise ValueError("within must have one entry per item")
    n_within = int(within.max()) + 1 if within.size else 0
    within = _as_keys(within, "within", n_within)
    _, by_within = _stable_groups(within, n_within)
    indptr, order = _stable_groups(key[by_within], n_groups)
    return indptr, by_within[order]


def _stable_groups(key: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    n_items = key.shape[0]
    items = np.arange(n_items, dtype=np.int64)
    marks = sp.csr_array((np.ones(n_items, dtype=np.int8), (key, items)), shape=(n_groups, n_items))
    marks.sort_indices()  # canonical form already; made explicit since the order is the result
    indptr = marks.indptr.astype(np.int64)
    order = marks.indices.astype(np.int64)
    if order.shape[0] != n_items:  # cannot happen: columns are distinct
        raise RuntimeError("scipy.sparse merged synapses")
    return indptr, order


class SynapseIndex(NamedTuple):
    """Synapses grouped by presynaptic and by postsynaptic neuron (see :func:`synapse_index`)."""

    pre_indptr: np.ndarray
    pre_order: np.ndarray
    post_indptr: np.ndarray
    post_order: np.ndarray


def synapse_index(pre, post, n_pre: int, n_post: int | None = None) -> SynapseIndex:
    """Both groupings of the COO synapse list ``(pre, post)``.

    ``pre_order[pre_indptr[j]:pre_indptr[j + 1]]`` are the synapses leaving neuron ``j`` and
    ``post_order[post_indptr[k]:post_indptr[k + 1]]`` those arriving at neuron ``k``, each in
    stored (ascending synapse index) order.  ``n_pre`` and ``n_post`` (default ``n_pre``) are
    the numbers of pre- and postsynaptic neurons; all arrays are int64.
    """
    pre = np.asarray(pre)
    post = np.asarray(post)
    if pre.shape != post.shape:
        raise ValueError("pre and post must have one entry per synapse")
    pre_indptr, pre_order = group_indices(pre, n_pre)
    post_indptr, post_order = group_indices(post, n_pre if n_post is None else n_post)
    return SynapseIndex(pre_indptr, pre_order, post_indptr, post_order)

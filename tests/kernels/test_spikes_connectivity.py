"""Shared kernel building blocks: growing ragged spike buffers and sparse synapse indices."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from synplast.kernels.connectivity import group_indices, synapse_index
from synplast.kernels.spikes import append_spike, new_spike_buffers, trim_spikes

# ------------------------------------------------------------------ spikes


@njit
def _record(events_step, events_neuron, capacity):
    """Append every event through the buffers (as a kernel would); also report final capacity."""
    steps, neurons = new_spike_buffers(capacity)
    count = 0
    for e in range(events_step.shape[0]):
        steps, neurons = append_spike(steps, neurons, count, events_step[e], events_neuron[e])
        count += 1
    final_capacity = steps.shape[0]
    steps, neurons = trim_spikes(steps, neurons, count)
    return steps, neurons, final_capacity


@pytest.mark.parametrize("capacity", [0, 1, 3, 16])
def test_buffers_grow_across_doublings_like_a_python_list(capacity):
    rng = np.random.default_rng(capacity)
    n = 1000  # from 1 or 3, about nine doublings
    ref_steps, ref_neurons = [], []
    for step in range(400):
        for neuron in np.flatnonzero(rng.random(7) < 0.36):
            ref_steps.append(step)
            ref_neurons.append(int(neuron))
    ref_steps, ref_neurons = ref_steps[:n], ref_neurons[:n]
    steps, neurons, final_capacity = _record(
        np.array(ref_steps, np.int64), np.array(ref_neurons, np.int32), capacity
    )
    assert steps.dtype == np.int64 and neurons.dtype == np.int32
    assert steps.tolist() == ref_steps
    assert neurons.tolist() == ref_neurons
    assert len(ref_steps) > 16
    expected_capacity = max(capacity, 1)
    while expected_capacity < len(ref_steps):
        expected_capacity *= 2
    assert final_capacity == expected_capacity


def test_no_spikes_gives_empty_arrays():
    steps, neurons, _ = _record(np.empty(0, np.int64), np.empty(0, np.int32), 8)
    assert steps.shape == neurons.shape == (0,)


def test_growth_keeps_the_buffer_dtypes():
    """Buffers of other integer dtypes (e.g. int32 steps) stay of those dtypes when they grow."""
    steps = np.empty(1, np.int32)
    neurons = np.empty(1, np.int16)
    steps, neurons = append_spike(steps, neurons, 0, 5, 2)
    steps, neurons = append_spike(steps, neurons, 1, 6, 3)
    assert steps.dtype == np.int32 and neurons.dtype == np.int16 and steps.shape == (2,)
    assert steps.tolist() == [5, 6] and neurons.tolist() == [2, 3]


# ------------------------------------------------------------------ connectivity


def stable_reference(key, n_groups):
    order = np.argsort(key, kind="stable")
    indptr = np.zeros(n_groups + 1, np.int64)
    np.cumsum(np.bincount(key, minlength=n_groups), out=indptr[1:])
    return indptr, order


def random_coo(rng, n, n_syn):
    """Random synapse list with many duplicate (pre, post) pairs and some empty rows/columns."""
    pre = rng.integers(0, n, n_syn)
    post = rng.integers(0, n, n_syn)
    pre[pre % 5 == 1] = 0  # neurons 1, 6, 11, ... send nothing
    post[post % 7 == 3] = n - 1  # neurons 3, 10, 17, ... receive nothing
    dup = rng.integers(0, n_syn, n_syn // 4)  # copy some synapses' pairs to random positions
    pre[rng.integers(0, n_syn, dup.size)] = pre[dup]
    return pre, post


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_groupings_equal_a_stable_argsort(seed, dtype):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    n_syn = int(rng.integers(0, 3000))
    pre, post = (a.astype(dtype) for a in random_coo(rng, n, n_syn))
    index = synapse_index(pre, post, n)
    for key, indptr, order in (
        (pre, index.pre_indptr, index.pre_order),
        (post, index.post_indptr, index.post_order),
    ):
        ref_indptr, ref_order = stable_reference(key, n)
        assert indptr.dtype == np.int64 and order.dtype == np.int64
        np.testing.assert_array_equal(indptr, ref_indptr)
        np.testing.assert_array_equal(order, ref_order)


def test_duplicate_pairs_are_never_merged():
    pre = np.array([2, 2, 0, 2, 2, 0])
    post = np.array([1, 1, 1, 1, 0, 1])
    index = synapse_index(pre, post, 4, n_post=3)
    np.testing.assert_array_equal(index.pre_indptr, [0, 2, 2, 6, 6])
    np.testing.assert_array_equal(index.pre_order, [2, 5, 0, 1, 3, 4])
    np.testing.assert_array_equal(index.post_indptr, [0, 1, 6, 6])
    np.testing.assert_array_equal(index.post_order, [4, 0, 1, 2, 3, 5])


@pytest.mark.parametrize("seed", range(4))
def test_within_key_equals_lexsort(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 40))
    pre, post = random_coo(rng, n, int(rng.integers(0, 2000)))
    indptr, order = group_indices(post, n, within=pre)
    np.testing.assert_array_equal(order, np.lexsort((pre, post)))
    np.testing.assert_array_equal(indptr, stable_reference(post, n)[0])


def test_no_synapses():
    index = synapse_index(np.empty(0, np.int32), np.empty(0, np.int32), 3)
    for indptr in (index.pre_indptr, index.post_indptr):
        np.testing.assert_array_equal(indptr, [0, 0, 0, 0])
    assert index.pre_order.shape == index.post_order.shape == (0,)


@pytest.mark.parametrize("key", [[0, 3], [-1, 0], [0.0, 1.0]])
def test_keys_out_of_range_or_not_integer_are_rejected(key):
    with pytest.raises(ValueError):
        group_indices(np.array(key), 3)


def test_sparse_weights_keep_the_lexsort_layout():
    """SparseWeights (sadeh2015) equals the layout built with np.lexsort, duplicates included."""
    from synplast.papers.sadeh2015.kernel import SparseWeights

    rng = np.random.default_rng(7)
    n, n_E = 30, 24
    pre, post = random_coo(rng, n, 900)
    w = rng.normal(size=pre.size)
    sw = SparseWeights(n, n_E, pre, post, w)
    by_post = np.lexsort((pre, post))
    col_pre, col_post = pre[by_post], post[by_post]
    by_pre = np.lexsort((col_post, col_pre))
    ref_col_ptr = stable_reference(post, n)[0]
    np.testing.assert_array_equal(sw.w, w[by_post])
    np.testing.assert_array_equal(sw.col_ptr, ref_col_ptr)
    np.testing.assert_array_equal(sw.col_pre, col_pre)
    np.testing.assert_array_equal(
        sw.col_split, ref_col_ptr[:-1] + np.bincount(col_post[col_pre < n_E], minlength=n)
    )
    np.testing.assert_array_equal(sw.row_ptr, stable_reference(col_pre, n)[0])
    np.testing.assert_array_equal(sw.row_pos, by_pre)
    np.testing.assert_array_equal(sw.row_post, col_post[by_pre])
    for name in ("col_ptr", "col_split", "row_ptr", "row_pos"):
        assert getattr(sw, name).dtype == np.int64, name
    assert sw.col_pre.dtype == sw.row_post.dtype == np.int32

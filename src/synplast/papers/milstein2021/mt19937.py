"""CPython's ``random.Random`` in Numba: MT19937 seeded by ``init_by_array`` with the 32-bit
words of an integer seed, and ``random()`` from two 32-bit outputs (53-bit resolution).

``random.Random(x)`` with an integral float ``x`` seeds exactly like ``random.Random(int(x))``
(the float's hash is its integer value), and that is ``init_by_array([x & 0xffffffff,
x >> 32])`` for ``2**32 <= x < 2**64``; NumPy's ``RandomState`` with the same two words is the
same generator.  All arithmetic is on int64 holding unsigned 32-bit values (products stay below
2**63).  :func:`random` draws one value; :func:`refill` the next 312 at once (one twist of the
624 words, each pair tempered into one double), which the network's walk uses.
``tests/kernels/test_milstein2021_kernels.py`` checks both against ``random.Random`` itself.
"""

from __future__ import annotations

import numpy as np
from numba import njit

N, M = 624, 397
MASK32 = 0xFFFFFFFF
UPPER, LOWER, MATRIX_A = 0x80000000, 0x7FFFFFFF, 0x9908B0DF


@njit(cache=True)
def seed_state(state, value):
    """``state[:624]`` words and ``state[624]`` position for ``random.Random(value)``,
    ``0 <= value < 2**64``."""
    if value >> 32:
        key = np.array([value & MASK32, value >> 32], dtype=np.int64)
    else:
        key = np.array([value & MASK32], dtype=np.int64)
    state[0] = 19650218
    for i in range(1, N):
        prev = state[i - 1]
        state[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & MASK32
    i, j = 1, 0
    for _ in range(max(N, key.shape[0])):
        prev = state[i - 1]
        state[i] = ((state[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + j) & MASK32
        i += 1
        j += 1
        if i >= N:
            state[0] = state[N - 1]
            i = 1
        if j >= key.shape[0]:
            j = 0
    for _ in range(N - 1):
        prev = state[i - 1]
        state[i] = ((state[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - i) & MASK32
        i += 1
        if i >= N:
            state[0] = state[N - 1]
            i = 1
    state[0] = 0x80000000
    state[N] = N


@njit(cache=True)
def _next_word(state):
    if state[N] >= N:
        for kk in range(N - M):
            y = (state[kk] & UPPER) | (state[kk + 1] & LOWER)
            state[kk] = state[kk + M] ^ (y >> 1) ^ (MATRIX_A if y & 1 else 0)
        for kk in range(N - M, N - 1):
            y = (state[kk] & UPPER) | (state[kk + 1] & LOWER)
            state[kk] = state[kk + (M - N)] ^ (y >> 1) ^ (MATRIX_A if y & 1 else 0)
        y = (state[N - 1] & UPPER) | (state[0] & LOWER)
        state[N - 1] = state[M - 1] ^ (y >> 1) ^ (MATRIX_A if y & 1 else 0)
        state[N] = 0
    y = state[state[N]]
    state[N] += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & MASK32


@njit(cache=True)
def random(state):
    """``random.Random.random()``: ``(a * 2**26 + b) / 2**53`` with ``a``, ``b`` the top 27 and
    26 bits of two words."""
    a = _next_word(state) >> 5
    b = _next_word(state) >> 6
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def new_state_array():
    """An unseeded state array (624 words and the position)."""
    return np.zeros(N + 1, dtype=np.int64)


@njit(cache=True)
def refill(state, block):
    """The next 312 ``random()`` values of the stream in ``state`` (whose position must be at a
    block boundary: freshly seeded, or after a refill), as ``random()`` would return them."""
    for kk in range(N - M):
        y = (state[kk] & UPPER) | (state[kk + 1] & LOWER)
        state[kk] = state[kk + M] ^ (y >> 1) ^ (MATRIX_A * (y & 1))
    for kk in range(N - M, N - 1):
        y = (state[kk] & UPPER) | (state[kk + 1] & LOWER)
        state[kk] = state[kk + (M - N)] ^ (y >> 1) ^ (MATRIX_A * (y & 1))
    y = (state[N - 1] & UPPER) | (state[0] & LOWER)
    state[N - 1] = state[M - 1] ^ (y >> 1) ^ (MATRIX_A * (y & 1))
    for k in range(N // 2):
        a = state[2 * k]
        a ^= a >> 11
        a ^= (a << 7) & 0x9D2C5680
        a ^= (a << 15) & 0xEFC60000
        a ^= a >> 18
        b = state[2 * k + 1]
        b ^= b >> 11
        b ^= (b << 7) & 0x9D2C5680
        b ^= (b << 15) & 0xEFC60000
        b ^= b >> 18
        block[k] = (((a & MASK32) >> 5) * 67108864.0 + ((b & MASK32) >> 6)) * (
            1.0 / 9007199254740992.0
        )
    state[N] = N

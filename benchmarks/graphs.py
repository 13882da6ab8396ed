"""The graphs the benchmarks build, written once for any engine whose values support ``*`` and
``+`` (ours, micrograd, torch 0-d tensors), with their expected results in plain floats."""

from __future__ import annotations

import random
from typing import Any

C = 0.999999  # chain multiplier: d(out)/d(x) = C ** (n/2) stays far from 0 and overflow
D = 1e-3
X0 = 0.5


def chain(value: Any, n: int) -> tuple[Any, Any]:
    """(x, y) with y a chain of exactly ``n`` op nodes: ``y = y*c``, ``y = y + d``, alternating.

    ``value`` makes a leaf from a float (our ``Value``, micrograd's ``Value``, ...).
    """
    x, c, d = value(X0), value(C), value(D)
    y = x
    for _ in range(n // 2):
        y = y * c + d
    if n % 2:
        y = y * c
    return x, y


def chain_expected(n: int) -> tuple[float, float]:
    """(y, dy/dx) of :func:`chain` computed on floats, operation for operation."""
    y, g = X0, 1.0
    for i in range(n):
        if i % 2 == 0:
            y *= C
            g *= C
        else:
            y += D
    return y, g


def terms(n: int, seed: int = 0) -> tuple[list[float], list[float]]:
    """``n`` pairs (x_i, w_i) drawn uniformly from [-1, 1] for the wide sum of products."""
    rng = random.Random(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    ws = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return xs, ws


def close(a: float, b: float, tolerance: float) -> bool:
    """|a - b| <= tolerance * max(1, |b|): absolute near 0, relative for large values."""
    return abs(a - b) <= tolerance * max(1.0, abs(b))

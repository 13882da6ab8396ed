"""Small deterministic 2-D datasets in pure Python, and mini-batch iteration.

Every generator takes a ``seed`` and returns ``(X, y)``: ``X`` a list of ``[x1, x2]`` points,
``y`` a list of int class labels (0, 1, ...). For a ±1 hinge loss use ``signed(y)``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

from ._checks import is_count, is_finite_number
from ._messages import short

Points = list[list[float]]
Labels = list[int]
T = TypeVar("T")
U = TypeVar("U")


def _check_n(n: int, where: str, minimum: int = 1, name: str = "n") -> None:
    if not is_count(n, minimum):
        raise ValueError(f"{where}: {name} must be an int >= {minimum}, got {short(n)}")


def _check_spread(x: float, where: str, name: str = "noise") -> float:
    """``x`` as a standard deviation: a finite number >= 0 (0: no noise)."""
    if not is_finite_number(x) or x < 0:
        raise ValueError(
            f"{where}: {name} must be a finite number >= 0 (the standard deviation of the Gaussian "
            f"noise added to each coordinate; 0 for none), got {short(x)}"
        )
    return float(x)


def _jitter(rng: random.Random, noise: float) -> float:
    return rng.gauss(0.0, noise) if noise > 0 else 0.0


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Points, Labels]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``).

    >>> X, y = moons(4, noise=0.0)
    >>> [[round(a, 3) for a in p] for p in X], y
    ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
    """
    _check_n(n, "moons", 2)
    noise = _check_spread(noise, "moons")
    rng = random.Random(seed)
    n_outer = n - n // 2
    n_inner = n // 2
    X: Points = []
    for i in range(n_outer):
        t = math.pi * i / max(n_outer - 1, 1)
        X.append([math.cos(t), math.sin(t)])
    for i in range(n_inner):
        t = math.pi * i / max(n_inner - 1, 1)
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
    X = [[x + _jitter(rng, noise), y + _jitter(rng, noise)] for x, y in X]
    return X, [0] * n_outer + [1] * n_inner


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> tuple[Points, Labels]:
    """A small circle (class 1) inside a large one (class 0).

    >>> X, y = circles(4, noise=0.0, factor=0.5); y
    [0, 0, 1, 1]
    """
    _check_n(n, "circles", 2)
    noise = _check_spread(noise, "circles")
    if not is_finite_number(factor) or not 0.0 < factor < 1.0:
        raise ValueError(
            "circles: factor must lie in (0, 1) (the inner circle's radius over the outer's), "
            f"got {short(factor)}"
        )
    rng = random.Random(seed)
    n_outer = n - n // 2
    X: Points = []
    y: Labels = []
    for count, radius, label in ((n_outer, 1.0, 0), (n // 2, factor, 1)):
        for i in range(count):
            t = 2 * math.pi * i / count
            X.append([radius * math.cos(t) + _jitter(rng, noise), radius * math.sin(t) + _jitter(rng, noise)])
            y.append(label)
    return X, y


def blobs(n: int = 100, centers: int = 3, std: float = 0.5, seed: int = 0) -> tuple[Points, Labels]:
    """Gaussian blobs around ``centers`` points spread evenly on a circle of radius 3.

    >>> X, y = blobs(6, centers=3, seed=0); y
    [0, 1, 2, 0, 1, 2]
    """
    _check_n(n, "blobs")
    _check_n(centers, "blobs", name="centers")
    std = _check_spread(std, "blobs", "std")
    rng = random.Random(seed)
    X: Points = []
    y: Labels = []
    for i in range(n):
        k = i % centers
        angle = 2 * math.pi * k / centers
        X.append([3 * math.cos(angle) + rng.gauss(0.0, std), 3 * math.sin(angle) + rng.gauss(0.0, std)])
        y.append(k)
    return X, y


def xor(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Points, Labels]:
    """Points near the four corners (±1, ±1); class 1 where the signs differ.

    >>> xor(4, noise=0.0)
    ([[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    _check_n(n, "xor")
    noise = _check_spread(noise, "xor")
    rng = random.Random(seed)
    X: Points = []
    y: Labels = []
    for i in range(n):
        a, b = (1.0 if i % 2 else -1.0), (1.0 if (i // 2) % 2 else -1.0)
        X.append([a + _jitter(rng, noise), b + _jitter(rng, noise)])
        y.append(int(a != b))
    return X, y


def spirals(n: int = 100, classes: int = 2, noise: float = 0.1, seed: int = 0) -> tuple[Points, Labels]:
    """``classes`` interleaved spiral arms.

    >>> X, y = spirals(6, classes=3, seed=0); y
    [0, 0, 1, 1, 2, 2]
    """
    _check_n(classes, "spirals", 2, name="classes")  # first: n's minimum is classes
    _check_n(n, "spirals", classes)
    noise = _check_spread(noise, "spirals")
    rng = random.Random(seed)
    X: Points = []
    y: Labels = []
    per_class = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    for k, count in enumerate(per_class):
        for i in range(count):
            r = (i + 1) / count
            t = 4.0 * r + 2 * math.pi * k / classes
            X.append([r * math.sin(t) + _jitter(rng, noise * r), r * math.cos(t) + _jitter(rng, noise * r)])
            y.append(k)
    return X, y


def signed(labels: Sequence[int]) -> list[int]:
    """Map 0/1 labels to -1/+1 (for the hinge loss).

    >>> signed([0, 1, 1])
    [-1, 1, 1]
    """
    if any(label not in (0, 1) for label in labels):
        raise ValueError("signed: labels must be 0 or 1")
    return [2 * label - 1 for label in labels]


def batches(
    X: Sequence[T], y: Sequence[U], batch_size: int | None = None, shuffle: bool = False, seed: int | None = 0
) -> Iterator[tuple[list[T], list[U]]]:
    """Yield ``(X_batch, y_batch)`` pairs covering the data once; ``None`` means one full batch.

    >>> [b for b, _ in batches([1, 2, 3, 4, 5], "abcde", batch_size=2)]
    [[1, 2], [3, 4], [5]]
    """
    if len(X) != len(y):
        raise ValueError(f"batches: {len(X)} inputs but {len(y)} targets")
    if not X:
        raise ValueError("batches: no data")
    size = len(X) if batch_size is None else batch_size
    _check_n(size, "batches", name="batch_size")
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    for start in range(0, len(order), size):
        chunk = order[start : start + size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]

"""Datasets are deterministic by seed; batches cover the data once."""

from __future__ import annotations

import pytest

from nn import batches, blobs, circles, moons, signed, spirals, xor

GENERATORS = [moons, circles, blobs, xor, spirals]


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_are_seeded_and_well_formed(make) -> None:  # type: ignore[no-untyped-def]
    X, y = make(60, seed=3)
    assert (X, y) == make(60, seed=3)
    assert make(60, seed=4)[0] != X
    assert len(X) == len(y) == 60 and all(len(p) == 2 for p in X)
    assert set(y) == set(range(max(y) + 1)) and len(set(y)) >= 2


def test_geometry_without_noise() -> None:
    X, y = circles(8, noise=0.0, factor=0.5)
    radii = [round((a * a + b * b) ** 0.5, 12) for a, b in X]
    assert radii == [1.0] * 4 + [0.5] * 4 and y == [0] * 4 + [1] * 4
    X, y = xor(4, noise=0.0)
    assert X == [[-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]] and y == [0, 1, 1, 0]
    assert signed([0, 1, 1]) == [-1, 1, 1]


def test_batches_cover_every_sample_once_and_shuffle_by_seed() -> None:
    X = list(range(10))
    y = [x * 10 for x in X]
    chunks = list(batches(X, y, batch_size=3, shuffle=True, seed=1))
    assert [len(b) for b, _ in chunks] == [3, 3, 3, 1]
    assert sorted(x for b, _ in chunks for x in b) == X
    assert all(t == x * 10 for b, ts in chunks for x, t in zip(b, ts))
    assert chunks == list(batches(X, y, batch_size=3, shuffle=True, seed=1))
    assert [b for b, _ in batches(X, y)] == [X]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: moons(1), r"moons: n must be an int >= 2"),
        (lambda: circles(10, factor=1.5), r"factor must lie in \(0, 1\)"),
        (lambda: list(batches([1, 2], [1])), r"2 inputs but 1 targets"),
        (lambda: list(batches([1, 2], [1, 2], batch_size=0)), r"batches: batch_size must be an int >= 1"),
        (lambda: signed([0, 2]), r"labels must be 0 or 1"),
    ],
)
def test_bad_dataset_arguments(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        make()

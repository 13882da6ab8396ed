"""Clocks, medians and garbage-collector control shared by every suite."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

clock = time.perf_counter


def median(xs: Sequence[float]) -> float:
    """The median of ``xs`` (which must not be empty)."""
    return float(statistics.median(xs))


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call of ``fn``."""
    start = clock()
    result = fn()
    return clock() - start, result


@contextmanager
def gc_mode(enabled: bool) -> Iterator[None]:
    """Run the block with the cyclic garbage collector on or off, then restore it.

    A full collection runs first and every object alive then is frozen (``gc.freeze``), so the
    collector sees only what the block creates, as in a fresh script: neither garbage left by an
    earlier measurement nor the objects of the harness or of an imported peer (torch brings
    150,000) make a later measurement slower.
    """
    was_enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def ratio(slow: float | None, fast: float | None) -> float | None:
    """How many times faster ``fast`` is than ``slow`` (None when either is missing)."""
    if slow is None or fast is None or fast <= 0.0:
        return None
    return slow / fast

"""The two checks ``nn`` makes on what users pass in: finite numbers and whole counts."""

from __future__ import annotations

import math

from ._messages import short


def is_finite_number(x: object) -> bool:
    """A finite int or float (not a bool, which is an int to Python but a mistake here); an int
    too large for a float is not one."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def finite_number(x: object, error: str) -> float:
    """``x`` as a float, or ``ValueError(f"{error}, got {x!r}")``.

    >>> finite_number(2, "w: expected a finite number")
    2.0
    """
    if not is_finite_number(x):
        raise ValueError(f"{error}, got {short(x)}")
    return float(x)  # type: ignore[arg-type]


def is_count(n: object, minimum: int) -> bool:
    """An int (not a bool) of at least ``minimum``."""
    return not isinstance(n, bool) and isinstance(n, int) and n >= minimum

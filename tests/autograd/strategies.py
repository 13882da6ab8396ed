"""Hypothesis strategies that stay on each op's valid domain."""

from __future__ import annotations

from hypothesis import strategies as st


def reals(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Finite floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo: float, hi: float, gap: float = 1e-2) -> st.SearchStrategy[float]:
    """Floats in [lo, hi] with |x| >= gap: off the kink of relu, abs and leaky_relu."""
    return reals(lo, hi).filter(lambda x: abs(x) >= gap)


def nonzero_magnitude(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats with lo <= |x| <= hi, of either sign."""
    return st.tuples(reals(lo, hi), st.booleans()).map(lambda t: -t[0] if t[1] else t[0])

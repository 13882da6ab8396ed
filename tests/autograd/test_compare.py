"""Comparisons compare ``.data`` and record nothing; ``==`` stays identity."""

from __future__ import annotations

import operator
from fractions import Fraction

import pytest
from hypothesis import given

from autograd import Value, topological_order
from autograd.testing import values

ORDERINGS = (operator.lt, operator.le, operator.gt, operator.ge)


@given(values(-5, 5), values(-5, 5))
def test_orderings_compare_data_on_either_side(a: float, b: float) -> None:
    x, y = Value(a), Value(b)
    for compare in ORDERINGS:
        expected = compare(a, b)
        assert compare(x, y) is expected
        assert compare(x, b) is expected
        assert compare(a, y) is expected


def test_a_comparison_records_nothing_and_equality_stays_identity() -> None:
    x = Value(2.0)
    y = x * 3
    before = topological_order(y)
    assert (y > x, y >= 6, x > 1, y < 7) == (True, True, True, True)
    assert topological_order(y) == before and y.grad == 0.0
    twin = Value(2.0)
    assert x != twin and x == x and len({x, twin}) == 2 and {x: 1, twin: 2}[twin] == 2
    assert hash(x) == object.__hash__(x)
    assert x <= twin and x >= twin  # equal data, different nodes


def test_sorting_max_and_other_numbers() -> None:
    vs = [Value(3.0, label="c"), Value(-1.0, label="a"), Value(2.0, label="b")]
    assert [v.label for v in sorted(vs)] == ["a", "b", "c"]
    assert max(vs).label == "c" and min(vs).label == "a"
    assert Value(0.5) < Fraction(2, 3) and Value(1.0) < 10**400  # an int compares exactly


def test_comparing_with_a_non_number_is_a_type_error() -> None:
    for other in ("1", None, True):
        for compare in ORDERINGS:
            with pytest.raises(TypeError, match="not supported between instances of 'Value'"):
                compare(Value(1.0), other)

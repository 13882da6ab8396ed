"""What the testing kit knows of an op (its kinks, its example parameters, whether it is smooth)
is read from the op's row, so an op defined with ``define_op`` is tested like a built-in one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import OPS, define_op
from autograd.ops import BUILT_IN_ROWS
from autograd.testing import KINKS, PARAMS, SMOOTH_OPS, check_op, values


def test_the_kits_tables_are_the_rows_own() -> None:
    built_in = [*BUILT_IN_ROWS, OPS["sin"], OPS["cos"]]
    assert {row.name: row.kinks for row in built_in if row.kinks} == KINKS
    assert {row.name: row.params for row in built_in if row.params} == PARAMS
    assert [row.name for row in built_in if not row.kinks] == list(SMOOTH_OPS)
    assert KINKS["relu"] == (0.0,) and PARAMS["pow"][0] == 2.0


def test_a_defined_ops_kinks_keep_drawn_points_away() -> None:
    step = define_op(
        "test_hinge",
        lambda x: max(x - 1.0, 0.0),
        lambda x, out: (1.0 if float(x) > 1.0 else 0.0,),
        formula="max(x - 1, 0)",
        local_formulas=("1 if x > 1 else 0",),
        kinks=(1.0,),
    )
    assert step.op.kinks == (1.0,)

    @settings(max_examples=200)
    @given(values(-3.0, 3.0, op="test_hinge"))
    def far_from_the_kink(x: float) -> None:
        assert abs(x - 1.0) >= 1e-2

    far_from_the_kink()
    check_op("test_hinge", max_examples=30)


def test_bad_kinks_are_refused_naming_the_op() -> None:
    with pytest.raises(TypeError, match=r"define_op\('test_bad'\): kinks must be a tuple of numbers"):
        define_op("test_bad", abs, lambda x, out: (1.0,), formula="|x|", local_formulas=("1",), kinks=0.0)  # type: ignore[arg-type]

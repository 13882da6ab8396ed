"""``explain`` names a ``max_paths`` that is no count and says what to give instead, rather than
failing deep inside with another name."""

from __future__ import annotations

import pytest

from autograd import Value
from viz import explain


@pytest.fixture
def y_and_x() -> tuple[Value, Value]:
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    return y, x


@pytest.mark.parametrize("method", ["paths", "deltas", "forward"])
@pytest.mark.parametrize(
    ("max_paths", "error"), [("10", TypeError), (2.0, TypeError), (True, TypeError), (0, ValueError)]
)
def test_explain_names_a_max_paths_that_is_no_count(
    y_and_x: tuple[Value, Value], method: str, max_paths: object, error: type[Exception]
) -> None:
    y, x = y_and_x
    with pytest.raises(error, match=rf"explain: max_paths must be an int >= 1 .*got {max_paths!r}"):
        explain(y, x, method=method, max_paths=max_paths)  # type: ignore[call-overload]


def test_explain_still_takes_an_int_max_paths(y_and_x: tuple[Value, Value]) -> None:
    y, x = y_and_x
    assert explain(y, x, max_paths=2).n_paths == 2

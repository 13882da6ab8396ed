"""Checking gradients against central finite differences, as ``torch.autograd.gradcheck`` does.

The numerical derivative of f at x is ``(f(x + eps) - f(x - eps)) / (2 * eps)``; its error
shrinks like eps², so it is a strong check of the analytical gradient from the op table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .graph import grad
from .mode import enable_grad, no_grad
from .value import Number, Value, _as_float


class GradcheckError(AssertionError):
    """Analytical and numerical derivatives disagree; the message holds the whole table."""


Function = Callable[..., Value]


def gradcheck(
    f: Function,
    inputs: Sequence[Value | Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare d f/d input from ``grad`` with central differences, input by input.

    Passes when ``|analytical - numerical| <= atol + rtol * |numerical|`` for every input.
    ``f`` takes one Value per input and returns a Value; the inputs themselves are not touched.

    >>> from autograd import Value
    >>> gradcheck(lambda x, y: (x * y).sigmoid(), [Value(2.0), Value(-3.0)])
    True
    """
    _check_settings("gradcheck", eps, atol, rtol)
    rows = first_order_rows(f, inputs, eps, "gradcheck")
    return _verdict("gradcheck", "d f/d x", rows, atol, rtol, raise_exception)


def gradgradcheck(
    f: Function,
    inputs: Sequence[Value | Number],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare second derivatives d²f/dx_i dx_j (from ``grad(..., create_graph=True)``) with
    central differences of the first derivatives.

    >>> from autograd import Value
    >>> gradgradcheck(lambda x: x.tanh(), [Value(0.5)])
    True
    """
    _check_settings("gradgradcheck", eps, atol, rtol)
    rows = second_order_rows(f, inputs, eps, "gradgradcheck")
    return _verdict("gradgradcheck", "d²f/dx_i dx_j", rows, atol, rtol, raise_exception)


Row = tuple[str, object, float, float]
"""One line of a check's table: (what, at which point, analytical, numerical)."""


def first_order_rows(
    f: Function, inputs: Sequence[Value | Number], eps: float, where: str = "gradcheck"
) -> list[Row]:
    """(label, point, analytical, numerical) of d f/d x for every input."""
    points = _points(inputs)
    labels = _labels(inputs)
    out, leaves = _leaves_call(f, points)
    analytical = grad(out, leaves)
    return [
        (
            labels[i],
            points[i],
            analytical[i],
            _central_difference(_evaluator(f), points, i, eps, where, labels[i]),
        )
        for i in range(len(points))
    ]


def second_order_rows(
    f: Function, inputs: Sequence[Value | Number], eps: float, where: str = "gradgradcheck"
) -> list[Row]:
    """(labels, points, analytical, numerical) of d²f/dx_i dx_j for every pair of inputs."""
    points = _points(inputs)
    labels = _labels(inputs)
    n = len(points)
    out, leaves = _leaves_call(f, points)
    first = grad(out, leaves, create_graph=True)
    rows: list[Row] = []
    for i in range(n):
        second = grad(first[i], leaves)
        derivative = _first_derivative(f, i)
        numerical = [_central_difference(derivative, points, j, eps, where, labels[j]) for j in range(n)]
        for j in range(n):
            rows.append((f"{labels[i]}, {labels[j]}", (points[i], points[j]), second[j], numerical[j]))
    return rows


def _check_settings(where: str, eps: float, atol: float, rtol: float) -> None:
    """A step of 0 divides by zero and a NaN tolerance passes everything: refuse both."""
    step = _as_float(eps, f"{where}: eps")
    if step <= 0.0:
        raise ValueError(f"{where}: eps must be > 0 (the finite-difference step), got {eps!r}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if _as_float(tol, f"{where}: {name}") < 0.0:
            raise ValueError(f"{where}: {name} must be >= 0, got {tol!r}")


def _points(inputs: Sequence[Value | Number]) -> list[float]:
    if isinstance(inputs, Value):
        raise TypeError("gradcheck: inputs must be a sequence of Values, e.g. [x], not a Value")
    points = [x.data if isinstance(x, Value) else _as_float(x, "gradcheck") for x in inputs]
    if not points:
        raise ValueError("gradcheck: needs at least one input")
    return points


def _labels(inputs: Sequence[Value | Number]) -> list[str]:
    return [(x.label if isinstance(x, Value) and x.label else f"input {i}") for i, x in enumerate(inputs)]


def _call(f: Function, values: list[Value]) -> Value:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__} {out!r}")
    return out


def _leaves_call(f: Function, points: list[float]) -> tuple[Value, list[Value]]:
    leaves = [Value(x) for x in points]
    with enable_grad():  # the analytical side needs a graph, even inside no_grad()
        return _call(f, leaves), leaves


def _evaluator(f: Function) -> Callable[[list[float]], float]:
    def evaluate(points: list[float]) -> float:
        with no_grad():
            return _call(f, [Value(x) for x in points]).data

    return evaluate


def _first_derivative(f: Function, i: int) -> Callable[[list[float]], float]:
    def derivative(points: list[float]) -> float:
        out, leaves = _leaves_call(f, points)
        return grad(out, leaves)[i]

    return derivative


def _central_difference(
    g: Callable[[list[float]], float],
    points: list[float],
    i: int,
    eps: float,
    where: str = "gradcheck",
    label: str = "",
) -> float:
    """(g(x + eps) − g(x − eps)) / 2eps along input ``i``. The analytical side has already run
    at x itself, so a failure here comes from the step: the error names ``eps``."""
    name = label or f"input {i}"
    advice = "use a smaller eps, such as the default 1e-6, that keeps f finite and inside its domain"
    sides = []
    for sign in (1.0, -1.0):
        shifted = list(points)
        shifted[i] += sign * eps
        side = "+" if sign > 0 else "-"
        at = f"{name} {side} eps = {shifted[i]!r} (eps={eps!r} is the finite-difference step)"
        if not math.isfinite(shifted[i]):
            raise OverflowError(f"{where}: {at} overflows a float; {advice}")
        try:
            sides.append(g(shifted))
        except (OverflowError, ValueError) as error:
            raise type(error)(f"{where}: f at {at} failed: {error}; {advice}") from error
    slope = (sides[0] - sides[1]) / (2.0 * eps)
    if not math.isfinite(slope):
        raise OverflowError(
            f"{where}: the finite difference along {name} overflows a float (eps={eps!r}); {advice}"
        )
    return slope


def _verdict(
    name: str,
    quantity: str,
    rows: Sequence[tuple[str, object, float, float]],
    atol: float,
    rtol: float,
    raise_exception: bool,
) -> bool:
    __tracebackhide__ = True  # under pytest, a failure shows the caller and the table
    failed = [abs(a - n) > atol + rtol * abs(n) for _, _, a, n in rows]
    if not any(failed):
        return True
    if not raise_exception:
        return False
    header = f"{'input':<16} {'at':>24} {'analytical':>16} {'numerical':>16} {'abs diff':>11}"
    lines = [
        f"{name}: analytical and numerical {quantity} disagree "
        f"(tolerance atol={atol:g} + rtol={rtol:g} * |numerical|)",
        header,
        "-" * len(header),
    ]
    for (label, at, a, n), bad in zip(rows, failed):
        lines.append(
            f"{label:<16} {_fmt_at(at):>24} {a:>16.9g} {n:>16.9g} {abs(a - n):>11.3g}"
            + ("  <-- mismatch" if bad else "")
        )
    raise GradcheckError("\n".join(lines))


def _fmt_at(at: object) -> str:
    if isinstance(at, tuple):
        return ", ".join(f"{x:.6g}" for x in at)
    return f"{at:.6g}"

"""Property-test your own gradients: hypothesis strategies and assertions for ops, functions,
losses and networks, the kit chainrule's own tests use.

Needs ``hypothesis`` (``pip install 'chainrule[testing]'``).

Strategies:

* ``values(lo, hi, op=..., avoid=...)``: floats inside an op's domain, away from kinks;
* ``expressions(ops=..., max_depth=..., max_inputs=...)``: random computation graphs with shared
  sub-expressions, as a function and its inputs;
* ``networks(...)``: small MLPs with a loss and data.

Assertions (each raises ``AssertionError`` with the whole table of analytical against numerical
derivatives, the failing rows marked):

* ``assert_gradients(f, inputs)``: first derivatives against central differences;
* ``assert_second_order(f, inputs)``: second derivatives, through ``create_graph=True``;
* ``check_module(model, loss, X, y)``: the loss's derivative for every trainable parameter;
* ``check_op(op)``: an op's first and second derivatives over its domain, property-tested.

>>> from hypothesis import given
>>> from autograd.testing import assert_gradients, expressions
>>> @given(expressions(max_depth=3))
... def test_gradients(expression):
...     assert_gradients(expression.function, expression.inputs)
>>> test_gradients()
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import FailedHealthCheck, Unsatisfiable
except ImportError as exc:  # pragma: no cover - exercised in a subprocess
    raise ImportError(
        "autograd.testing needs hypothesis, which chainrule installs with its extra 'testing': "
        "pip install 'chainrule[testing]'"
    ) from exc

from .define import OpFunction, apply_op
from .gradcheck import Function, _check_settings, _verdict, first_order_rows, second_order_rows
from .graph import grad
from .mode import enable_grad, no_grad
from .ops import BUILT_IN_ROWS, OPS, Op
from .trig import cos, sin
from .value import Number, Value

__all__ = [
    "KINKS",
    "Expression",
    "assert_gradients",
    "assert_second_order",
    "check_module",
    "check_op",
    "expressions",
    "values",
]


def __getattr__(name: str) -> Any:
    """``networks`` and ``Network`` draw ``nn`` networks, so they live in ``nn.testing`` (the
    engine imports nothing of ``nn``); these names here are aliases of those, found on use."""
    if name in ("networks", "Network"):
        import importlib

        return getattr(importlib.import_module("nn.testing"), name)
    raise AttributeError(f"module 'autograd.testing' has no attribute {name!r}")


_BUILT_IN = (*BUILT_IN_ROWS, sin.op, cos.op)
KINKS: dict[str, tuple[float, ...]] = {row.name: row.kinks for row in _BUILT_IN if row.kinks}
"""Where a built-in op's derivative jumps (each row's ``kinks``, as a table): finite differences
across a kink are meaningless, so ``values`` and ``expressions`` keep away from these points."""

PARAMS: dict[str, tuple[float, ...]] = {row.name: row.params for row in _BUILT_IN if row.params}
"""The constant parameters ``expressions`` and ``check_op`` try for ops that take one (each
row's ``params``, as a table)."""

SMOOTH_OPS = tuple(row.name for row in _BUILT_IN if not row.kinks)
"""The ops ``expressions`` uses by default: the built-in rows without kinks, so finite
differences hold everywhere."""

OpLike = str | Op | OpFunction


# --- strategies ---------------------------------------------------------------------------------
def values(
    min_value: float = -5.0,
    max_value: float = 5.0,
    *,
    op: OpLike | None = None,
    avoid: Sequence[float] = (),
    gap: float = 1e-2,
    param: float | None = None,
) -> st.SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]``, at least ``gap`` away from every point of
    ``avoid`` (kinks); with a one-input ``op``, also inside its domain with a margin of
    ``gap`` (so x ± a finite-difference step stays inside), away from its known kinks and from
    poles and kinks (where its local derivative exceeds 1e6 or changes by more than a third,
    or 0.1, within ``gap``).

    >>> from hypothesis import given
    >>> @given(values(-2, 2, op="log"))
    ... def test_log_domain(x):
    ...     assert 1e-2 <= x <= 2
    >>> test_log_domain()
    """
    if not min_value <= max_value:
        raise ValueError(f"values: min_value {min_value!r} is above max_value {max_value!r}")
    points = tuple(avoid)
    row = None
    if op is not None:
        row = _row(op, "values")
        if row.arity != 1:
            raise ValueError(
                f"values: op {row.name!r} takes {row.arity or 'any number of'} inputs; values draws one "
                "input (check_op draws them jointly)"
            )
        points += row.kinks
    strategy = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    if points:
        strategy = strategy.filter(lambda x: all(abs(x - k) >= gap for k in points))
    if row is not None:
        strategy = strategy.filter(lambda x: _reliable(row, (x,), param, gap))
    return strategy


_TAME_LIMIT = 1e6  # check_op and values(op=...) skip points where a local derivative is larger


def _slopes(op: Op, xs: tuple[float, ...], param: float | None) -> tuple[float, ...] | None:
    """The op's slopes at ``xs`` by central differences of its forward rule on floats (never
    from its derivative rule, which is what a check tests); None where the op fails nearby."""
    slopes = []
    try:
        for i in range(len(xs)):
            h = 1e-6 * max(1.0, abs(xs[i]))
            up, down = list(xs), list(xs)
            up[i] += h
            down[i] -= h
            if not (op.accepts(tuple(up), param) and op.accepts(tuple(down), param)):
                return None
            high, low = apply_op(op, up, param), apply_op(op, down, param)
            slopes.append((float(high) - float(low)) / (2 * h))
    except (ArithmeticError, ValueError):
        return None
    return tuple(slopes) if all(math.isfinite(d) for d in slopes) else None


def _reliable(
    op: Op, xs: tuple[float, ...], param: float | None, gap: float, limit: float = _TAME_LIMIT
) -> bool:
    """Finite differences of the op are trustworthy at ``xs``: the inputs and every point ``gap``
    away along one axis lie in its domain, the op's slopes there (measured on its forward rule,
    not taken from the derivative rule under test) are finite, at most ``limit`` in size at
    ``xs``, and vary slowly over the gap (by less than a third of their
    size, or 0.1), which keeps away from poles such as division's b = 0 and from kinks (a
    derivative that jumps, as relu's or that of a cone's tip)."""
    centre = _slopes(op, xs, param) if op.accepts(xs, param) else None
    if centre is None or any(abs(d) > limit for d in centre):
        return False
    for i in range(len(xs)):
        for step in (-gap, gap):
            moved = list(xs)
            moved[i] += step
            point = tuple(moved)
            if not op.accepts(point, param):
                return False
            near = _slopes(op, point, param)
            if near is None or any(abs(a - b) > 0.5 * (abs(a) + abs(b)) + 0.1 for a, b in zip(near, centre)):
                return False
    return True


@dataclass(frozen=True)
class ExpressionStep:
    """One node of an ``Expression``: ``op`` applied to earlier nodes (by position), squashed by
    tanh when its value was large; or, when ``op`` is None, the constant ``param`` (a leaf)."""

    op: Op | None
    args: tuple[int, ...]
    param: float | None
    squash: bool


@dataclass(frozen=True)
class Expression:
    """A random computation graph: ``function(*inputs)`` builds it (any Values or numbers may
    be passed) and returns its output; unpacks as ``function, inputs``. Nodes ``0..n-1`` are the
    inputs, each step adds one node; ``str`` shows the program."""

    steps: tuple[ExpressionStep, ...]
    inputs: list[float]

    def function(self, *xs: Value | Number) -> Value:
        """Build the graph on ``xs`` (one per input) and return its output (the last node)."""
        if len(xs) != len(self.inputs):
            raise TypeError(f"expression: takes {len(self.inputs)} inputs, got {len(xs)}")
        nodes = [x if isinstance(x, Value) else Value(x) for x in xs]
        for step in self.steps:
            if step.op is None:
                nodes.append(Value(step.param or 0.0))  # a constant: an unlabelled leaf
                continue
            out = apply_op(step.op, [nodes[i] for i in step.args], step.param)
            assert isinstance(out, Value)
            nodes.append(out.tanh() if step.squash else out)
        return nodes[-1]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.function, self.inputs))

    def __str__(self) -> str:
        n = len(self.inputs)
        names = [f"x{i}" for i in range(n)] + [f"n{n + k}" for k in range(len(self.steps))]
        lines = [f"inputs {', '.join(names[:n])} = {self.inputs!r}"]
        for k, step in enumerate(self.steps):
            if step.op is None:
                lines.append(f"{names[n + k]} = {step.param!r} (a constant)")
                continue
            args = ", ".join(names[i] for i in step.args)
            param = "" if step.param is None else f", p={step.param:g}"
            call = f"{step.op.name}({args}{param})"
            lines.append(f"{names[n + k]} = {f'tanh({call})' if step.squash else call}")
        lines.append(f"output {names[-1]}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Expression(\n  {str(self).replace(chr(10), chr(10) + '  ')}\n)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how hypothesis prints an example
        printer.text(repr(self))


_SQUASH_ABOVE = 10.0  # node values beyond ±10 are squashed with tanh
_LOCAL_LIMIT = 50.0  # a step whose local derivatives exceed this is skipped (near a pole)


@st.composite
def _expressions(
    draw: st.DrawFn,
    rows: tuple[Op, ...],
    max_depth: int,
    max_inputs: int,
    max_nodes: int,
    min_value: float,
    max_value: float,
    gap: float,
    constants: bool,
) -> Expression:
    n = draw(st.integers(1, max_inputs), label="number of inputs")
    inputs = [draw(values(min_value, max_value), label=f"x{i}") for i in range(n)]
    data = list(inputs)  # every node's value, to keep each step inside its op's domain
    depth = [0] * n
    steps: list[ExpressionStep] = []
    for _ in range(draw(st.integers(1, max_nodes), label="number of steps")):
        if constants and draw(st.integers(0, 4), label="a constant?") == 0:
            c = draw(values(-2.0, 2.0), label="constant")
            steps.append(ExpressionStep(None, (), c, False))
            data.append(c)
            depth.append(0)
            continue
        op = draw(st.sampled_from(rows), label="op")
        eligible = [i for i, d in enumerate(depth) if d < max_depth]
        args = tuple(draw(st.sampled_from(eligible)) for _ in range(_draw_arity(draw, op)))
        param = draw(st.sampled_from(op.params)) if op.params else None
        xs = tuple(data[i] for i in args)
        out = _safe_step(op, xs, param, gap)
        if out is None:  # outside the op's domain, near a kink or a pole: skip the step
            continue
        squash = abs(out) > _SQUASH_ABOVE
        steps.append(ExpressionStep(op, args, param, squash))
        data.append(math.tanh(out) if squash else out)
        depth.append(1 + max(depth[i] for i in args))
    used = {i for step in steps for i in step.args}
    dangling = tuple(i for i, step in enumerate(steps, n) if step.op is not None and i not in used)
    last = n + len(steps) - 1
    if not dangling and steps:  # constants only: the output is the inputs' sum
        dangling = tuple(range(n))
    if dangling and dangling != (last,):  # the output depends on every step: the unused ones,
        total = math.fsum(data[i] for i in dangling)  # summed into it (never a constant last)
        steps.append(ExpressionStep(OPS["sum"], dangling, None, abs(total) > _SQUASH_ABOVE))
    return Expression(tuple(steps), inputs)


def _draw_arity(draw: st.DrawFn, op: Op) -> int:
    if op.arity is not None:
        return op.arity
    k = draw(st.integers(1, 3), label="n-ary width")
    return {"dot": 2 * k, "linear": 2 * k + 1}.get(op.name, k)


def _safe_step(op: Op, xs: tuple[float, ...], param: float | None, gap: float) -> float | None:
    """The step's output, or None when finite differences would be unreliable there."""
    if op.arity == 1 and any(abs(xs[0] - k) < gap for k in op.kinks):
        return None
    if not _reliable(op, xs, param, gap, _LOCAL_LIMIT):
        return None
    return apply_op(op, xs, param)


def expressions(
    ops: Sequence[OpLike] = SMOOTH_OPS,
    max_depth: int = 4,
    max_inputs: int = 3,
    max_nodes: int = 8,
    *,
    min_value: float = -2.0,
    max_value: float = 2.0,
    gap: float = 1e-2,
    constants: bool = False,
) -> st.SearchStrategy[Expression]:
    """Random computation graphs (``Expression``) built from ``ops`` (names in ``autograd.OPS``,
    rows, or functions from ``define_op``): up to ``max_inputs`` inputs in
    ``[min_value, max_value]``, up to ``max_nodes`` steps, each applying an op to earlier nodes
    drawn at random (so nodes are shared: ``a * a``, one value feeding two branches), no path
    longer than ``max_depth`` steps; the steps no other step uses are summed into the output
    (one more ``sum`` node), so the output depends on all of them. A step whose inputs fall
    outside its op's domain (with a margin ``gap``), near a kink or near a pole is left out,
    and a value beyond ±10 is squashed with tanh, so finite differences hold on the whole graph.
    With ``constants=True`` some nodes are constants (unlabelled leaves, like the 2 of ``2 * x``).

    >>> from hypothesis import given
    >>> @given(expressions(ops=["mul", "sin"], max_depth=2))
    ... def test_depth(expression):
    ...     f, inputs = expression
    ...     assert f(*inputs).op in ("", "mul", "sin", "tanh", "sum")
    >>> test_depth()
    """
    if max_depth < 1 or max_inputs < 1 or max_nodes < 1:
        raise ValueError("expressions: max_depth, max_inputs and max_nodes must be at least 1")
    rows = tuple(_row(op, "expressions") for op in ops)
    if not rows:
        raise ValueError("expressions: ops is empty")
    return _expressions(rows, max_depth, max_inputs, max_nodes, min_value, max_value, gap, constants)


# --- assertions ---------------------------------------------------------------------------------


def assert_gradients(
    f: Function,
    inputs: Sequence[Value | Number],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert that d f/d input (``autograd.grad``) matches central differences for every input;
    otherwise raise ``AssertionError`` (a ``GradcheckError``) with the table of every input:
    its label (``input 0``, ... for unlabelled ones), point, both derivatives and their gap.

    >>> from autograd import Value
    >>> assert_gradients(lambda x, y: x * y.tanh(), [Value(0.5, label="x"), 2.0])
    >>> assert_gradients(lambda x: x * x.detach(), [Value(1.5, label="x")])
    Traceback (most recent call last):
    ...
    autograd.gradcheck.GradcheckError: assert_gradients: analytical and numerical d f/d x disagree ...
    input                                  at       analytical        numerical    abs diff
    ---------------------------------------------------------------------------------------
    x                                     1.5              1.5                3         1.5  <-- mismatch
    """
    __tracebackhide__ = True  # pytest shows the caller's line and the table, not our insides
    _check_settings("assert_gradients", eps, atol, rtol)
    _verdict("assert_gradients", "d f/d x", first_order_rows(f, inputs, eps), atol, rtol, True)


def assert_second_order(
    f: Function,
    inputs: Sequence[Value | Number],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert that every second derivative d²f/dx_i dx_j (``grad`` twice, the first with
    ``create_graph=True``) matches central differences of the first derivatives; otherwise
    raise ``AssertionError`` with the table of every pair.

    >>> from autograd import sin
    >>> assert_second_order(lambda x, y: sin(x * y), [0.3, -0.7])
    """
    __tracebackhide__ = True
    _check_settings("assert_second_order", eps, atol, rtol)
    rows = second_order_rows(f, inputs, eps)
    _verdict("assert_second_order", "d²f/dx_i dx_j", rows, atol, rtol, True)


def check_module(
    model: Any,
    loss: Callable[[Any, Any], Value],
    X: Sequence[Any],
    y: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Assert that d loss/d parameter matches central differences for every trainable
    parameter of ``model`` (``model.parameters()``: frozen ones are skipped), where the loss is
    ``loss([model(x) for x in X], y)``. Parameters and their ``.grad`` are left as they were.
    A mismatch raises ``AssertionError`` with a table naming every parameter
    (``model.named_parameters()``'s dotted names).

    >>> from nn import MLP, mse
    >>> net = MLP(2, [3, 1], activation="tanh", seed=0)
    >>> check_module(net, mse, [[0.5, -1.0], [1.0, 2.0]], [0.3, -0.2])
    """
    __tracebackhide__ = True
    _check_settings("check_module", eps, atol, rtol)
    if not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"check_module: model must have parameters() (an nn.Module), got {type(model).__name__}"
        )
    params = list(model.parameters())
    if not params:
        raise ValueError("check_module: the model has no trainable parameters to check")
    named = getattr(model, "named_parameters", None)
    names = {id(p): name for name, p in named()} if callable(named) else {}
    batch, targets = list(X), list(y)

    def total() -> Value:
        out = loss([model(x) for x in batch], targets)
        if not isinstance(out, Value):
            raise TypeError(f"check_module: loss must return a Value, got {type(out).__name__} {out!r}")
        return out

    with enable_grad():
        analytical = grad(total(), params)
    rows = []
    for k, (p, a) in enumerate(zip(params, analytical)):
        old = p.data
        try:
            with no_grad():
                p.data = old + eps
                plus = total().data
                p.data = old - eps
                minus = total().data
        finally:
            p.data = old
        label = names.get(id(p)) or p.label or f"parameter {k}"
        rows.append((label, old, a, (plus - minus) / (2.0 * eps)))
    _verdict("check_module", "d loss/d parameter", rows, atol, rtol, True)


def check_op(
    op: OpLike,
    *,
    min_value: float = -5.0,
    max_value: float = 5.0,
    avoid: Sequence[float] = (),
    param: float | None = None,
    max_examples: int = 50,
    gap: float = 1e-2,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> None:
    """Property-test one op (a name in ``autograd.OPS``, a row, or a ``define_op`` function) of
    one or two inputs over ``max_examples`` points of its domain in ``[min_value, max_value]``
    (away from the kinks in ``avoid`` and the row's ``kinks``, and from poles, as ``values`` does): its
    first derivatives against central differences, its derivative rule run on Values against
    the same rule on floats, and its second derivatives against central differences of the
    first. The first failure raises
    ``AssertionError`` naming the op and the input, with the whole table; hypothesis shrinks the
    point first. An op with a constant parameter (``pow``) needs ``param``. It runs hypothesis
    itself: call it from a plain test, not from inside a ``@given`` test.

    >>> check_op("tanh", max_examples=10)
    >>> from autograd import define_op
    >>> bad = define_op("bad_square_demo", lambda x: x * x, lambda x, out: x,   # should be 2*x
    ...                 formula="x^2", local_formulas=("x",))
    >>> check_op(bad, max_examples=10)
    Traceback (most recent call last):
    ...
    AssertionError: check_op(bad_square_demo): the derivative rule disagrees ... at x = ...
    """
    __tracebackhide__ = True
    _check_settings("check_op", eps, atol, rtol)
    row = _row(op, "check_op")
    if row.arity is None:
        raise TypeError(
            f"check_op: {row.name!r} takes any number of inputs; check it through a function of "
            f"fixed inputs with assert_gradients and assert_second_order"
        )
    if param is None and row.params:
        raise ValueError(
            f"check_op: {row.name!r} takes a constant parameter; pass param=, e.g. {row.params[0]}"
        )
    names = ("x",) if row.arity == 1 else ("a", "b")
    kinks = tuple(avoid) + row.kinks
    coordinate = values(min_value, max_value, avoid=kinks, gap=gap)
    points = st.tuples(*[coordinate] * row.arity).filter(lambda xs: _reliable(row, xs, param, gap))

    def f(*xs: Value) -> Value:
        out = apply_op(row, xs, param)
        assert isinstance(out, Value)
        return out

    @settings(max_examples=max_examples, deadline=None, report_multiple_bugs=False)
    @given(points)
    def run(xs: tuple[float, ...]) -> None:
        __tracebackhide__ = True
        inputs = [Value(x, label=name) for x, name in zip(xs, names)]
        at = ", ".join(f"{name} = {x!r}" for name, x in zip(names, xs))
        try:
            assert_gradients(f, inputs, eps=eps, atol=atol, rtol=rtol)
        except AssertionError as exc:
            raise AssertionError(
                f"check_op({row.name}): the derivative rule disagrees with finite differences at {at}\n{exc}"
            ) from None
        try:
            _same_rule_on_values(row, xs, param, at, names)
        except TypeError as exc:  # a rule that cuts the graph (math.* on a Value), refused
            raise AssertionError(f"check_op({row.name}): at {at}, {exc}") from None
        try:
            assert_second_order(f, inputs, eps=eps, atol=atol, rtol=rtol)
        except TypeError as exc:
            raise AssertionError(f"check_op({row.name}): at {at}, {exc}") from None
        except AssertionError as exc:
            raise AssertionError(
                f"check_op({row.name}): the second derivatives disagree with finite differences at "
                f"{at} (is the derivative rule written with autograd.exp, log, ... so that it "
                f"works on Values too?)\n{exc}"
            ) from None

    try:
        run()
    except (FailedHealthCheck, Unsatisfiable):
        raise ValueError(
            f"check_op({row.name}): too few points of [{min_value}, {max_value}] where finite "
            f"differences can be trusted (inside the domain, away from kinks and poles, slopes at "
            f"most {_TAME_LIMIT:g}, measured on the forward rule); narrow min_value and max_value "
            "to where the op is smooth"
        ) from None


def _same_rule_on_values(
    op: Op, xs: tuple[float, ...], param: float | None, at: str, names: Sequence[str]
) -> None:
    """The derivative rule gives the same numbers on Values (create_graph) as on floats."""
    leaves = [Value(x) for x in xs]
    with enable_grad():
        out = apply_op(op, leaves, param)
    assert isinstance(out, Value)
    on_floats = grad(out, leaves)
    on_values = [g.data for g in grad(out, leaves, create_graph=True)]
    for name, a, b in zip(names, on_floats, on_values):
        if not (a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))):
            raise AssertionError(
                f"check_op({op.name}): at {at} the derivative rule gives d/d{name} = {a!r} on floats but "
                f"{b!r} on Values (grad(..., create_graph=True)); it must compute the same thing on both"
            )


def _row(op: OpLike, where: str) -> Op:
    if isinstance(op, Op):
        return op
    if isinstance(op, OpFunction):
        return op.op
    if isinstance(op, str):
        if op not in OPS:
            raise ValueError(f"{where}: no op named {op!r}; known ops: {', '.join(sorted(OPS))}")
        return OPS[op]
    raise TypeError(f"{where}: expected an op name, an Op row or a define_op function, got {op!r}")

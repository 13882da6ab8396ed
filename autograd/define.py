"""Your own ops: ``define_op`` adds a row to the op table, exactly like the built-in rows.

A row is a name, a forward rule on floats, a derivative rule written once for floats and Values
(with arithmetic and the polymorphic helpers ``autograd.exp``, ``log``, ``sqrt``, ``tanh``,
``sigmoid``, and any op defined this way), and the formulas explanations show. Once defined, the
op goes through the same machinery as ``tanh``: ``backward``, ``grad`` (with
``create_graph=True``, to any order), ``no_grad``, domain errors, ``viz.draw``, ``viz.explain``,
``viz.replay``, ``jvp`` and ``autograd.testing.check_op``.

>>> from autograd import Value, define_op, sigmoid
>>> swish = define_op(
...     "swish_demo", lambda x: x * sigmoid(x),
...     lambda x, out: sigmoid(x) * (1 + x * (1 - sigmoid(x))),
...     formula="x*sigmoid(x)", local_formulas=("sigmoid(x)*(1 + x*(1 - sigmoid(x)))",))
>>> y = swish(Value(1.0)); y.backward()
>>> y.op, round(y.data, 6), round(y.parents[0].grad, 6), round(swish(1.0), 6)
('swish_demo', 0.731059, 0.927671, 0.731059)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, overload

from .ops import OPS, Op, op_named_or_none
from .value import Value, _as_float, _binary, _domain_error, _lift, _nary, _overflow_error, _unary

Operand = Value | int | float


class OpFunction:
    """The function ``define_op`` returns: it applies its row to Values (a recorded node) or to
    plain numbers (a float, nothing recorded), so it also serves inside derivative rules.

    ``op`` is the row itself (``OPS[name]``).

    >>> from autograd import Value, sin
    >>> sin, sin.op.local_formulas, sin(0.0), sin(Value(0.0)).op
    (<op sin: sin(x)>, ('cos(x)',), 0.0, 'sin')
    """

    __slots__ = ("op",)

    def __init__(self, op: Op) -> None:
        self.op = op

    @property
    def name(self) -> str:
        """The op's name, as nodes report it in ``.op``."""
        return self.op.name

    @overload
    def __call__(self, *args: float) -> float: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, *args: Operand) -> Value: ...

    def __call__(self, *args: Operand) -> Value | float:
        return apply_op(self.op, args)

    def __repr__(self) -> str:
        return f"<op {self.op.name}: {self.op.formula}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_function_of, (self.op.name,))


def _function_of(name: str) -> OpFunction:
    """The function of the row named ``name`` (how an ``OpFunction`` is unpickled)."""
    return OpFunction(OPS[name])


@overload
def apply_op(op: Op, args: Sequence[float], param: float | None = ...) -> float: ...


@overload
def apply_op(op: Op, args: Sequence[Operand], param: float | None = ...) -> Value | float: ...


def apply_op(op: Op, args: Sequence[Operand], param: float | None = None) -> Value | float:
    """Apply the row ``op`` to ``args``: a Value when any argument is one, else a float.

    >>> from autograd import OPS, Value
    >>> apply_op(OPS["mul"], [Value(2.0), 3]).data, apply_op(OPS["pow"], [2.0], 3.0)
    (6.0, 8.0)
    """
    arity = op.arity
    if arity is not None and len(args) != arity:
        inputs = "input" if arity == 1 else "inputs"
        raise TypeError(f"{op.name}: takes {arity} {inputs}, got {len(args)}")
    if any(isinstance(a, Value) for a in args):
        if arity is None:
            return _nary(op, tuple(args))
        if arity == 1:
            return _unary(op, _lift(args[0], op.name), param)
        return _binary(op, _lift(args[0], op.name), args[1])
    xs = tuple(_as_float(a, op.name) for a in args)
    if not op.accepts(xs, param):
        raise _domain_error(op, xs, param)
    try:
        if arity is None:
            out = op.forward(list(xs))
        else:
            out = op.forward(*xs) if param is None else op.forward(*xs, param)
    except (ArithmeticError, ValueError) as exc:
        raise _overflow_error(op, xs, param, exc) from None
    if not math.isfinite(out):
        raise _overflow_error(op, xs, param, out)
    return float(out)


def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Any],
    *,
    formula: str,
    local_formulas: Sequence[str],
    domain: Callable[..., bool] | None = None,
    domain_text: str = "",
    kinks: Sequence[float] = (),
) -> OpFunction:
    """Add the op ``name`` to the op table (``autograd.OPS``) and return the function applying it.

    * ``local_formulas`` has one text per input (one: a unary op of ``x``; two: a binary op of
      ``a`` and ``b``), e.g. ``("cos(x)",)``; ``y`` in them stands for the op's own output;
    * ``forward(x)`` or ``forward(a, b)`` computes the output from floats;
    * ``derivative(x, out)`` or ``derivative(a, b, out)`` returns the local derivative(s): one
      value, or a tuple with one per input. It runs on floats (``backward``) AND on Values
      (``grad(..., create_graph=True)``), so write it with arithmetic, the polymorphic helpers
      (``autograd.exp``, ``log``, ``sqrt``, ``tanh``, ``sigmoid``, ``sin``, ``cos``), ops made
      by ``define_op``, and ``float(x)`` where it branches on a number;
    * ``formula`` is the forward rule as text (``"sin(x)"``);
    * ``domain`` takes the float inputs and returns False outside the op's domain, where
      applying the op raises ``ValueError`` with ``domain_text`` (``"x > 0"``);
    * ``kinks`` lists the inputs where a one-input op's derivative jumps (``(0.0,)`` for a
      ReLU-like op): the testing kit draws its points away from them.

    A name that is taken (a built-in or an earlier definition) raises ``ValueError``. The row
    is registered in ``autograd.OPS`` under ``name`` for as long as the process runs.

    >>> from autograd import Value, define_op
    >>> cube = define_op("cube_demo", lambda x: x ** 3, lambda x, out: 3 * x * x,
    ...                  formula="x^3", local_formulas=("3*x^2",))
    >>> x = Value(2.0); y = cube(x); y.backward()
    >>> y.data, x.grad, y.local_formula(0)
    (8.0, 12.0, '3*x^2')
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"define_op: the name must be a Python identifier, got {name!r}")
    taken = op_named_or_none(name)
    if taken is not None:
        raise ValueError(
            f"define_op: an op named {name!r} exists already ({taken.name}: {taken.formula}); "
            "an op cannot be redefined, choose another name"
        )
    if isinstance(local_formulas, str) or not all(isinstance(t, str) for t in local_formulas):
        raise TypeError(
            f"define_op({name!r}): local_formulas must be a tuple of strings, one per input, "
            f"e.g. ('cos(x)',), got {local_formulas!r}"
        )
    arity = len(local_formulas)
    if arity not in (1, 2):
        raise ValueError(
            f"define_op({name!r}): ops of one input (x) or two (a, b) can be defined; "
            f"local_formulas gives {arity}"
        )
    for what, rule in (("forward", forward), ("derivative", derivative)):
        if not callable(rule):
            raise TypeError(f"define_op({name!r}): {what} must be callable, got {rule!r}")
    if domain is not None and not callable(domain):
        raise TypeError(f"define_op({name!r}): domain must be callable or None, got {domain!r}")
    if not isinstance(formula, str):
        raise TypeError(f"define_op({name!r}): formula must be a string, got {formula!r}")
    op = Op(
        name,
        arity,
        _checked_forward(name, forward),
        _checked_derivative(name, arity, derivative, forward),
        formula,
        tuple(local_formulas),
        domain=domain,
        domain_text=domain_text or "an input inside its domain",
        risky_locals=True,  # a user's rule may be infinite somewhere: check it while recording
        kinks=_kinks(name, kinks),
    )
    OPS[name] = op
    return OpFunction(op)


def _kinks(name: str, kinks: Sequence[float]) -> tuple[float, ...]:
    if isinstance(kinks, (str, bytes)) or not isinstance(kinks, Sequence):
        raise TypeError(f"define_op({name!r}): kinks must be a tuple of numbers, e.g. (0.0,), got {kinks!r}")
    return tuple(_as_float(k, f"define_op({name!r}): kinks") for k in kinks)


def _checked_forward(name: str, forward: Callable[..., float]) -> Callable[..., float]:
    def run(*xs: float) -> float:
        out = forward(*xs)
        if isinstance(out, bool) or not isinstance(out, numbers.Real):
            raise TypeError(f"{name}: forward must return a number, got {type(out).__name__} {out!r}")
        return float(out)

    return run


def _checked_derivative(
    name: str, arity: int, derivative: Callable[..., Any], forward: Callable[..., float]
) -> Callable[..., Any]:
    def run(*args: Any) -> tuple[Any, ...]:
        result = derivative(*args)
        locals_ = result if isinstance(result, tuple) else (result,)
        if isinstance(args[0], Value) and len(locals_) == arity:  # building higher derivatives
            for i, d in enumerate(locals_):
                if not isinstance(d, Value):
                    _check_constant(name, derivative, forward, [float(x) for x in args[:arity]], i, d)
        if not isinstance(args[0], Value) and not all(isinstance(d, (int, float)) for d in locals_):
            raise TypeError(
                f"{name}: on float inputs the derivative must give floats, got {result!r} "
                "(use autograd.exp, log, ... rather than Value methods inside a derivative rule)"
            )
        if len(locals_) != arity:
            raise TypeError(
                f"{name}: derivative must give {arity} local derivative(s), one per input, got {result!r}"
            )
        return locals_

    return run


def _check_constant(
    name: str, derivative: Callable[..., Any], forward: Callable[..., float], xs: list[float], i: int, d: Any
) -> None:
    """On Values, a rule that gives a plain number says its local derivative is a constant; if
    the same rule on floats changes when an input moves, the number was made by ``math.*`` or
    ``float()`` and cut the graph: higher derivatives would silently be 0. Refuse that."""
    for k in range(len(xs)):
        h = 1e-6 * max(1.0, abs(xs[k]))
        moved = list(xs)
        moved[k] += h
        try:
            after = derivative(*moved, forward(*moved))
        except (ArithmeticError, ValueError, TypeError):
            continue  # outside the domain there: nothing to compare
        value = after[i] if isinstance(after, tuple) else after
        if isinstance(value, (int, float)) and not math.isclose(value, d, rel_tol=1e-12, abs_tol=1e-15):
            raise TypeError(
                f"{name}: on Value inputs the derivative rule gave the plain number {d!r} for input "
                f"{i}, which changes with the input ({value!r} a step away): it was computed with "
                "math.* or float(), which cuts the graph, so higher derivatives would be wrong. "
                "Write the rule with autograd.exp, log, sqrt, tanh, sigmoid, sin, cos or arithmetic"
            )

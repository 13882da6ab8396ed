"""The op table: each operation's forward rule and local derivatives, side by side.

One row per op. ``forward`` works on floats. ``derivative`` returns d(out)/d(input) for every
input, written so that the same rule runs on floats (the fast path of ``backward``) and on
``Value`` objects (``grad(..., create_graph=True)``, for gradients of gradients): it only uses
arithmetic, the polymorphic helpers below, and the node's own output ``out``.

Calling conventions, by arity:

* unary:  ``forward(x)``, ``derivative(x, out)``; with a constant parameter ``p`` (``x ** 3``,
  ``2 ** x``, leaky ReLU's slope) ``forward(x, p)`` and ``derivative(x, out, p)``;
* binary: ``forward(a, b)``, ``derivative(a, b, out)``;
* n-ary:  ``forward(xs)``, ``derivative(xs, out)`` with ``xs`` a sequence.

Where the local derivatives are constants (``a + b``: 1 and 1), ``derivative`` is simply that
tuple.

``formula`` and ``local_formulas`` are the human text that explanations and pictures show;
``{p}`` stands for the constant parameter (``{p-1}`` for one less). ``readings`` are the same
local derivatives as a learner writes them, where a shorter form exists: in terms of the node's
own output ``y`` (sigmoid: ``y*(1 - y)``, tanh: ``1 - y^2``), and ``x^2``'s as ``2*x``; a test
evaluates every reading against its row's derivative. Sums run left to right, as a hand
calculation (and micrograd, and PyTorch's scalar ops) would.
"""

from __future__ import annotations

import math
import operator
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .value import Value

# Largest x with a finite exp(x): log(sys.float_info.max).
EXP_LIMIT = 709.782712893384


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


# --- polymorphic helpers: one derivative rule for floats and Values ------------------------------
# A derivative rule runs on floats (the fast path of backward) and on Values (create_graph=True),
# so it may only use arithmetic and these: each gives a float for a float and a Value for a Value.
# They are public (``autograd.exp`` and so on) for the rules of ops defined with ``define_op``.

Scalar = TypeVar("Scalar", float, "Value")


def exp(x: Scalar) -> Scalar:
    """e ** x, for a float (a float) or a Value (a recorded Value).

    >>> from autograd import Value
    >>> exp(0.0), exp(Value(0.0)).data
    (1.0, 1.0)
    """
    if isinstance(x, (int, float)):
        return math.exp(x)
    return x.exp()


def log(x: Scalar) -> Scalar:
    """Natural logarithm of a float or a Value (x > 0).

    >>> from autograd import Value
    >>> log(1.0), log(Value(1.0)).data
    (0.0, 0.0)
    """
    if isinstance(x, (int, float)):
        return math.log(x)
    return x.log()


def sqrt(x: Scalar) -> Scalar:
    """Square root of a float or a Value (x >= 0).

    >>> from autograd import Value
    >>> sqrt(4.0), sqrt(Value(4.0)).data
    (2.0, 2.0)
    """
    if isinstance(x, (int, float)):
        return math.sqrt(x)
    return x.sqrt()


def tanh(x: Scalar) -> Scalar:
    """Hyperbolic tangent of a float or a Value.

    >>> from autograd import Value
    >>> tanh(0.0), tanh(Value(0.0)).data
    (0.0, 0.0)
    """
    if isinstance(x, (int, float)):
        return math.tanh(x)
    return x.tanh()


def sigmoid(x: Scalar) -> Scalar:
    """1 / (1 + e^-x) of a float or a Value, stable for any finite x.

    >>> from autograd import Value
    >>> sigmoid(0.0), sigmoid(Value(0.0)).data
    (0.5, 0.5)
    """
    if isinstance(x, (int, float)):
        return _sigmoid_float(x)
    return x.sigmoid()


def _data(x: Any) -> float:
    """The float inside a Value, or the float itself (for derivatives that branch on sign)."""
    value: float = x if _is_number(x) else x.data
    return value


def _sigmoid_float(x: float) -> float:
    # Two branches so that exp never overflows: stable for any finite x.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus_float(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): stable for any finite x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _logsumexp_float(xs: Sequence[float]) -> float:
    if not all(map(math.isfinite, xs)):  # exp(-inf) would hide a non-finite input
        raise ValueError("logsumexp: a non-finite input")
    m = max(xs)
    return m + math.log(sum([math.exp(x - m) for x in xs]))


def float_dot(ws: Iterable[float], xs: Iterable[float]) -> float:
    """w1*x1 + ... + wn*xn on floats, summed left to right like the worked examples: the
    forward rule of the ``dot`` and ``linear`` rows (``nn``'s ``no_grad`` path calls it directly).

    >>> float_dot([0.5, 2.0], [4.0, -1.0])
    0.0
    """
    total: float = sum(map(operator.mul, ws, xs))
    return total


def _linear_float(xs: Sequence[float]) -> float:
    # parents are (w1..wn, x1..xn, b): w.x + b.
    n = len(xs) // 2
    return float_dot(xs[:n], xs[n : 2 * n]) + xs[-1]


def _dot_float(xs: Sequence[float]) -> float:
    n = len(xs) // 2
    return float_dot(xs[:n], xs[n:])


def _linear_locals(xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
    n = len(xs) // 2
    return (*xs[n : 2 * n], *xs[:n], 1.0)


def _dot_locals(xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
    n = len(xs) // 2
    return (*xs[n:], *xs[:n])


# Shared tuples for the local derivatives that are constants: no allocation per node.
_ONE = (1.0,)
_ZERO = (0.0,)


def _is_integer(p: float) -> bool:
    return float(p).is_integer()


class Op:
    """One row of the op table."""

    __slots__ = (
        "arity",
        "derivative",
        "domain",
        "domain_error",
        "domain_text",
        "formula",
        "forward",
        "kinks",
        "local_formulas",
        "name",
        "params",
        "readings",
        "risky_locals",
    )

    def __init__(
        self,
        name: str,
        arity: int | None,
        forward: Callable[..., float],
        derivative: Callable[..., tuple[Any, ...]] | tuple[float, ...],
        formula: str,
        local_formulas: tuple[str, ...] | Callable[[int, int], str],
        domain: Callable[..., bool] | None = None,
        domain_text: str = "",
        risky_locals: bool = False,
        domain_error: type[Exception] = ValueError,
        readings: tuple[str, ...] | Callable[[int, int, float | None], str] | None = None,
        kinks: tuple[float, ...] = (),
        params: tuple[float, ...] = (),
    ) -> None:
        self.name = name
        self.arity = arity  # 1, 2, or None for n-ary
        self.forward = forward
        self.derivative = derivative
        self.formula = formula
        self.local_formulas = local_formulas
        self.domain = domain  # None: every finite input is valid
        self.domain_text = domain_text
        # True when a local derivative can be infinite although the output is finite
        # (1/x near 0, say); only those rows pay for the finiteness check.
        self.risky_locals = risky_locals
        self.domain_error = domain_error  # the exception raised for inputs outside the domain
        self.readings = readings  # None: the local formulas read well as they are
        # Where the derivative jumps (finite differences across a kink are meaningless), and,
        # for a row with a constant parameter, the ones the testing kit tries.
        self.kinks = kinks
        self.params = params

    @property
    def function_of_one(self) -> bool:
        """One input and no constant parameter: f(x), as ``tanh`` (not ``x ** p``)."""
        return self.arity == 1 and "{p}" not in self.formula

    def run_derivative(self, xs: Sequence[Any], out: Any, param: float | None) -> tuple[Any, ...]:
        """Apply ``derivative`` to inputs and output (floats or Values), whatever the arity."""
        if isinstance(self.derivative, tuple):
            return self.derivative
        if self.arity is None:
            return self.derivative(xs, out)
        if param is None:
            return self.derivative(*xs, out)
        return self.derivative(*xs, out, param)

    def accepts(self, xs: tuple[float, ...], param: float | None) -> bool:
        """True when the inputs lie in the op's domain."""
        if self.domain is None:
            return True
        return self.domain(*xs) if param is None else self.domain(*xs, param)

    def local_formula(self, index: int, n_inputs: int, param: float | None = None) -> str:
        """The text of d(out)/d(input number ``index``), e.g. ``'1 - tanh(x)^2'``."""
        formulas = self.local_formulas
        text = formulas(index, n_inputs) if callable(formulas) else formulas[index]
        if param is None:
            return text
        return text.replace("{p-1}", _fmt(param - 1)).replace("{p}", _fmt(param))

    def reading(self, index: int, n_inputs: int, param: float | None = None) -> str:
        """d(out)/d(input number ``index``) as a learner writes it, e.g. ``'y*(1 - y)'`` for the
        sigmoid (``y`` is the node's own output), ``'2*x'`` for ``x ** 2``.

        >>> OPS["sigmoid"].reading(0, 1), OPS["pow"].reading(0, 1, 2.0), OPS["mul"].reading(1, 2)
        ('y*(1 - y)', '2*x', 'a')
        """
        readings = self.readings
        if readings is None:
            return self.local_formula(index, n_inputs, param)
        if callable(readings):
            return readings(index, n_inputs, param)
        text = readings[index]
        return text if param is None else text.replace("{p}", _fmt(param))

    def describe(self, param: float | None = None) -> str:
        """The forward formula, with the constant parameter filled in."""
        return self.formula if param is None else self.formula.replace("{p}", _fmt(param))

    def __repr__(self) -> str:
        return f"Op({self.name!r}: {self.formula})"

    # A row is pickled by its name and found in ``OPS`` again on loading: its rules may be
    # lambdas, which pickle cannot store, and a row is one shared object, never copied.
    def __reduce__(self) -> tuple[Any, ...]:
        if op_named_or_none(self.name) is not self:
            raise pickle.PicklingError(
                f"op {self.name!r}: only ops registered in autograd.OPS can be pickled (they are "
                f"stored by name), and OPS[{self.name!r}] is not this op"
            )
        return (op_named, (self.name,))

    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self


def op_named_or_none(name: str) -> Op | None:
    """The row ``op_named`` would give for ``name``, or None."""
    return GIVEN if name == "given" else OPS.get(name)


def op_named(name: str) -> Op:
    """The row ``OPS[name]``, or an error naming the op (how a pickled node finds its op).

    >>> op_named("tanh")
    Op('tanh': tanh(x))
    """
    row = op_named_or_none(name) if isinstance(name, str) else None
    if row is None:
        raise pickle.UnpicklingError(
            f"op {name!r} is not in autograd.OPS: register it (under the same name) before "
            f"loading a graph that uses it"
        )
    return row


def _fmt(p: float) -> str:
    return str(int(p)) if float(p).is_integer() and abs(p) < 1e15 else repr(p)


def _linear_formula(i: int, n: int) -> str:
    k = (n - 1) // 2
    if i < k:
        return f"x{i + 1}"
    if i < 2 * k:
        return f"w{i - k + 1}"
    return "1"


def _dot_formula(i: int, n: int) -> str:
    k = n // 2
    return f"x{i + 1}" if i < k else f"w{i - k + 1}"


def _pow_reading(index: int, n: int, p: float | None) -> str:
    """d(x^p)/dx as written by hand: 2*x for p = 2, 1 for p = 1, p*x^(p - 1) otherwise."""
    assert p is not None
    if p == 0:
        return "0"
    if p == 1:
        return "1"
    if p == 2:
        return "2*x"
    power = _fmt(p - 1)
    return f"{_fmt(p)}*x^{power if p - 1 > 0 else f'({power})'}"


# fmt: off
_ROWS = (
    # --- unary ------------------------------------------------------------------------------
    Op("neg", 1, operator.neg, (-1.0,), "-x", ("-1",)),
    Op("exp", 1, math.exp, lambda x, out: (out,), "exp(x)", ("exp(x)",),
       domain=lambda x: x <= EXP_LIMIT, domain_text=f"x <= {EXP_LIMIT} (exp overflows beyond)",
       domain_error=OverflowError, readings=("y",)),
    Op("log", 1, math.log, lambda x, out: (1.0 / x,), "log(x)", ("1/x",),
       domain=lambda x: x > 0.0, domain_text="x > 0", risky_locals=True),
    Op("sqrt", 1, math.sqrt, lambda x, out: (0.5 / out,), "sqrt(x)", ("1/(2*sqrt(x))",),
       domain=lambda x: x >= 0.0, domain_text="x >= 0", risky_locals=True, readings=("1/(2*y)",)),
    Op("tanh", 1, math.tanh, lambda x, out: (1.0 - out * out,), "tanh(x)", ("1 - tanh(x)^2",),
       readings=("1 - y^2",)),
    Op("sigmoid", 1, _sigmoid_float, lambda x, out: (out * (1.0 - out),), "sigmoid(x)",
       ("sigmoid(x)*(1 - sigmoid(x))",), readings=("y*(1 - y)",)),
    Op("relu", 1, lambda x: x if x > 0.0 else 0.0,
       lambda x, out: _ONE if _data(x) > 0.0 else _ZERO, "relu(x)", ("1 if x > 0 else 0",), kinks=(0.0,)),
    Op("leaky_relu", 1, lambda x, p: x if x > 0.0 else p * x,
       lambda x, out, p: (1.0 if _data(x) > 0.0 else p,), "leaky_relu(x, {p})",
       ("1 if x > 0 else {p}",), kinks=(0.0,), params=(0.1,)),
    Op("abs", 1, abs, lambda x, out: (1.0 if _data(x) > 0.0 else -1.0 if _data(x) < 0.0 else 0.0,),
       "|x|", ("sign(x)",), kinks=(0.0,)),
    Op("softplus", 1, _softplus_float, lambda x, out: (sigmoid(x),), "log(1 + exp(x))",
       ("sigmoid(x)",)),
    Op("pow", 1, lambda x, p: x**p, lambda x, out, p: (p * x ** (p - 1) if p else 0.0,), "x^{p}",
       ("{p}*x^{p-1}",),
       domain=lambda x, p: (x > 0.0 or (x == 0.0 and p >= 0.0) or (x < 0.0 and _is_integer(p))),
       domain_text="x > 0, or x = 0 with p >= 0, or x < 0 with an integer exponent p",
       risky_locals=True, readings=_pow_reading, params=(2.0, 3.0, -1.0)),
    Op("rpow", 1, lambda x, p: p**x, lambda x, out, p: (out * math.log(p),), "{p}^x",
       ("{p}^x * log({p})",),
       domain=lambda x, p: p > 0.0, domain_text="a base > 0 (the derivative needs log(base))",
       risky_locals=True, readings=("y*log({p})",), params=(2.0, 0.5)),
    # --- binary -----------------------------------------------------------------------------
    Op("add", 2, operator.add, (1.0, 1.0), "a + b", ("1", "1")),
    Op("sub", 2, operator.sub, (1.0, -1.0), "a - b", ("1", "-1")),
    Op("mul", 2, operator.mul, lambda a, b, out: (b, a), "a * b", ("b", "a")),
    Op("div", 2, operator.truediv, lambda a, b, out: (1.0 / b, -out / b), "a / b",
       ("1/b", "-a/b^2"), domain=lambda a, b: b != 0.0, domain_text="b != 0 (division by zero)",
       risky_locals=True, domain_error=ZeroDivisionError),
    Op("vpow", 2, lambda a, b: a**b, lambda a, b, out: (b * a ** (b - 1.0), out * log(a)),
       "a^b", ("b*a^(b - 1)", "a^b * log(a)"), readings=("b*a^(b - 1)", "y*log(a)"),
       domain=lambda a, b: a > 0.0,
       domain_text="a base > 0 when the exponent is a Value (use a number exponent for a base <= 0)",
       risky_locals=True),
    # --- n-ary ------------------------------------------------------------------------------
    Op("sum", None, sum, lambda xs, out: (1.0,) * len(xs), "x1 + x2 + ... + xn",
       lambda i, n: "1"),
    Op("dot", None, _dot_float, _dot_locals, "w1*x1 + ... + wn*xn", _dot_formula),
    Op("linear", None, _linear_float, _linear_locals, "w1*x1 + ... + wn*xn + b", _linear_formula),
    Op("logsumexp", None, _logsumexp_float,
       lambda xs, out: tuple(exp(x - out) for x in xs), "log(exp(x1) + ... + exp(xn))",
       lambda i, n: f"softmax(x)[{i + 1}] = exp(x{i + 1} - logsumexp(x))",
       readings=lambda i, n, p: f"exp(x{i + 1} - y)"),
)

# fmt: on

BUILT_IN_ROWS = _ROWS
"""The engine's own rows, in table order (``OPS`` also holds the rows ``define_op`` adds)."""

OPS: dict[str, Op] = {op.name: op for op in _ROWS}
"""Every op of the engine, by name."""


_CALLED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\(")
_functions_cache: tuple[tuple[Op, ...], frozenset[str]] = ((), frozenset())


def formula_functions() -> frozenset[str]:
    """Every name the op table's formulas call as a function (``tanh`` in ``1 - tanh(x)^2``,
    ``sign`` in ``sign(x)``), over the rows in ``OPS`` now (``define_op`` rows included), so that
    explanations typeset them as functions.

    >>> {"tanh", "sigmoid", "sign", "logsumexp"} <= formula_functions()
    True
    """
    global _functions_cache
    rows = tuple(OPS.values())
    if _functions_cache[0] != rows:
        names: set[str] = set()
        for row in rows:
            texts = [row.formula, *(row.local_formula(i, 2, 2.0) for i in range(row.arity or 2))]
            if row.readings is not None:
                texts += [row.reading(i, row.arity or 2, 2.0) for i in range(row.arity or 2)]
            names.update(name for text in texts for name in _CALLED.findall(text))
        _functions_cache = (rows, frozenset(names))
    return _functions_cache[1]


def _given_forward(xs: Sequence[float]) -> float:
    raise TypeError(
        "given: a node built with Value(data, children, local_grads) has no forward rule; its value "
        "is the data it was given"
    )


def _given_derivative(xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
    raise ValueError(
        f"grad(create_graph=True): {out!r} was built with Value(data, children, local_grads): its "
        "local derivatives are numbers, not a rule, so they have no derivatives of their own; "
        "define the op with autograd.define_op to differentiate through it twice"
    )


GIVEN = Op("given", None, _given_forward, _given_derivative, "f(x1, ..., xn)", lambda i, n: "given")
"""The row of a node built from explicit local derivatives, ``Value(data, children, local_grads)``:
its value and local derivatives are the numbers given, so it has no rules of its own. It is not
in ``OPS`` (nothing can apply it); ``op_named("given")`` finds it."""

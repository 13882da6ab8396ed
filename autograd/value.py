"""``Value``: a number that remembers how it was computed.

Each node has ``parents`` (the ordered inputs of the op that produced it, duplicates kept:
``a * a`` has two edges) and ``local_grads``, the local derivative d(node)/d(parent) for each of
them, as plain floats. Backpropagation then needs no closures at all:
``parent.grad += local * node.grad``. Nodes point only at their parents, never back, so a graph
holds no reference cycles and is freed as soon as the last reference to its output goes.

The layout is kept small for speed: a unary or binary node holds its parents and local
derivatives in four slots (``_p0``, ``_p1``, ``_d0``, ``_d1``) rather than in two tuples, so
the garbage collector has one object per node to track instead of three; an n-ary node keeps
them as two tuples in ``_p1`` and ``_d1`` (its ``_p0`` is None). ``parents`` and
``local_grads`` are read-only views of the same values. Every node also records its creation
index, and graph walks order nodes by it: a node is always created after its parents.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Final, SupportsFloat

from .mode import _deferring_infinite, _recording
from .ops import GIVEN, OPS, Op

_isfinite = math.isfinite
_is_recording: Final = _recording.get  # bound once: one call per op, no attribute lookup
_counter: Final = itertools.count()  # creation order: parents always come first
_next_index = _counter.__next__

COMPILED: Final = not __file__.endswith(".py")
"""True when this module runs as compiled by mypyc (the optional build of setup.py)."""
_new = object.__new__  # interpreted, the fastest way to a node without running __init__; compiled,
# ``Value.__new__(Value)`` is (a direct call): the node makers below spell both

Number = int | float
# An argument the engine checks itself at run time (an int or float; a Fraction or NumPy scalar is
# turned into a float): anything with __float__ as far as the type checker goes. A protocol, so the
# compiled build (mypyc) adds no check of its own in front of the engine's clear messages.
Real = SupportsFloat


class Value:
    """A scalar node of a computation graph.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + 1
    >>> c.backward()
    >>> a.grad, b.grad
    (-3.0, 2.0)
    """

    __slots__ = ("_d0", "_d1", "_index", "_p0", "_p1", "_param", "_rule", "data", "grad", "label")

    data: float
    grad: float
    label: str
    """The node's name in pictures and explanations (``""`` for none)."""
    # A new node does not set _param (one store less on the hot path): ``param`` reads None
    # until it is set.
    _param: float | None
    # Unary: _p0, _d0 (and _p1 None). Binary: _p0, _p1, _d0, _d1. N-ary: _p0 None, _p1 and _d1
    # tuples. Leaf: _p0 and _p1 None. _d0/_d1 are set only where a parent is.
    _p0: Value | None
    _p1: Value | tuple[Value, ...] | None
    _d0: float
    _d1: float | tuple[float, ...]
    _index: int

    # The compiled build makes a node without running __init__ through Value.__new__(Value), and
    # hashes by identity with a __hash__ of its own; interpreted, the class is made again without
    # them below (object's are faster there).
    def __new__(cls, data: Any = 0.0, label: Any = "", local_grads: Any = None) -> Value:
        return super().__new__(cls)

    def __hash__(self) -> int:
        return id(self) >> 4

    def __init__(
        self,
        data: Real,
        label: str | Sequence[Value] = "",
        local_grads: Sequence[Real] | str | None = None,
    ) -> None:
        """``Value(data)`` or ``Value(data, label="a")`` makes a leaf. ``Value(data, children,
        local_grads)`` makes a node from explicit parents and local derivatives, one number
        d(node)/d(child) per child (microgpt's constructor); backward multiplies them in like any
        other node's.

        >>> a = Value(3.0); b = Value(4.0)
        >>> c = Value(a.data * b.data, (a, b), (b.data, a.data))  # c = a * b, by hand
        >>> c.backward(); a.grad, b.grad, c.op
        (4.0, 3.0, 'given')
        """
        if local_grads is not None or label.__class__ is not str:
            _given(self, data, label, local_grads)
            return
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._index = next(_counter)
        self._rule: Op | None = None
        self._p0 = self._p1 = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that produced this node, in order (``()`` for a leaf)."""
        a, b = self._p0, self._p1
        if a is None:
            return () if b is None else b  # type: ignore[return-value]
        return (a,) if b is None else (a, b)  # type: ignore[return-value]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        a, b = self._p0, self._p1
        if a is None:
            return () if b is None else self._d1  # type: ignore[return-value]
        return (self._d0,) if b is None else (self._d0, self._d1)  # type: ignore[return-value]

    @property
    def index(self) -> int:
        """The node's creation index: larger than that of every node it depends on."""
        return self._index

    # --- what produced this node --------------------------------------------------------------
    @property
    def op(self) -> str:
        """Name of the op that produced this node (``''`` for a leaf)."""
        return "" if self._rule is None else self._rule.name

    @property
    def rule(self) -> Op | None:
        """The op-table row that produced this node: forward, derivative and formulas."""
        return self._rule

    @property
    def param(self) -> float | None:
        """The op's constant parameter: the 3 of ``x ** 3``, the 2 of ``2 ** x``, or None."""
        try:
            return self._param
        except AttributeError:
            return None

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes no recorded op produced."""
        return self._rule is None

    def local_formula(self, index: int) -> str:
        """Text of d(self)/d(parents[index]), e.g. ``'1 - tanh(x)^2'``."""
        if self._rule is None:
            raise ValueError(f"{self!r} is a leaf: it has no local derivatives")
        return self._rule.local_formula(index, len(self.parents), self.param)

    # --- micrograd's names, for code written along its lecture (compatibility, not our API) -----
    @property
    def _prev(self) -> set[Value]:
        """micrograd's ``_prev``: the set of this node's parents."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's ``_op``: the op that produced this node, as a string (``''`` for a leaf)."""
        return self.op

    def _backward(self) -> None:
        """micrograd's ``_backward()``: this node's own step of backpropagation,
        ``parent.grad += local * self.grad`` for each of its parents (a leaf does nothing).

        >>> a = Value(2.0); b = Value(-3.0); c = a * b; c.grad = 1.0
        >>> c._backward(); a.grad, b.grad
        (-3.0, 2.0)
        """
        g = self.grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * g

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """In Jupyter, the last expression of a cell shows its graph (when ``viz`` can draw it)."""
        from .display import svg_for_display

        bundle = {"text/plain": repr(self)}
        svg = svg_for_display(self)
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle

    def __float__(self) -> float:
        return float(self.data)

    # --- comparisons: of .data, never recorded ----------------------------------------------
    # ``<``, ``<=``, ``>``, ``>=`` compare the numbers and return a bool, as PyTorch's do: a
    # comparison has no useful derivative, so it makes no node. ``==`` is NOT defined here: it
    # stays identity (and ``hash`` with it), so Values keep working as keys of sets and dicts,
    # which every graph walk relies on. Compare ``a.data == b.data`` for equal numbers.
    def __lt__(self, other: Operand) -> bool:
        """``self.data < other`` (a Value's ``.data``, or a number).

        >>> Value(1.0) < Value(2.0), Value(1.0) < 0.5, 0.5 < Value(1.0)
        (True, False, True)
        """
        o = _compared(other)
        return NotImplemented if o is None else self.data < o

    def __le__(self, other: Operand) -> bool:
        """``self.data <= other``.

        >>> Value(1.0) <= 1
        True
        """
        o = _compared(other)
        return NotImplemented if o is None else self.data <= o

    def __gt__(self, other: Operand) -> bool:
        """``self.data > other``.

        >>> max([Value(1.0, label="a"), Value(3.0, label="b")]).label
        'b'
        """
        o = _compared(other)
        return NotImplemented if o is None else self.data > o

    def __ge__(self, other: Operand) -> bool:
        """``self.data >= other``.

        >>> Value(2.0) >= Value(2.0), Value(2.0) == Value(2.0)   # == is identity
        (True, False)
        """
        o = _compared(other)
        return NotImplemented if o is None else self.data >= o

    # --- pickle and copy: graphs of any depth, without recursion (see autograd.copying) --------
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        from .copying import reduce_value

        return reduce_value(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        from .copying import deepcopy_value

        return deepcopy_value(self, memo)

    def __copy__(self) -> Value:
        from .copying import copy_value

        return copy_value(self)

    # --- arithmetic ---------------------------------------------------------------------------
    # +, - and * are the engine's hottest ops: their rows' forward and local derivatives are
    # written out inline, one Python call per op (tests/autograd/test_layout.py proves them
    # equal to the op table's rows, bit for bit); every other op goes through the table's
    # generic appliers below.
    def __add__(self, other: Operand) -> Value:
        """The add row (forward ``a + b``, local derivatives 1 and 1), inline."""
        if type(other) is not Value:
            other = _lift(other, "add")
        x = self.data
        y = other.data
        try:
            out = x + y
            finite = out - out == 0.0  # False for inf and nan
        except (TypeError, OverflowError):
            raise _data_error(_ADD, (x, y), None) from None
        if not finite:
            raise _overflow_error(_ADD, (x, y), None, out)
        node = Value.__new__(Value) if COMPILED else _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._index = next(_counter)
        if _is_recording():
            node._rule = _ADD
            node._p0 = self
            node._p1 = other
            node._d0 = node._d1 = 1.0
        else:
            node._rule = node._p0 = node._p1 = None
        return node

    def __radd__(self, other: Operand) -> Value:
        return _lift(other, "add").__add__(self)

    def __sub__(self, other: Operand) -> Value:
        """The sub row (forward ``a - b``, local derivatives 1 and -1), inline."""
        if type(other) is not Value:
            other = _lift(other, "sub")
        x = self.data
        y = other.data
        try:
            out = x - y
            finite = out - out == 0.0  # False for inf and nan
        except (TypeError, OverflowError):
            raise _data_error(_SUB, (x, y), None) from None
        if not finite:
            raise _overflow_error(_SUB, (x, y), None, out)
        node = Value.__new__(Value) if COMPILED else _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._index = next(_counter)
        if _is_recording():
            node._rule = _SUB
            node._p0 = self
            node._p1 = other
            node._d0 = 1.0
            node._d1 = -1.0
        else:
            node._rule = node._p0 = node._p1 = None
        return node

    def __rsub__(self, other: Operand) -> Value:
        return _lift(other, "sub").__sub__(self)

    def __mul__(self, other: Operand) -> Value:
        """The mul row (forward ``a * b``, local derivatives b and a), inline."""
        if type(other) is not Value:
            other = _lift(other, "mul")
        x = self.data
        y = other.data
        try:
            out = x * y
            finite = out - out == 0.0  # False for inf and nan
        except (TypeError, OverflowError):
            raise _data_error(_MUL, (x, y), None) from None
        if not finite:
            raise _overflow_error(_MUL, (x, y), None, out)
        node = Value.__new__(Value) if COMPILED else _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._index = next(_counter)
        if _is_recording():
            node._rule = _MUL
            node._p0 = self
            node._p1 = other
            node._d0 = y
            node._d1 = x
        else:
            node._rule = node._p0 = node._p1 = None
        return node

    def __rmul__(self, other: Operand) -> Value:
        return _lift(other, "mul").__mul__(self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _binary(_DIV, _lift(other, "div"), self)

    def __neg__(self) -> Value:
        return _unary(_NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(_ABS, self)

    def __pow__(self, exponent: Operand, modulo: object = None) -> Value:
        if modulo is not None:
            raise TypeError("pow: a modulo argument is not supported for Values")
        if isinstance(exponent, Value):
            return _binary(_VPOW, self, exponent)
        return _unary(_POW, self, _as_float(exponent, "pow"))

    def __rpow__(self, base: Real) -> Value:
        return _unary(_RPOW, self, _as_float(base, "rpow"))

    # --- functions ----------------------------------------------------------------------------
    def exp(self) -> Value:
        """e ** self.

        >>> round(Value(1.0).exp().data, 6)
        2.718282
        """
        return _unary(_EXP, self)

    def log(self) -> Value:
        """Natural logarithm (self must be > 0).

        >>> Value(1.0).log().data
        0.0
        """
        return _unary(_LOG, self)

    def sqrt(self) -> Value:
        """Square root (self must be >= 0; its derivative needs self > 0).

        >>> Value(9.0).sqrt().data
        3.0
        """
        return _unary(_SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent, stable for inputs of any size.

        >>> Value(1e308).tanh().data
        1.0
        """
        return _unary(_TANH, self)

    def sigmoid(self) -> Value:
        """Logistic function 1 / (1 + e^-x), stable for inputs of any size.

        >>> Value(0.0).sigmoid().data, Value(-1e308).sigmoid().data
        (0.5, 0.0)
        """
        return _unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); its derivative at 0 is taken as 0.

        >>> Value(-2.0).relu().data, Value(2.0).relu().data
        (0.0, 2.0)
        """
        return _unary(_RELU, self)

    def leaky_relu(self, slope: Real = 0.01) -> Value:
        """x for x > 0, else slope * x.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        return _unary(_LEAKY_RELU, self, _as_float(slope, "leaky_relu"))

    def softplus(self) -> Value:
        """log(1 + e^x), stable for inputs of any size.

        >>> round(Value(0.0).softplus().data, 6)
        0.693147
        """
        return _unary(_SOFTPLUS, self)

    # --- n-ary ops: one node, however many inputs ---------------------------------------------
    @staticmethod
    def sum(values: Iterable[Operand]) -> Value:
        """x1 + x2 + ... + xn as one node whose local derivatives are all 1.

        >>> s = Value.sum([Value(1.0), 2, Value(3.0)])
        >>> s.data, s.local_grads
        (6.0, (1.0, 1.0, 1.0))
        """
        return _nary(_SUM, tuple(values))

    @staticmethod
    def dot(weights: Iterable[Operand], inputs: Iterable[Operand]) -> Value:
        """w1*x1 + ... + wn*xn as one node: d/dw_i = x_i and d/dx_i = w_i.

        >>> d = Value.dot([Value(2.0), Value(3.0)], [4.0, 5.0])
        >>> d.data, d.local_grads
        (23.0, (4.0, 5.0, 2.0, 3.0))
        """
        weights, inputs = _pairs("dot", weights, inputs)
        return _nary(_DOT, (*weights, *inputs))

    @staticmethod
    def linear(weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand) -> Value:
        """w1*x1 + ... + wn*xn + b as one node, the pre-activation of a neuron (``weights`` and
        ``inputs``: lists or tuples, or any iterables, read once).

        Its parents are ``(w1..wn, x1..xn, b)`` and its local derivatives ``(x1..xn, w1..wn, 1)``.

        >>> z = Value.linear([Value(0.15), Value(0.20)], [0.05, 0.10], Value(0.35))
        >>> round(z.data, 6), z.local_grads
        (0.3775, (0.05, 0.1, 0.15, 0.2, 1.0))
        """
        if not (
            isinstance(weights, (list, tuple))
            and isinstance(inputs, (list, tuple))
            and len(weights) == len(inputs) > 0
        ):  # a generator, say, or lengths that differ
            weights, inputs = _pairs("linear", weights, inputs)
        return _nary(_LINEAR, (*weights, *inputs, bias))

    @staticmethod
    def logsumexp(values: Iterable[Operand]) -> Value:
        """log(e^x1 + ... + e^xn), computed stably; its local derivatives are the softmax.

        >>> lse = Value.logsumexp([Value(1000.0), Value(1000.0)])
        >>> round(lse.data, 6), [round(g, 9) for g in lse.local_grads]
        (1000.693147, [0.5, 0.5])
        """
        return _nary(_LOGSUMEXP, tuple(values))

    # --- gradients ----------------------------------------------------------------------------
    def backward(self, grad: Real = 1.0) -> None:
        """Backpropagate from this node: ``parent.grad += local * node.grad`` in reverse order.

        Leaf gradients accumulate across calls until zeroed; every other node of the graph
        holds the gradient of the latest call.
        """
        from .graph import backward

        backward(self, grad)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph.

        >>> x = Value(2.0); (x * x).detach().parents
        ()
        """
        return Value(self.data, self.label)


Operand = Value | Real


def _interpreted(cls: type[Value]) -> type[Value]:
    """``cls`` made again without ``__new__`` and ``__hash__``: interpreted, object's own are the
    faster ones (deleting ``__new__`` would not do: CPython would go on calling it with
    ``Value``'s arguments)."""
    own = vars(cls)
    namespace = {k: v for k, v in own.items() if k not in {"__new__", "__hash__", *own["__slots__"]}}
    return type(cls.__name__, cls.__bases__, namespace)


if not COMPILED:
    Value = _interpreted(Value)  # type: ignore[misc]

# The rows each method applies, looked up once.
_ADD: Final = OPS["add"]
_SUB: Final = OPS["sub"]
_MUL: Final = OPS["mul"]
_DIV, _VPOW = (OPS[n] for n in ("div", "vpow"))
_NEG, _ABS, _POW, _RPOW = (OPS[n] for n in ("neg", "abs", "pow", "rpow"))
_EXP, _LOG, _SQRT, _TANH, _SIGMOID = (OPS[n] for n in ("exp", "log", "sqrt", "tanh", "sigmoid"))
_RELU, _LEAKY_RELU, _SOFTPLUS = (OPS[n] for n in ("relu", "leaky_relu", "softplus"))
_SUM, _DOT, _LINEAR, _LOGSUMEXP = (OPS[n] for n in ("sum", "dot", "linear", "logsumexp"))


def _as_float(x: Any, where: str) -> float:
    """``x`` as a finite float, or a clear error naming ``where`` and ``x``."""
    cls = type(x)
    value: float
    if cls is float:
        value = x
    elif cls is int or (isinstance(x, numbers.Real) and not isinstance(x, (Value, bool))):
        try:
            value = float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {_shown(x)} is too large for a float") from None
    else:
        raise TypeError(f"{where}: expected a Value, int or float, got {type(x).__name__} {_shown(x)}")
    if not _isfinite(value):
        raise ValueError(f"{where}: got {value!r}; only finite numbers are allowed")
    return value


def _shown(x: object, limit: int = 80) -> str:
    """``repr(x)`` for an error message, at most ``limit`` characters (a huge int by its size)."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 200:
        return f"an int of about {int(x.bit_length() * math.log10(2)) + 1} digits"
    try:
        text = repr(x)
    except Exception:  # a repr that fails must not hide the real error
        text = f"<{type(x).__name__}>"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _compared(x: Any) -> Number | None:
    """What a comparison compares ``x`` by: a Value's data, a real number itself (not a bool);
    None for anything else (so Python raises its usual TypeError)."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    if isinstance(x, (int, float)):
        return x  # an int compares exactly, however big
    return float(x)


_MICROGRAD_OP = (
    "Value(data, children, op) is micrograd's internal way to record an op, where op is a string "
    "and the local derivatives live in a closure; chainrule records every op through its op table "
    "(autograd.OPS), its local derivatives as numbers: compute with operators and methods "
    "(a + b, a * b, a.tanh()), add an op of your own with autograd.define_op, or give the "
    "numbers: Value(data, children, local_grads). The second argument of Value is otherwise its "
    "label: Value(2.0, label='a')"
)


def _given(node: Value, data: Any, children: Any, local_grads: Any) -> None:
    """Fill ``node`` as ``Value(data, children, local_grads)`` asks, or raise an error naming the
    argument to change."""
    if isinstance(local_grads, str) or isinstance(children, set):
        raise TypeError(_MICROGRAD_OP)
    if isinstance(children, str):
        raise TypeError(
            "Value(data, label, local_grads): local_grads go with children, not a label: "
            "Value(data, children, local_grads), with children a tuple of Values"
        )
    if not isinstance(children, (tuple, list)):
        raise TypeError(
            f"Value: label must be a str, got {type(children).__name__} {_shown(children)} (or, for "
            "Value(data, children, local_grads), children must be a tuple of Values)"
        )
    if local_grads is None:
        raise TypeError(
            "Value(data, children) needs the local derivatives too: Value(data, children, "
            "local_grads), one number d(node)/d(child) per child"
        )
    if not isinstance(local_grads, (tuple, list)):
        raise TypeError(
            f"Value(data, children, local_grads): local_grads must be a tuple of numbers, one per "
            f"child, got {type(local_grads).__name__} {_shown(local_grads)}"
        )
    if len(local_grads) != len(children):
        raise ValueError(
            f"Value(data, children, local_grads): len(children) is {len(children)} but len(local_grads) is "
            f"{len(local_grads)}; give one number d(node)/d(child) per child"
        )
    for i, child in enumerate(children):
        if not isinstance(child, Value):
            raise TypeError(
                f"Value(data, children, local_grads): children[{i}] is {type(child).__name__} "
                f"{_shown(child)}, not a Value (wrap a constant as Value(number))"
            )
    locals_ = tuple(
        _as_float(g, f"Value(data, children, local_grads): local_grads[{i}]")
        for i, g in enumerate(local_grads)
    )
    node.data = _as_float(data, "Value")
    node.grad = 0.0
    node.label = ""
    node._index = next(_counter)
    if children and _is_recording():
        node._rule = GIVEN
        node._p0 = None
        node._p1 = tuple(children)
        node._d1 = locals_
    else:  # no children, or made while not recording: a leaf, as every op's result then is
        node._rule = node._p0 = node._p1 = None


def _leaf(data: float) -> Value:
    """A new leaf holding an already checked float (the fast twin of ``Value(data)``)."""
    node = Value.__new__(Value) if COMPILED else _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._index = next(_counter)
    node._rule = node._p0 = node._p1 = None
    return node


def _lift(x: Any, where: str) -> Value:
    """A Value as it is; a number as a constant leaf."""
    if isinstance(x, Value):
        return x
    if x.__class__ is not float or not _isfinite(x):
        x = _as_float(x, where)
    return _leaf(x)


def _lift_all(xs: Iterable[Any], where: str) -> tuple[Value, ...]:
    return tuple([_lift(x, where) for x in xs])


def _pairs(where: str, weights: Iterable[Any], inputs: Iterable[Any]) -> tuple[Sequence[Any], Sequence[Any]]:
    """``weights`` and ``inputs`` as sequences of equal, non-zero length (a generator or any
    other iterable is read once into a tuple), or an error naming the argument to change."""
    given: dict[str, Any] = {"weights": weights, "inputs": inputs}
    for name, items in given.items():
        if isinstance(items, (str, bytes, Value)) or not isinstance(items, Iterable):
            raise TypeError(
                f"{where}: {name} must be a list or tuple of Values or numbers, got "
                f"{type(items).__name__} {_shown(items)}"
            )
    w = weights if isinstance(weights, (list, tuple)) else tuple(weights)
    x = inputs if isinstance(inputs, (list, tuple)) else tuple(inputs)
    if len(w) != len(x):
        raise ValueError(f"{where}: {len(w)} weights but {len(x)} inputs")
    if not w:
        raise ValueError(f"{where}: needs at least one weight and input, got none")
    return w, x


# --- applying an op ------------------------------------------------------------------------------
# One mechanism, unrolled by arity because it is the engine's hot path: check the domain, run the
# row's forward on floats, and (when recording) store the parents and the row's local derivatives
# on the new node. A node made while not recording is a leaf.


def _node(out: float, op: Op | None) -> Value:
    """A new node holding ``out``; a leaf unless the caller fills in its parents."""
    node = Value.__new__(Value) if COMPILED else _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._index = next(_counter)
    node._rule = op
    return node


def _unary(op: Op, a: Value, param: float | None = None) -> Value:
    x = a.data
    xs = (x,)
    try:
        usable = _isfinite(x)  # data set after the Value was made is checked here
    except (TypeError, OverflowError):  # not a number, or an int too large for a float
        usable = False
    if not usable:
        raise _data_error(op, xs, param)
    if op.domain is not None and not op.accepts(xs, param):
        raise _domain_error(op, xs, param)
    try:
        out = op.forward(x) if param is None else op.forward(x, param)
    except (ArithmeticError, ValueError) as exc:
        raise _overflow_error(op, xs, param, exc) from None
    if not _isfinite(out):
        raise _overflow_error(op, xs, param, out)
    if not _is_recording():
        node = _node(out, None)
        node._p0 = node._p1 = None
        return node
    node = _node(out, op)
    rule = op.derivative
    if op.risky_locals or param is not None or isinstance(rule, tuple):
        (node._d0,) = _local_grads(op, xs, out, param)
    else:
        (node._d0,) = rule(x, out)
    node._p0 = a
    node._p1 = None
    if param is not None:
        node._param = param
    return node


def _binary(op: Op, a: Value, b: Any) -> Value:
    if type(b) is not Value:
        b = _lift(b, op.name)
    x = a.data
    y = b.data
    try:
        usable = _isfinite(x) and _isfinite(y)  # data set after the Value was made
    except (TypeError, OverflowError):  # not a number, or an int too large for a float
        usable = False
    if not usable:
        raise _data_error(op, (x, y), None)
    if op.domain is not None and not op.domain(x, y):
        raise _domain_error(op, (x, y), None)
    try:
        out = op.forward(x, y)
    except (ArithmeticError, ValueError) as exc:
        raise _overflow_error(op, (x, y), None, exc) from None
    if not _isfinite(out):
        raise _overflow_error(op, (x, y), None, out)
    if not _is_recording():
        node = _node(out, None)
        node._p0 = node._p1 = None
        return node
    node = _node(out, op)
    rule = op.derivative
    if isinstance(rule, tuple):
        node._d0, node._d1 = rule
    elif op.risky_locals:
        node._d0, node._d1 = _local_grads(op, (x, y), out, None)
    else:
        node._d0, node._d1 = rule(x, y, out)
    node._p0 = a
    node._p1 = b
    return node


def _nary(op: Op, parents: tuple[Any, ...]) -> Value:
    xs = [p.data for p in parents if p.__class__ is Value]
    if len(xs) != len(parents):  # numbers (or Value subclasses) among the inputs
        parents = _lift_all(parents, op.name)
        xs = [p.data for p in parents]
    if not parents:
        raise ValueError(f"{op.name}: needs at least one value, got none")
    try:
        out = op.forward(xs)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise _overflow_error(op, tuple(xs), None, exc) from None
    if not _isfinite(out):
        raise _overflow_error(op, tuple(xs), None, out)
    if not _is_recording():
        node = _node(out, None)
        node._p0 = node._p1 = None
        return node
    node = _node(out, op)
    node._p0 = None
    node._p1 = parents
    node._d1 = op.run_derivative(xs, out, None)
    return node


def _local_grads(op: Op, xs: tuple[float, ...], out: float, param: float | None) -> tuple[float, ...]:
    """The row's local derivatives, checked finite where the row says they may not be."""
    try:
        local_grads = op.run_derivative(xs, out, param)
        finite = not op.risky_locals or all(map(_isfinite, local_grads))
    except (ArithmeticError, ValueError):
        local_grads, finite = (), False
    if not finite and _deferring_infinite.get():  # the graph of a gradient: raise where it is used
        computed = local_grads or (math.inf,) * len(xs)
        return tuple(g if _isfinite(g) else math.inf for g in computed)
    if not finite:
        formulas = "; ".join(op.local_formula(i, len(xs), param) for i in range(len(xs)))
        raise ValueError(
            f"{op.name}: the local derivative is infinite at {_inputs_text(op, xs, param)} "
            f"({formulas}); compute it under no_grad() if you only need the value"
        )
    return local_grads


def _infinite_local_error(nodes: Iterable[Value], where: str) -> ValueError | None:
    """The error for the first of ``nodes`` whose recorded local derivative is infinite (one the
    graph of a gradient recorded), or None when there is none."""
    for node in nodes:
        rule = node._rule
        if rule is None or all(map(_isfinite, node.local_grads)):
            continue
        xs = tuple(p.data for p in node.parents)
        formulas = "; ".join(rule.local_formula(i, len(xs), node.param) for i in range(len(xs)))
        at = _inputs_text(rule, xs, node.param)
        return ValueError(
            f"{where}: the local derivative of {rule.name} is infinite at {at} "
            f"({formulas}): the graph of a gradient (grad(..., create_graph=True)) recorded it, and "
            "this pass multiplies by it; the derivative asked for does not exist as a float there"
        )
    return None


def _inputs_text(op: Op, xs: tuple[float, ...], param: float | None) -> str:
    if op.arity is None:
        text = f"inputs {_shown(list(xs))}"
    elif op.arity == 1:
        text = f"x = {_shown(xs[0])}"
    else:
        text = f"a = {_shown(xs[0])}, b = {_shown(xs[1])}"
    return text if param is None else f"{text}, p = {param!r}"


def _data_error(op: Op, xs: tuple[Any, ...], param: float | None) -> Exception:
    """An input whose ``.data`` is not a finite float: it was set after the Value was made
    (``Value(...)`` itself refuses such data)."""
    for x in xs:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            return TypeError(
                f"{op.name}: an input's .data is {type(x).__name__} {_shown(x)}, not a number "
                "(it was set after the Value was made)"
            )
    return ValueError(
        f"{op.name}: got {_inputs_text(op, xs, param)}; an input's .data is not a finite number "
        "(it was set after the Value was made); only finite numbers are allowed"
    )


def _overflow_error(op: Op, xs: tuple[float, ...], param: float | None, detail: object) -> Exception:
    if not all(type(x) is float and _isfinite(x) for x in xs):
        return _data_error(op, xs, param)
    if isinstance(detail, TypeError):
        return detail
    if isinstance(detail, Exception) and not isinstance(detail, OverflowError):
        kind = ZeroDivisionError if isinstance(detail, ZeroDivisionError) else ValueError
        return kind(
            f"{op.name}: got {_inputs_text(op, xs, param)}, where its forward rule fails "
            f"({type(detail).__name__}: {detail}); the input is outside the op's domain"
            + (" (define_op's domain= can say so)" if op.domain is None else "")
        )
    return OverflowError(
        f"{op.name}: got {_inputs_text(op, xs, param)}, and the result overflows a float ({detail})"
    )


def _domain_error(op: Op, xs: tuple[float, ...], param: float | None) -> Exception:
    message = f"{op.name}: got {_inputs_text(op, xs, param)}, but {op.name} needs {op.domain_text}"
    return op.domain_error(message)

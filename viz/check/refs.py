"""The reference language: how a worked-example file names the quantities it printed.

A quantity is a small arithmetic expression over references to the replayed graph:

- ``a_h1``, ``z_o1[2]`` — a node's value (``[2]``: sample 2 of a batch);
- ``w5'``, ``E''``, ``a_o1@2[1]``, ``E@stop`` — after one, two optimizer steps, or where a
  training loop stopped (``'`` is ``@1``);
- ``dE/dw5``, ``dE[1]/da_h1[1]``, ``∂a_h1/∂z_h1`` — a derivative (a side without a sample or
  step takes the other side's);
- ``m(w5)``, ``v(w5)``, ``mhat(w5)``, ``vhat(w5)`` — an optimizer's state after the step from
  ``w5``;
- numbers, ``+ - * / ^`` (or ``**``, ``·``, ``×``, ``−``), parentheses, ``sum max min`` of one
  or more arguments, and every function of one input in chainrule's op table: ``exp log sqrt
  sigmoid tanh relu abs softplus sin cos``, any op of ``autograd.define_op`` (``ln`` is ``log``,
  the natural logarithm).

>>> names = {"t1", "a_o1", "E", "w5"}
>>> parse("0.5 * (t1 - a_o1[1])^2", names.__contains__)
Apply(op='*', args=(Num(value=0.5), Apply(op='**', args=(Apply(op='-', args=(Ref(name='t1', sample=None, \
step=None), Ref(name='a_o1', sample=1, step=None))), Num(value=2.0)))))
>>> str(parse("dE/dw5 - 0.5*m(w5')", names.__contains__))
"dE/dw5 - 0.5 * m(w5')"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from autograd import OPS
from autograd.ops import Op

VARIADIC = {"sum", "max", "min"}  # the functions of one or more arguments
ALIASES = {"ln": "log"}  # the language's other names of op-table rows
STATES = {"m", "v", "mhat", "vhat", "velocity"}  # Adam's moments; SGD's momentum velocity
SAMPLE_PLACEHOLDER = 0  # ``[s]`` in an alias: the sample of the reference that uses it

When = int | str | None  # a step count, "stop", or None (the context's)


@dataclass(frozen=True)
class Num:
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True)
class Ref:
    """A name, with the sample (1-based) and the step it is taken at, when written."""

    name: str
    sample: int | None = None
    step: When = None

    def __str__(self) -> str:
        text = self.name
        if self.step == "stop":
            text += "@stop"
        elif isinstance(self.step, int) and self.step > 0:
            text += "'" * self.step if self.step <= 3 else f"@{self.step}"
        if self.sample is not None:
            text += "[s]" if self.sample == SAMPLE_PLACEHOLDER else f"[{self.sample}]"
        return text


@dataclass(frozen=True)
class Deriv:
    """d(top)/d(bottom)."""

    top: Ref
    bottom: Ref

    def __str__(self) -> str:
        return f"d{self.top}/d{self.bottom}"


@dataclass(frozen=True)
class State:
    """An optimizer's state (``m``, ``v``, ``mhat``, ``vhat``) after the step from ``of``."""

    which: str
    of: Ref

    def __str__(self) -> str:
        return f"{self.which}({self.of})"


@dataclass(frozen=True)
class Apply:
    """An operation applied to its arguments: arithmetic (``+ - * / **``, ``neg``) or a function call."""

    op: str
    args: tuple[Expr, ...]

    def __str__(self) -> str:
        if self.op == "neg":
            return f"-{_wrapped(self.args[0], 3)}"
        if self.op in _PRECEDENCE:
            level = _PRECEDENCE[self.op]
            left, right = self.args
            right_level = level + (0 if self.op == "**" else 1)
            left_level = level + (1 if self.op == "**" else 0)
            return f"{_wrapped(left, left_level)} {self.op} {_wrapped(right, right_level)}"
        return f"{self.op}({', '.join(str(a) for a in self.args)})"


Expr = Num | Ref | Deriv | State | Apply
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}


def _wrapped(e: Expr, level: int) -> str:
    inner = _PRECEDENCE.get(e.op, 5) if isinstance(e, Apply) else 5
    if isinstance(e, Apply) and e.op == "neg":
        inner = 3
    if isinstance(e, Num) and e.value < 0:
        inner = 3
    return f"({e})" if inner < level else str(e)


class ReferenceError_(ValueError):
    """A quantity that cannot be read; the message says where in the text."""


_NAME = r"[^\W\d]\w*"
_REF = rf"({_NAME})(?:\[(\d+|s)\])?('+|@(?:\d+|stop))?(?:\[(\d+|s)\])?"
_REF_RE = re.compile(_REF)
_DERIV_RE = re.compile(rf"[d∂]{_REF}\s*/\s*[d∂]{_REF}")
_NUMBER_RE = re.compile(r"(\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_NORMALISE = str.maketrans({"−": "-", "·": "*", "×": "*", "⋅": "*", "∗": "*", "–": "-"})


def _ref(groups: tuple[str | None, ...]) -> Ref:
    name, index, step, index_after = groups
    sample_text = index if index is not None else index_after
    sample = None
    if sample_text is not None:
        sample = SAMPLE_PLACEHOLDER if sample_text == "s" else int(sample_text)
    when: When = None
    if step and step.startswith("@"):
        when = "stop" if step == "@stop" else int(step[1:])
    elif step:
        when = len(step)  # one ' per step
    assert name is not None
    return Ref(name, sample, when)


class _Parser:
    def __init__(self, text: str, known: Callable[[str], bool]) -> None:
        self.source = text
        self.text = text.translate(_NORMALISE)
        self.pos = 0
        self.known = known

    def fail(self, what: str) -> ReferenceError_:
        return ReferenceError_(f"{what} at column {self.pos + 1} of {self.source!r}")

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, *tokens: str) -> str | None:
        self.skip()
        for token in tokens:
            if self.text.startswith(token, self.pos):
                return token
        return None

    def take(self, *tokens: str) -> str | None:
        token = self.peek(*tokens)
        if token is not None:
            self.pos += len(token)
        return token

    def parse(self) -> Expr:
        expr = self.sum()
        self.skip()
        if self.pos != len(self.text):
            raise self.fail("unexpected text")
        return expr

    def sum(self) -> Expr:
        left = self.product()
        while (op := self.take("+", "-")) is not None:
            left = Apply(op, (left, self.product()))
        return left

    def product(self) -> Expr:
        left = self.unary()
        while self.peek("**") is None and (op := self.take("*", "/")) is not None:
            left = Apply(op, (left, self.unary()))
        return left

    def unary(self) -> Expr:
        if self.take("-") is not None:
            return Apply("neg", (self.unary(),))
        if self.take("+") is not None:
            return self.unary()
        return self.power()

    def power(self) -> Expr:
        base = self.primary()
        if self.take("**", "^") is not None:
            return Apply("**", (base, self.unary()))
        return base

    def primary(self) -> Expr:
        self.skip()
        if self.take("(") is not None:
            inner = self.sum()
            if self.take(")") is None:
                raise self.fail("missing ')'")
            return inner
        if (number := _NUMBER_RE.match(self.text, self.pos)) is not None:
            self.pos = number.end()
            return Num(float(number.group(0)))
        deriv = _DERIV_RE.match(self.text, self.pos)
        if deriv is not None:
            groups = deriv.groups()
            top, bottom = _ref(groups[:4]), _ref(groups[4:])
            # A derivative, unless "d..." is itself a name (then it is divided by "d...").
            if not self.known("d" + top.name):
                self.pos = deriv.end()
                return Deriv(top, bottom)
        ref = _REF_RE.match(self.text, self.pos)
        if ref is None:
            raise self.fail("expected a number, a name or '('")
        name = ref.group(1)
        after = ref.end(1)
        functions = function_names()
        if self.text.startswith("(", after) and name not in functions and name not in STATES:
            near = difflib.get_close_matches(name, sorted(functions | STATES), n=3, cutoff=0.5)
            hint = f" (nearest: {', '.join(near)})" if near else ""
            raise self.fail(
                f"unknown function {name!r}{hint}; the language has {', '.join(sorted(functions))}"
            )
        if self.text.startswith("(", after):
            self.pos = after + 1
            if name in STATES:
                of = self.primary()
                if not isinstance(of, Ref):
                    raise self.fail(f"{name}(...) takes a parameter's name")
                if self.take(")") is None:
                    raise self.fail("missing ')'")
                return State(name, of)
            args = [self.sum()]
            while self.take(",") is not None:
                args.append(self.sum())
            if self.take(")") is None:
                raise self.fail("missing ')'")
            if name not in VARIADIC and len(args) != 1:
                raise self.fail(f"{name} takes one argument")
            return Apply(name, tuple(args))
        self.pos = ref.end()
        return _ref(ref.groups())


def function_names() -> set[str]:
    """The functions the language calls now: ``sum max min``, ``ln``, and every one-input row of
    the op table (``define_op``'s included)."""
    return VARIADIC | set(ALIASES) | {name for name in OPS if function_row(name)} - STATES


def function_row(name: str) -> Op | None:
    """The op-table row a function of one input names (``ln`` is ``log``), or None."""
    row = OPS.get(ALIASES.get(name, name))
    return row if row is not None and row.function_of_one else None


def parse(text: str, known: Callable[[str], bool]) -> Expr:
    """Read a quantity; ``known(name)`` tells a name such as ``dE`` (then ``dE/dw`` is a division)
    from the start of a derivative."""
    if not isinstance(text, str) or not text.strip():
        raise ReferenceError_(f"a quantity must be a non-empty string, got {text!r}")
    return _Parser(text, known).parse()


def refs_in(expr: Expr) -> list[Ref]:
    """Every reference in an expression, in order."""
    if isinstance(expr, Ref):
        return [expr]
    if isinstance(expr, Deriv):
        return [expr.top, expr.bottom]
    if isinstance(expr, State):
        return [expr.of]
    if isinstance(expr, Apply):
        return [r for a in expr.args for r in refs_in(a)]
    return []

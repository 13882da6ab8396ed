"""The arithmetic the ledger's rules run in: float64, as the engine computes, or 50 significant
digits (mpmath), to tell where float64 itself loses the digits a document printed (1 − σ(16)
cancels about nine of them).

A function of one input is a row of the op table (``autograd.OPS``, ``define_op`` rows too):
float64 runs the row's own forward rule, so the ledger's numbers are the engine's; the precise
arithmetic has its own exp, log, sqrt, tanh, sigmoid, relu and abs, and runs any other row in
float64."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import mpmath

from .refs import function_row

Real = Any  # a float, or an mpmath number in the precise arithmetic


@dataclass(frozen=True)
class Arithmetic:
    """Numbers from the file (``const``) and the functions the rules call."""

    name: str
    const: Callable[[float], Real]
    exp: Callable[[Real], Real]
    log: Callable[[Real], Real]
    sqrt: Callable[[Real], Real]
    tanh: Callable[[Real], Real]
    fsum: Callable[[Iterable[Real]], Real]
    own_functions: bool = True  # False: a function of one input is its row's float forward rule

    def sigmoid(self, x: Real) -> Real:
        """1 / (1 + e^-x), without overflow for any finite x."""
        return 1 / (1 + self.exp(-x)) if x >= 0 else self.exp(x) / (1 + self.exp(x))

    def _own_functions(self) -> dict[str, Callable[[Real], Real]]:
        return {
            "exp": self.exp,
            "log": self.log,
            "sqrt": self.sqrt,
            "tanh": self.tanh,
            "sigmoid": self.sigmoid,
            "relu": lambda x: x if x > 0 else self.const(0.0),
            "abs": abs,
        }

    def functions(self) -> dict[str, Callable[..., Real]]:
        """The functions a site formula may call (``viz.check.rules``)."""
        return {
            **self._own_functions(),
            "sign": lambda x: self.const(1.0 if x > 0 else -1.0 if x < 0 else 0.0),
            "step": lambda x: self.const(1.0) if x > 0 else self.const(0.0),
        }

    def apply(self, op: str, x: Real) -> Real:
        """The function of one input named ``op`` (a row of the op table, or ``ln``) at x."""
        row = function_row(op)
        if row is None:
            raise ValueError(f"unknown function {op}")
        own = self._own_functions().get(row.name) if self.own_functions else None
        if own is not None:
            return own(x)
        return self.const(row.forward(float(x)))


FLOAT64 = Arithmetic(
    "float64", float, math.exp, math.log, math.sqrt, math.tanh, math.fsum, own_functions=False
)

_context = mpmath.MPContext()
_context.dps = 50


def _real(function: Callable[[Real], Real]) -> Callable[[Real], Real]:
    """mpmath answers log(-1) with a complex number: a domain error here, as in ``math``."""

    def real(x: Real) -> Real:
        if x < 0 or (x == 0 and function is _context.log):
            raise ValueError("math domain error")
        return function(x)

    return real


PRECISE = Arithmetic(
    "50 significant digits",
    lambda x: _context.mpf(repr(float(x))),  # the decimal the file wrote, not its binary neighbour
    _context.exp,
    _real(_context.log),
    _real(_context.sqrt),
    _context.tanh,
    _context.fsum,
)

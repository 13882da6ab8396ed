"""The arithmetic the ledger's rules run in: float64, as the engine computes, or 50 significant
digits (mpmath), to tell where float64 itself loses the digits a document printed (1 − σ(16)
cancels about nine of them)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import mpmath

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

    def functions(self) -> dict[str, Callable[..., Real]]:
        """The functions a site formula may call (``viz.check.rules``)."""
        return {
            "sqrt": self.sqrt,
            "exp": self.exp,
            "log": self.log,
            "abs": abs,
            "step": lambda x: self.const(1.0) if x > 0 else self.const(0.0),
        }


FLOAT64 = Arithmetic("float64", float, math.exp, math.log, math.sqrt, math.tanh, math.fsum)

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

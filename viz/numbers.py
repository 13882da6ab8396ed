"""How numbers are written in pictures and explanations: one ``fmt`` option for both.

``fmt`` is a format spec (``".4f"``, ``".3e"``), a callable ``float -> str``, or None for the
default: ``digits`` decimals, switching to scientific notation for tiny or huge numbers so
that a gradient of 2.5e-05 does not print as 0.0000. In a node's box a number has at most
``BOX_CHARS`` characters (``fit``): fewer decimals, or a compact e-notation, when it is longer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

BOX_CHARS = 10
"""Most characters a number takes in a node's box (``-2.500e-05`` has 10)."""

Format: TypeAlias = str | Callable[[float], str] | None
"""A format spec such as ``".4f"``, a callable ``float -> str``, or None for the default."""


def number_formatter(fmt: Format, digits: int) -> Callable[[float], str]:
    """The function that writes a float for ``fmt``; None gives ``digits`` decimals.

    >>> number_formatter(None, 4)(0.741365), number_formatter(None, 4)(2.5e-05)
    ('0.7414', '2.500e-05')
    >>> number_formatter(".2f", 4)(-0.0), number_formatter(lambda x: f"<{x:g}>", 4)(2.0)
    ('0.00', '<2>')
    """
    if fmt is None:
        return lambda x: _auto(x, digits)
    if isinstance(fmt, str):
        try:
            format(1.5, fmt)
        except ValueError as exc:
            raise ValueError(
                f"fmt: {fmt!r} is not a format spec for floats ({exc}); try '.4f' or '.3e'"
            ) from None
        return lambda x: _no_minus_zero_text(format(x, fmt))
    if callable(fmt):
        return lambda x: _checked(fmt, x)
    raise TypeError(
        f"fmt: expected a format spec such as '.4f', a callable or None, got {type(fmt).__name__}"
    )


def _auto(x: float, digits: int) -> str:
    magnitude = abs(x)
    if x != 0.0 and (magnitude < 10.0 ** (2 - digits) or magnitude >= 1e9):
        return f"{x:.{max(digits - 1, 0)}e}"
    return _no_minus_zero_text(f"{x:.{digits}f}")


def _no_minus_zero_text(text: str) -> str:
    # -0.0, or a tiny negative that rounds to zero, would print as "-0.00": noise for a learner.
    if text.startswith("-") and not any(c in "123456789" for c in text.partition("e")[0]):
        return text[1:]
    return text


def _checked(fmt: Callable[[float], str], x: float) -> str:
    text = fmt(x)
    if not isinstance(text, str):
        raise TypeError(f"fmt: the callable must return a str, got {type(text).__name__} {text!r}")
    return text


def fit(text: str, x: float, width: int = BOX_CHARS) -> str:
    """``text`` (``x`` as written by a formatter), or when it is longer than ``width``
    characters ``x`` with as many significant digits as fit: fewer decimals, or a compact
    e-notation (``-2.27e-2``), whichever keeps more.

    >>> fit("0.7414", 0.7414), fit("-0.022740242", -0.022740242), fit("0.000438568", 0.000438568, 8)
    ('0.7414', '-0.0227402', '4.386e-4')
    >>> fit("123456789012.0000", 123456789012.0), fit("-2.500000e-05", -2.5e-05), fit("0.0000000", 0.0, 6)
    ('1.23457e11', '-2.5000e-5', '0.0000')
    """
    if len(text) <= width or x != x or x in (float("inf"), float("-inf")):
        return text
    best, most = "", -1
    for decimals in range(min(len(text), 17), -1, -1):
        fixed = _no_minus_zero_text(f"{x:.{decimals}f}")
        if len(fixed) <= width:
            best, most = fixed, _significant(fixed)
            break
    for digits in range(min(width, 17), 0, -1):
        compact = _compact_e(x, digits - 1)
        if len(compact) <= width:
            if digits > most and x != 0.0:
                best = compact
            break
    return best or text


def _significant(fixed: str) -> int:
    """How many significant digits a number in fixed notation shows: 0.0227 shows 3."""
    return len(fixed.lstrip("-").replace(".", "").lstrip("0"))


def _compact_e(x: float, decimals: int) -> str:
    """``x`` in e-notation without a plus sign or leading zeros in the exponent: 2.5e-5, 1.2e11."""
    mantissa, _, exponent = f"{x:.{decimals}e}".partition("e")
    return f"{mantissa}e{int(exponent)}"

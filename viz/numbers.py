"""How numbers are written in pictures and explanations: one ``fmt`` option for both.

``fmt`` is a format spec (``".4f"``, ``".3e"``), a callable ``float -> str``, or None for the
default: ``digits`` decimals, switching to scientific notation for tiny or huge numbers so
that a gradient of 2.5e-05 does not print as 0.0000.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

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

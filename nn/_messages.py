"""Error messages of bounded length, whatever the user's data: a few items, then "and N more".

>>> few(["a", "b", "c", "d"], limit=2)
"'a', 'b' and 2 more"
>>> short("x" * 100, width=12)
"'xxxxxxxx..."
"""

from __future__ import annotations

from collections.abc import Iterable

from autograd.value import _shown


def short(value: object, width: int = 60) -> str:
    """``repr(value)``, cut to about ``width`` characters (a 10 MB string stays readable; a huge
    int is given by its size; a repr that fails does not hide the error)."""
    return _shown(value, width)


def few(items: Iterable[object], limit: int = 5) -> str:
    """The first ``limit`` items (sorted by their text, so mixed types never fail), then how
    many more."""
    texts = sorted(short(item) for item in items)
    shown = ", ".join(texts[:limit])
    rest = len(texts) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown

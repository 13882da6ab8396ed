"""What the compiled build (``CHAINRULE_COMPILE=1``, see setup.py) does differently, for the tests
that meet it: its ``Value`` keeps ``.data`` and ``.grad`` as C doubles and ``.label`` as a str,
so a value of another kind is refused the moment it is assigned, where the interpreted engine
refuses it at the next op or pass, naming that op."""

from __future__ import annotations

from autograd.value import COMPILED

REFUSED_AT_ASSIGNMENT = "object expected"  # mypyc's "float object expected; got str", say


def assigned(obj: object, attr: str, value: object) -> bool:
    """Set ``obj.attr = value``: True when the engine took it (the interpreted engine takes
    anything), False after checking that the compiled build refused it with a TypeError."""
    if not COMPILED:
        setattr(obj, attr, value)
        return True
    try:
        setattr(obj, attr, value)
    except TypeError as refused:
        assert REFUSED_AT_ASSIGNMENT in str(refused)
        return False
    return True

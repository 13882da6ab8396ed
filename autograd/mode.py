"""Whether new operations record a graph: ``no_grad`` turns recording off.

The switch lives in a ``ContextVar``, so each thread (and each asyncio task) has its own: a
``no_grad`` block in one thread never stops another thread from recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_recording: ContextVar[bool] = ContextVar("chainrule_recording", default=True)

# True while grad(..., create_graph=True) builds the graph of a gradient: a local derivative that
# is infinite there (the second derivative of log at 1e-160, say) is recorded as infinite, and
# only a backward pass or grad that multiplies by it raises.
_deferring_infinite: ContextVar[bool] = ContextVar("chainrule_deferring_infinite", default=False)


def is_recording() -> bool:
    """True when new operations record their inputs and local derivatives.

    >>> is_recording()
    True
    """
    return _recording.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Compute values only: results have no parents and no local derivatives.

    >>> from autograd import Value, no_grad
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record a graph again, even inside ``no_grad``.

    >>> from autograd import Value
    >>> with no_grad(), enable_grad():
    ...     y = Value(2.0) * 3
    >>> y.op
    'mul'
    """
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)

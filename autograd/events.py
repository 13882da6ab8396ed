"""``BackwardEvent``: one edge of the backward pass, as ``autograd.backward_events`` yields it.

A module of its own so that it stays an ordinary dataclass in every build: the compiled build
(setup.py) compiles the graph walks, and a compiled frozen dataclass can be neither copied nor
pickled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value


@dataclass(frozen=True)
class BackwardEvent:
    """One step of backward: ``parent.grad += local * child.grad`` along one edge."""

    child: Value
    parent: Value
    index: int  # which of the child's parents: ``child.parents[index] is parent``
    local: float  # d(child)/d(parent)
    child_grad: float
    before: float  # the parent's gradient before this addition
    after: float  # ... and after it: ``before + local * child_grad``

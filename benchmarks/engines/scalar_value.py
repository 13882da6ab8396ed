"""The reference engine of the ``gpt`` benchmark: a scalar ``Value`` in the style microgpt made
common, written from its public description.

Each operation stores its children and its local gradients (one per child) in tuples at
construction; ``backward`` sorts the graph topologically with a recursive walk and a visited
set, then multiplies the local gradients in: ``child.grad += local * v.grad``. Division is
multiplication by ``other ** -1`` and subtraction is addition of ``-other``, as in that style.
"""

from __future__ import annotations

import math

Number = int | float


class ScalarValue:
    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(
        self, data: float, children: tuple[ScalarValue, ...] = (), local_grads: tuple[float, ...] = ()
    ) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: ScalarValue | Number) -> ScalarValue:
        other = other if isinstance(other, ScalarValue) else ScalarValue(other)
        return ScalarValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other: ScalarValue | Number) -> ScalarValue:
        other = other if isinstance(other, ScalarValue) else ScalarValue(other)
        return ScalarValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other: Number) -> ScalarValue:
        return ScalarValue(self.data**other, (self,), (other * self.data ** (other - 1),))

    def log(self) -> ScalarValue:
        return ScalarValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self) -> ScalarValue:
        return ScalarValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self) -> ScalarValue:
        return ScalarValue(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> ScalarValue:
        return self * -1

    def __radd__(self, other: Number) -> ScalarValue:
        return self + other

    def __sub__(self, other: ScalarValue | Number) -> ScalarValue:
        return self + (-other)

    def __rsub__(self, other: Number) -> ScalarValue:
        return other + (-self)

    def __rmul__(self, other: Number) -> ScalarValue:
        return self * other

    def __truediv__(self, other: ScalarValue | Number) -> ScalarValue:
        return self * other**-1

    def __rtruediv__(self, other: Number) -> ScalarValue:
        return other * self**-1

    def backward(self) -> None:
        topo: list[ScalarValue] = []
        visited: set[ScalarValue] = set()

        def build_topo(v: ScalarValue) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad

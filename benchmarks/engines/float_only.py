"""The floor of the ``gpt`` benchmark: numbers as objects that compute the forward pass and
record nothing (``backward`` does nothing), so a training step costs the model's own Python, the
float arithmetic and one object per result, and no engine work at all. No engine that makes a
Python object per operation can run the workload faster; the reference engine's time over this
one is the largest speed-up any such engine could show."""

from __future__ import annotations

import math
from typing import Any


def _data(x: Any) -> Any:
    return x.data if x.__class__ is FloatOnly else x


class FloatOnly:
    __slots__ = ("data", "grad")

    def __init__(self, data: float) -> None:
        self.data = data
        self.grad = 0.0

    def __add__(self, other: Any) -> FloatOnly:
        return FloatOnly(self.data + _data(other))

    __radd__ = __add__

    def __mul__(self, other: Any) -> FloatOnly:
        return FloatOnly(self.data * _data(other))

    __rmul__ = __mul__

    def __sub__(self, other: Any) -> FloatOnly:
        return FloatOnly(self.data - _data(other))

    def __rsub__(self, other: Any) -> FloatOnly:
        return FloatOnly(other - self.data)

    def __truediv__(self, other: Any) -> FloatOnly:
        return FloatOnly(self.data / _data(other))

    def __rtruediv__(self, other: Any) -> FloatOnly:
        return FloatOnly(other / self.data)

    def __pow__(self, p: float) -> FloatOnly:
        return FloatOnly(self.data**p)

    def __neg__(self) -> FloatOnly:
        return FloatOnly(-self.data)

    def exp(self) -> FloatOnly:
        return FloatOnly(math.exp(self.data))

    def log(self) -> FloatOnly:
        return FloatOnly(math.log(self.data))

    def relu(self) -> FloatOnly:
        return FloatOnly(self.data if self.data > 0 else 0.0)

    def backward(self) -> None:
        """Nothing: the floor has no gradients (every step's update is then zero)."""

"""The picture and the chain rule of one neuron, as shown in the README.

Run: python examples/neuron_picture.py  (writes docs/neuron.svg)
"""

from autograd import Value
from viz import explain, render


def neuron() -> tuple[Value, Value, list[Value]]:
    """The first neuron of the 2-2-2 worked example and its squared error E, backpropagated:
    E, the weight w1 and the inputs i1, i2."""
    w1, w2, b1 = Value(0.15, label="w1"), Value(0.20, label="w2"), Value(0.35, label="b1")
    i1, i2 = Value(0.05, label="i1"), Value(0.10, label="i2")
    z = Value.linear([w1, w2], [i1, i2], b1)
    z.label = "z_h1"
    a = z.sigmoid()
    a.label = "a_h1"
    e = 0.01 - a
    e.label = "e"
    E = 0.5 * e**2
    E.label = "E"
    E.backward()
    return E, w1, [i1, i2]


if __name__ == "__main__":
    E, w1, inputs = neuron()
    render(E, "docs/neuron.svg", inputs=inputs, highlight=w1, fmt=".4f")
    print(explain(E, w1))
    print()
    print(explain(E, w1, group=True))  # ½(t − a)² as one node: ∂E/∂a_h1 = a_h1 − t

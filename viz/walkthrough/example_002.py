"""Worked example 002: a 3-2-1 sigmoid network where only the output layer learns.

Input x = (2, 3, −1), target y = 1, loss C = (a − y)² (no ½); the gradients of the output
layer, one step of SGD (learning rate 0.1), one step of Adam as the document writes it (no bias
correction), and a second forward pass after the SGD step.
"""

from __future__ import annotations

from autograd import Value
from nn import MLP, SGD, Adam, squared_error

from ..check import check
from ..numbers import Format
from .model import Replay
from .recorder import Recorder, name_layer, name_parameters

TITLE = "A 3-2-1 network: output-layer gradients, SGD and Adam"
CODE = """\
net = MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid",
          weights=[[[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [[0.5, 0.2]]],
          biases=[[0.3, -0.1], [0.1]]).freeze("layers.0.*")   # only the output layer learns
C = squared_error(net([2, 3, -1]), 1.0)
C.backward()
SGD(net.parameters(), lr=0.1).step()     # or Adam(..., lr=0.1, bias_correction=False)"""

W1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]]
B1 = [0.3, -0.1]
W2 = [[0.5, 0.2]]
B2 = [0.1]
X = [2.0, 3.0, -1.0]
Y = 1.0
NAMES = {
    "layers.1.neurons.0.w.0": "W2_1",
    "layers.1.neurons.0.w.1": "W2_2",
    "layers.1.neurons.0.b": "b2",
}


def _network() -> MLP:
    net = MLP(
        3,
        [2, 1],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[W1, W2],
        biases=[B1, B2],
    ).freeze("layers.0.*")
    return net


def replay(fmt: Format = ".6f") -> Replay:
    """Replay the example with the library."""
    r = Recorder(fmt)
    net = _network()
    p = name_parameters(net, NAMES)
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X)]

    step = r.step("Step 1-2: forward pass")
    hidden = net.layers[0](x)
    assert isinstance(hidden, list)
    output = net.layers[1](hidden)
    assert isinstance(output, Value)  # a width-1 layer returns its one Value
    name_layer(hidden, ["z1", "z2"], ["a1", "a2"])
    name_layer([output], ["z_out"], ["a_out"])
    for node in (hidden[0].parents[0], hidden[1].parents[0], *hidden):
        r.put(step, node.label, node.data)
    r.put(step, "W2_1*a1", (p["W2_1"] * hidden[0]).data, "W2_1·a1")
    r.put(step, "W2_2*a2", (p["W2_2"] * hidden[1]).data, "W2_2·a2")
    r.put(step, "z_out", output.parents[0].data, formula="W2_1·a1 + W2_2·a2 + b2")
    r.put(step, "a_out", output.data, formula="sigmoid(z_out)")

    step = r.step("Step 3: loss C = (a − y)²")
    loss = squared_error(output, Y)
    assert isinstance(loss, Value)
    loss.label = "C"
    loss.parents[0].label = "a − y"
    r.put(step, "C", loss.data)
    r.figure("002-forward.svg", "The graph after the forward pass.", loss, inputs=x)
    r.watch(loss, SGD(net.parameters(), lr=0.1), inputs=x)

    loss.backward()
    step = r.step("Step 4: output-layer gradients", ["The hidden layer is frozen: it is not updated."])
    r.put(step, "dC/da", output.grad, "∂C/∂a", "2(a − y)")
    r.put(step, "da/dz", output.local_grads[0], "∂a/∂z", "a(1 − a)")
    for name in ("W2_1", "W2_2", "b2"):
        r.put(step, f"dC/d{name}", p[name].grad, f"∂C/∂{name}")
    r.explain(step, loss, p["W2_1"])
    r.figure("002-backward.svg", "After backward; the chain from W2_1 is highlighted.", loss, x, p["W2_1"])

    step = r.step("Step 5: one SGD step (lr 0.1)")
    SGD(net.parameters(), lr=0.1).step()
    for name in ("W2_1", "W2_2", "b2"):
        r.put(step, f"sgd {name}", p[name].data, name, "p − 0.1·∂C/∂p")

    step = r.step(
        "Step 5: one Adam step instead (lr 0.1, β1 0.9, β2 0.999, ε 1e-8), as the document writes it",
        ["The document's formula has no bias correction; with it, every step would be about 0.1."],
    )
    twin = _network()
    squared_error(twin(X), Y).backward()  # type: ignore[union-attr]
    adam = Adam(twin.parameters(), lr=0.1, betas=(0.9, 0.999), eps=1e-8, bias_correction=False)
    corrected_twin = _network()
    squared_error(corrected_twin(X), Y).backward()  # type: ignore[union-attr]
    corrected = Adam(corrected_twin.parameters(), lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    adam.step()
    corrected.step()
    for i, name in enumerate(("W2_1", "W2_2", "b2")):
        r.put(step, f"adam m {name}", adam.m[i], f"m of {name}", "0.9·0 + 0.1·g")
        r.put(step, f"adam v {name}", adam.v[i], f"v of {name}", "0.999·0 + 0.001·g²")
        r.put(step, f"adam {name}", adam.params[i].data, name, "p − lr·m/(√v + ε)")
        r.put(step, f"adam corrected {name}", corrected.params[i].data, f"{name}, bias-corrected Adam")

    step = r.step("Step 6: forward again after the SGD step")
    h = net.layers[0](X)
    assert isinstance(h, list)
    out = net.layers[1](h)
    assert isinstance(out, Value)
    r.put(step, "new W2_1*a1", (p["W2_1"] * h[0]).data, "W2_1·a1")
    r.put(step, "new W2_2*a2", (p["W2_2"] * h[1]).data, "W2_2·a2")
    r.put(step, "new z_out", out.parents[0].data, "z_out")
    r.put(step, "new a_out", out.data, "a_out")
    new_loss = squared_error(out, Y)
    assert isinstance(new_loss, Value)
    r.put(step, "new C", new_loss.data, "C after the step", "lower than before")
    return Replay("002", TITLE, __doc__ or "", CODE, r.steps, r.values, r.figures, check("002"), page=r.page)

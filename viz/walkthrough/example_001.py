"""Worked example 001: the classic 2-2-2 sigmoid network, one step of gradient descent by hand.

Inputs 0.05, 0.10; targets 0.01, 0.99; one bias shared per layer, kept fixed; the loss is
E_total = ½(t1 − o1)² + ½(t2 − o2)²; learning rate 0.5.
"""

from __future__ import annotations

from autograd import Value, grad
from nn import MLP, SGD, half_squared_error

from ..check import check
from ..numbers import Format
from .model import Replay
from .recorder import Recorder, local, name_half_squared_error, name_layer, name_parameters, textbook_names

TITLE = "The classic 2-2-2 network, one step by hand (biases kept fixed)"
CODE = """\
net = MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid",
          weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
          biases=[0.35, 0.60], shared_bias=True).freeze("*.b")
E_total = half_squared_error(net([0.05, 0.10]), [0.01, 0.99], reduction="sum")
E_total.backward()
SGD(net.parameters(), lr=0.5).step()"""


def replay(fmt: Format = ".9f") -> Replay:
    """Replay the example with the library."""
    r = Recorder(fmt)
    net = MLP(
        2,
        [2, 2],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[0.35, 0.60],
        shared_bias=True,
    ).freeze("*.b")
    p = name_parameters(net, textbook_names(net))
    x = [Value(0.05, label="i1"), Value(0.10, label="i2")]
    targets = [0.01, 0.99]

    step = r.step("Step 1: forward pass", ["z = w·x + b is one `linear` node; a = sigmoid(z)."])
    hidden = net.layers[0](x)
    assert isinstance(hidden, list)
    output = net.layers[1](hidden)
    assert isinstance(output, list)
    name_layer(hidden, ["z_h1", "z_h2"], ["a_h1", "a_h2"])
    name_layer(output, ["z_o1", "z_o2"], ["a_o1", "a_o2"])
    (a_h1, a_h2), (a_o1, a_o2) = hidden, output
    z_h1, z_o1 = a_h1.parents[0], a_o1.parents[0]
    for node, formula in (
        (z_h1, "w1·i1 + w2·i2 + b1"),
        (a_h1, "sigmoid(z_h1)"),
        (a_h2.parents[0], "w3·i1 + w4·i2 + b1"),
        (a_h2, "sigmoid(z_h2)"),
        (z_o1, "w5·a_h1 + w6·a_h2 + b2"),
        (a_o1, "sigmoid(z_o1)"),
        (a_o2.parents[0], "w7·a_h1 + w8·a_h2 + b2"),
        (a_o2, "sigmoid(z_o2)"),
    ):
        r.put(step, node.label, node.data, formula=formula)

    step = r.step("Step 2: loss", ["E_total = E_o1 + E_o2, each ½(target − output)²."])
    total = half_squared_error(output, targets, reduction="sum")
    assert isinstance(total, Value)
    total.label = "E_total"
    e_o1, e_o2 = total.parents  # the sum's terms: one ½(t − o)² per output
    e_o1.label, e_o2.label = "E_o1", "E_o2"
    name_half_squared_error(e_o1, "e_o1")  # e_o1 = t1 − a_o1
    name_half_squared_error(e_o2, "e_o2")
    r.put(step, "E_o1", e_o1.data, formula="½(0.01 − a_o1)²")
    r.put(step, "E_o2", e_o2.data, formula="½(0.99 − a_o2)²")
    r.put(step, "E_total", total.data, formula="E_o1 + E_o2")
    r.figure("001-forward.svg", "The graph after the forward pass (gradients still 0).", total, inputs=x)
    r.watch(total, SGD(net.parameters(), lr=0.5), inputs=x)

    total.backward()
    step = r.step("Step 3: output layer, w5 by the chain rule")
    r.put(step, "dE/da_o1", a_o1.grad, "∂E_total/∂a_o1", "a_o1 − t1")
    r.put(step, "da_o1/dz_o1", a_o1.local_grads[0], "∂a_o1/∂z_o1", "a_o1·(1 − a_o1)")
    r.put(step, "dz_o1/dw5", local(z_o1, p["w5"]), "∂z_o1/∂w5", "a_h1")
    r.put(step, "dE/dw5", p["w5"].grad, "∂E_total/∂w5", "product of the three")
    r.explain(step, total, p["w5"])

    step = r.step("Step 4: hidden layer, w1 by the chain rule", ["a_h1 feeds both outputs: two terms."])
    r.put(step, "dE_o1/da_h1", grad(e_o1, [a_h1])[0], "∂E_o1/∂a_h1")
    r.put(step, "dE_o2/da_h1", grad(e_o2, [a_h1])[0], "∂E_o2/∂a_h1")
    r.put(step, "dE/da_h1", a_h1.grad, "∂E_total/∂a_h1", "the sum of both")
    r.put(step, "da_h1/dz_h1", a_h1.local_grads[0], "∂a_h1/∂z_h1", "a_h1·(1 − a_h1)")
    r.put(step, "dz_h1/dw1", local(z_h1, p["w1"]), "∂z_h1/∂w1", "i1")
    r.put(step, "dE/dw1", p["w1"].grad, "∂E_total/∂w1")
    r.explain(step, total, p["w1"])
    r.figure("001-backward.svg", "After backward; the chain from w1 is highlighted.", total, x, p["w1"])

    step = r.step("Step 5: update w ← w − 0.5·∂E_total/∂w", ["The biases are frozen: not updated."])
    SGD(net.parameters(), lr=0.5).step()
    for k in range(1, 9):
        r.put(step, f"w{k}+", p[f"w{k}"].data, f"w{k}", "w − 0.5·∂E/∂w")
    r.put(step, "b1", p["b1"].data, "b1 (frozen)")
    r.put(step, "b2", p["b2"].data, "b2 (frozen)")

    step = r.step("Step 6: forward again with the new weights")
    again = half_squared_error(net(x), targets, reduction="sum")
    assert isinstance(again, Value)
    r.put(step, "E_total_new", again.data, "E_total after one step")
    return Replay("001", TITLE, __doc__ or "", CODE, r.steps, r.values, r.figures, check("001"), page=r.page)

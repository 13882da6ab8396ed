"""Worked example 000: a 2-2-1 sigmoid network trained on a mini-batch of two samples.

Both hidden neurons share ONE bias b1; the loss is the mean over the batch of ½(y − ŷ)²; one
step of gradient descent with learning rate 0.5, then sample 1 goes forward again.
"""

from __future__ import annotations

from autograd import Value, grad
from nn import MLP, SGD, half_squared_error

from ..check import check
from ..numbers import Format
from .model import Replay
from .recorder import Recorder, name_half_squared_error, name_layer, name_parameters, textbook_names

TITLE = "A 2-2-1 network on a mini-batch of two, with one shared hidden bias"
CODE = """\
net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid",
          weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45]]],
          biases=[0.35, 0.60], shared_bias=True)
E_total = half_squared_error([net(x) for x in X], [0.01, 0.99])   # the batch mean
E_total.backward()
SGD(net.parameters(), lr=0.5).step()"""

X = [[0.05, 0.10], [0.80, 0.20]]
Y = [0.01, 0.99]


def replay(fmt: Format = ".6f") -> Replay:
    """Replay the example with the library."""
    r = Recorder(fmt)
    net = MLP(
        2,
        [2, 1],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45]]],
        biases=[0.35, 0.60],
        shared_bias=True,
    )
    p = name_parameters(net, textbook_names(net))

    step = r.step("Step 1: forward pass, sample by sample", ["[s] marks the sample."])
    inputs, hiddens, outputs = [], [], []
    for s, x in enumerate(X, start=1):
        xs = [Value(x[0], label=f"i1[{s}]"), Value(x[1], label=f"i2[{s}]")]
        hidden = net.layers[0](xs)
        assert isinstance(hidden, list)
        y = net.layers[1](hidden)
        assert isinstance(y, Value)  # a width-1 layer returns its one Value
        name_layer(hidden, [f"z_h1[{s}]", f"z_h2[{s}]"], [f"a_h1[{s}]", f"a_h2[{s}]"])
        name_layer([y], [f"z_o1[{s}]"], [f"y[{s}]"])
        inputs += xs
        hiddens.append(hidden)
        outputs.append(y)
        for node in (hidden[0].parents[0], hidden[0], hidden[1].parents[0], hidden[1], y.parents[0]):
            r.put(step, node.label, node.data)
        r.put(step, f"y[{s}]", y.data, f"ŷ[{s}]", "sigmoid(z_o1)")

    total = half_squared_error(outputs, Y)  # the mean over the batch: (E[1] + E[2]) / 2
    assert isinstance(total, Value)
    total.label = "E_total"
    total.parents[0].label = "E[1]+E[2]"
    per_sample = list(total.parents[0].parents)  # mean = sum(E[s]) / 2
    for s, loss in enumerate(per_sample, start=1):
        loss.label = f"E[{s}]"
        name_half_squared_error(loss, f"e[{s}]")
        r.put(step, f"E[{s}]", loss.data, formula="½(y − ŷ)²")
    step = r.step("Step 2: the batch loss", ["E_total = (E[1] + E[2]) / 2: the mean over the batch."])
    r.put(step, "E_total", total.data, formula="(E[1] + E[2]) / 2")
    r.figure("000-forward.svg", "The batch graph after the forward pass.", total, inputs=inputs)
    r.watch(total, SGD(net.parameters(), lr=0.5), inputs=inputs)

    total.backward()
    step = r.step("Step 3 (A): the output layer's responsibility δ_o1 = ∂E[s]/∂z_o1, per sample")
    for s, (loss, y) in enumerate(zip(per_sample, outputs), start=1):
        z_o1 = y.parents[0]
        r.put(step, f"dE/dy[{s}]", grad(loss, [y])[0], f"∂E[{s}]/∂ŷ[{s}]", "ŷ − y")
        r.put(step, f"dy/dz_o1[{s}]", y.local_grads[0], f"∂ŷ[{s}]/∂z_o1[{s}]", "ŷ(1 − ŷ)")
        r.put(step, f"delta_o1[{s}]", grad(loss, [z_o1])[0], f"δ_o1[{s}]", "the product")
        r.put(step, f"dE/dw5[{s}]", grad(loss, [p["w5"]])[0], f"∂E[{s}]/∂w5", "δ_o1[s]·a_h1[s]")
    for name in ("w5", "w6", "b2"):
        r.put(step, f"dE_total/d{name}", p[name].grad, f"∂E_total/∂{name}", "mean over the batch")
    r.explain(step, total, p["w5"])

    step = r.step("Step 4 (B): the hidden layer's responsibilities δ_h, per sample")
    for s, (loss, hidden) in enumerate(zip(per_sample, hiddens), start=1):
        a_h1, a_h2 = hidden
        r.put(step, f"dE/da_h1[{s}]", grad(loss, [a_h1])[0], f"∂E[{s}]/∂a_h1[{s}]", "δ_o1·w5")
        r.put(step, f"da_h1/dz_h1[{s}]", a_h1.local_grads[0], f"∂a_h1[{s}]/∂z_h1[{s}]", "a_h1(1 − a_h1)")
        r.put(step, f"delta_h1[{s}]", grad(loss, [a_h1.parents[0]])[0], f"δ_h1[{s}]")
        r.put(step, f"delta_h2[{s}]", grad(loss, [a_h2.parents[0]])[0], f"δ_h2[{s}]")
        r.put(step, f"dE/dw1[{s}]", grad(loss, [p["w1"]])[0], f"∂E[{s}]/∂w1", "δ_h1[s]·i1[s]")
    for name in ("w1", "w2", "w3", "w4", "b1"):
        r.put(step, f"dE_total/d{name}", p[name].grad, f"∂E_total/∂{name}", "mean over the batch")
    step.notes.append(
        "b1 is shared: it feeds z_h1 and z_h2 in both samples, so its gradient sums four paths "
        "(the mean over the batch of δ_h1 + δ_h2), as the explanation below shows."
    )
    r.explain(step, total, p["b1"])
    r.explain(step, per_sample[0], p["w1"], method="deltas")
    r.figure("000-backward.svg", "After backward; the chain from b1 is highlighted.", total, inputs, p["b1"])

    step = r.step("Step 5: update every parameter, p ← p − 0.5·∂E_total/∂p")
    SGD(net.parameters(), lr=0.5).step()
    for name in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2"):
        r.put(step, f"{name}+", p[name].data, name, "p − 0.5·∂E_total/∂p")

    step = r.step("Step 6: sample 1 forward again")
    y_new = net(X[0])
    assert isinstance(y_new, Value)
    e_new = half_squared_error(y_new, Y[0])
    assert isinstance(e_new, Value)
    r.put(step, "y_new[1]", y_new.data, "ŷ[1] after the step")
    r.put(step, "E_new[1]", e_new.data, "E[1] after the step", "lower than before")
    return Replay("000", TITLE, __doc__ or "", CODE, r.steps, r.values, r.figures, check("000"), page=r.page)

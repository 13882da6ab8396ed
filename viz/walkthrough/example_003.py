"""Worked example 003: a 3-2-3 classifier, softmax with cross-entropy, and its training loop.

Input x = (1, 1, 1), target the first of 3 classes (index 0, one-hot t = (1, 0, 0)); sigmoid hidden layer,
logits out; loss L = −Σ t·ln softmax(z); gradient descent with learning rate 0.1, repeated
until L < 0.01 as the document's code does.
"""

from __future__ import annotations

from autograd import Value
from nn import MLP, SGD, cross_entropy, fit, softmax

from ..check import check
from ..numbers import Format
from .model import Replay
from .recorder import Recorder, name_layer

TITLE = "A 3-2-3 classifier: softmax, cross-entropy and the training loop"
CODE = """\
net = MLP(3, [2, 3], activation="sigmoid", output_activation="identity",
          weights=[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]]],
          biases=[[0.1, 0.1], [0.2, 0.2, 0.2]])
L = cross_entropy(net([1.0, 1.0, 1.0]), 0)    # class index 0, or the one-hot [1, 0, 0]
L.backward()
SGD(net.parameters(), lr=0.1).step()
fit(net, [x], [0], cross_entropy, SGD(net.parameters(), lr=0.1), epochs=10_000, stop_below=0.01)"""

W1 = [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]]
B1 = [0.10, 0.10]
W2 = [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]]
B2 = [0.20, 0.20, 0.20]
X = [1.0, 1.0, 1.0]
TARGET = 0


def _network() -> MLP:
    return MLP(
        3, [2, 3], activation="sigmoid", output_activation="identity", weights=[W1, W2], biases=[B1, B2]
    )


def replay(fmt: Format = ".6f") -> Replay:
    """Replay the example with the library."""
    r = Recorder(fmt)
    net = _network()
    for name, param in net.named_parameters():  # layers.L.neurons.J.w.K -> W{L+1}_{J+1}{K+1}
        parts = name.split(".")
        layer, row = int(parts[1]), int(parts[3])
        param.label = (
            f"W{layer + 1}_{row + 1}{int(parts[5]) + 1}" if parts[4] == "w" else f"b{layer + 1}_{row + 1}"
        )
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X)]

    step = r.step("Step 2: forward pass")
    hidden = net.layers[0](x)
    assert isinstance(hidden, list)
    logits = net.layers[1](hidden)
    assert isinstance(logits, list)
    name_layer(hidden, ["z2_1", "z2_2"], ["a2_1", "a2_2"])
    name_layer(logits, ["z3_1", "z3_2", "z3_3"], None)
    for node in (*(h.parents[0] for h in hidden), *hidden, *logits):
        r.put(step, node.label, node.data)
    for i, z in enumerate(logits, start=1):
        r.put(step, f"exp_z3_{i}", z.exp().data, f"e^z3_{i}")
    r.put(step, "sum_exp", Value.sum([z.exp() for z in logits]).data, "Σ e^z3")
    for i, prob in enumerate(softmax(logits), start=1):
        r.put(step, f"a3_{i}", prob.data, f"softmax_{i}", "e^z3_i / Σ e^z3")

    step = r.step(
        "Step 3: cross-entropy loss", ["L = logsumexp(z3) − z3[target]: −ln softmax, computed stably."]
    )
    loss = cross_entropy(logits, TARGET)
    assert isinstance(loss, Value)
    loss.label = "L"
    loss.parents[0].label = "logsumexp(z3)"
    r.put(step, "L", loss.data, formula="−ln a3_1")
    r.figure("003-forward.svg", "The graph after the forward pass.", loss, inputs=x)
    r.watch(loss, SGD(net.parameters(), lr=0.1), inputs=x)

    loss.backward()
    step = r.step("Step 4: backward", ["δ3 = ∂L/∂z3 = a3 − t, the 'golden formula'."])
    for i, z in enumerate(logits, start=1):
        r.put(step, f"delta3_{i}", z.grad, f"δ3_{i}", "a3 − t")
    output_neurons = net.layers[1].neurons
    for j, neuron in enumerate(output_neurons, start=1):
        for k, w in enumerate(neuron.w, start=1):
            r.put(step, f"dW2_{j}{k}", w.grad, f"∂L/∂{w.label}", f"δ3_{j}·a2_{k}")
        assert neuron.b is not None
        r.put(step, f"db2_{j}", neuron.b.grad, f"∂L/∂{neuron.b.label}", f"δ3_{j}")
    for k, h in enumerate(hidden, start=1):
        r.put(step, f"W2T_delta3_{k}", h.grad, f"(W2ᵀδ3)_{k} = ∂L/∂a2_{k}")
        r.put(step, f"1-a2_{k}", (1 - h).data, f"1 − a2_{k}")
        r.put(step, f"sigma'_{k}", h.local_grads[0], f"σ'(z2_{k})", "a2(1 − a2)")
        r.put(step, f"delta2_{k}", h.parents[0].grad, f"δ2_{k} = ∂L/∂z2_{k}", "(W2ᵀδ3) ⊙ σ'")
    for j, neuron in enumerate(net.layers[0].neurons, start=1):
        for k, w in enumerate(neuron.w, start=1):
            r.put(step, f"dW1_{j}{k}", w.grad, f"∂L/∂{w.label}", f"δ2_{j}·x_{k}")
        assert neuron.b is not None
        r.put(step, f"db1_{j}", neuron.b.grad, f"∂L/∂{neuron.b.label}", f"δ2_{j}")
    r.explain(step, loss, net.layers[0].neurons[0].w[0], method="deltas")
    r.figure(
        "003-backward.svg",
        "After backward; the chain from W1_11 is highlighted.",
        loss,
        x,
        net.layers[0].neurons[0].w[0],
    )

    step = r.step("Step 5: one step of gradient descent (lr 0.1)")
    SGD(net.parameters(), lr=0.1).step()
    for j, neuron in enumerate(output_neurons, start=1):
        for k, w in enumerate(neuron.w, start=1):
            r.put(step, f"W2_{j}{k}+", w.data, w.label, "W − 0.1·∂L/∂W")
    again = cross_entropy(net(X), TARGET)
    assert isinstance(again, Value)
    r.put(step, "L_after_one_step", again.data, "L after one step")

    step = r.step(
        "Step 6: the training loop, until L < 0.01",
        ["As the document's code: each epoch computes L, stops if L < 0.01, else updates."],
    )
    trained = _network()
    history = fit(
        trained,
        [X],
        [TARGET],
        cross_entropy,
        SGD(trained.parameters(), lr=0.1),
        epochs=10_000,
        stop_below=0.01,
        progress=False,
    )
    r.put(step, "epochs", history.epochs, "epoch at which L < 0.01 (the loop's printed epoch)", integer=True)
    r.put(step, "final_L", history.loss[-1], "final loss")
    replay = Replay(
        "003", TITLE, __doc__ or "", CODE, r.steps, r.values, r.figures, check("003"), page=r.page
    )
    replay.loss_curve = history.loss
    return replay

"""The four worked examples, rebuilt with ``nn`` and checked against hand calculations.

The truth here is computed independently of the engine: each document's formulas written out
in plain floats (sigmoid, δ = "responsibility" terms, chain-rule products). No number printed
in a document is used as truth; the documents contain slips (see each test's note).
"""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, cross_entropy, fit, half_squared_error, squared_error

REL = 1e-12


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def close(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=REL, abs=1e-15)


# --- 000: 2-2-1, one shared hidden bias, mini-batch of 2, mean of ½(y - o)², SGD lr 0.5 ---------
EXAMPLE_000 = {
    "w": [0.15, 0.20, 0.25, 0.30, 0.40, 0.45],
    "b1": 0.35,
    "b2": 0.60,
    "X": [[0.05, 0.10], [0.80, 0.20]],
    "y": [0.01, 0.99],
}


def _example_000_net() -> MLP:
    w1, w2, w3, w4, w5, w6 = EXAMPLE_000["w"]
    return MLP(
        2,
        [2, 1],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[[[w1, w2], [w3, w4]], [[w5, w6]]],
        biases=[EXAMPLE_000["b1"], EXAMPLE_000["b2"]],
        shared_bias=True,
    )


def _example_000_by_hand(p: dict[str, float], x: list[float], y: float) -> dict[str, float]:
    """Forward values and this sample's gradients, as the document's δ method computes them."""
    ah1 = sig(p["w1"] * x[0] + p["w2"] * x[1] + p["b1"])
    ah2 = sig(p["w3"] * x[0] + p["w4"] * x[1] + p["b1"])
    o = sig(p["w5"] * ah1 + p["w6"] * ah2 + p["b2"])
    d_o = (o - y) * o * (1 - o)
    d_h1 = d_o * p["w5"] * ah1 * (1 - ah1)
    d_h2 = d_o * p["w6"] * ah2 * (1 - ah2)
    return {
        "ah1": ah1,
        "ah2": ah2,
        "o": o,
        "E": 0.5 * (y - o) ** 2,
        "w1": d_h1 * x[0],
        "w2": d_h1 * x[1],
        "w3": d_h2 * x[0],
        "w4": d_h2 * x[1],
        "w5": d_o * ah1,
        "w6": d_o * ah2,
        "b1": d_h1 + d_h2,
        "b2": d_o,
    }


def test_example_000_mini_batch_with_shared_bias() -> None:
    # Document slips this test exposes: dE/db1 is printed 0.00498 (averaged over the two hidden
    # neurons too; the shared bias collects BOTH neurons' δ, truth 0.0100011), E1 0.27483
    # (truth 0.2748111), y2 0.75798 (0.7579542), dE/dw6 0.02757 (0.0275421), and the second
    # pass 0.74363 / 0.26909 (0.7435448 / 0.2690440).
    names = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2"]
    p = dict(zip(names, EXAMPLE_000["w"] + [EXAMPLE_000["b1"], EXAMPLE_000["b2"]]))
    per_sample = [_example_000_by_hand(p, x, y) for x, y in zip(EXAMPLE_000["X"], EXAMPLE_000["y"])]
    mean_grad = {k: (per_sample[0][k] + per_sample[1][k]) / 2 for k in names}

    net = _example_000_net()
    outputs = [net(x) for x in EXAMPLE_000["X"]]
    per_sample_loss = half_squared_error(outputs, EXAMPLE_000["y"], reduction="none")
    loss = half_squared_error(outputs, EXAMPLE_000["y"])
    for out, e, truth in zip(outputs, per_sample_loss, per_sample):
        assert close(out.data, truth["o"]) and close(e.data, truth["E"])
    assert close(loss.data, (per_sample[0]["E"] + per_sample[1]["E"]) / 2)

    loss.backward()
    params = _example_000_params(net)
    for name in names:
        assert close(params[name].grad, mean_grad[name]), name

    SGD(net.parameters(), lr=0.5).step()
    updated = {k: p[k] - 0.5 * mean_grad[k] for k in names}
    for name in names:
        assert close(params[name].data, updated[name]), name
    again = _example_000_by_hand(updated, EXAMPLE_000["X"][0], EXAMPLE_000["y"][0])
    assert close(net(EXAMPLE_000["X"][0]).data, again["o"])
    assert close(half_squared_error(net(EXAMPLE_000["X"][0]), [EXAMPLE_000["y"][0]]).data, again["E"])
    assert again["E"] < per_sample[0]["E"]


def _example_000_params(net: MLP) -> dict[str, Value]:
    hidden, output = net.layers
    return {
        "w1": hidden.neurons[0].w[0],
        "w2": hidden.neurons[0].w[1],
        "w3": hidden.neurons[1].w[0],
        "w4": hidden.neurons[1].w[1],
        "w5": output.neurons[0].w[0],
        "w6": output.neurons[0].w[1],
        "b1": hidden.b,
        "b2": output.b,
    }


def test_example_000_shared_bias_is_one_parameter() -> None:
    net = _example_000_net()
    names = [name for name, _ in net.named_parameters()]
    assert names.count("layers.0.b") == 1 and len(names) == 8
    assert net.layers[0].neurons[0].b is net.layers[0].neurons[1].b is net.layers[0].b


# --- 001: 2-2-2, shared biases kept fixed, E_total = Σ ½(t - o)², SGD lr 0.5 --------------------
def test_example_001_two_outputs_with_fixed_biases() -> None:
    # Document slips: a_h1 printed 0.0593269992 (truth 0.5932699921), ∂a_o1/∂z_o1 0.18685062
    # (0.1868156018), ∂E_o1/∂a_h1 0.0055399425 and ∂E_o2/∂a_h1 -0.19049119 (each off by 10x);
    # every final result is right.
    i1, i2 = 0.05, 0.10
    w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    b1, b2 = 0.35, 0.60
    t1, t2 = 0.01, 0.99
    net = MLP(
        2,
        [2, 2],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[[w[0:2], w[2:4]], [w[4:6], w[6:8]]],
        biases=[b1, b2],
        shared_bias=True,
    ).freeze("*.b")
    assert net.frozen_names() == ["layers.0.b", "layers.1.b"]

    # by hand
    ah1 = sig(w[0] * i1 + w[1] * i2 + b1)
    ah2 = sig(w[2] * i1 + w[3] * i2 + b1)
    ao1 = sig(w[4] * ah1 + w[5] * ah2 + b2)
    ao2 = sig(w[6] * ah1 + w[7] * ah2 + b2)
    e_total = 0.5 * (t1 - ao1) ** 2 + 0.5 * (t2 - ao2) ** 2
    d_o1 = (ao1 - t1) * ao1 * (1 - ao1)
    d_o2 = (ao2 - t2) * ao2 * (1 - ao2)
    d_h1 = (d_o1 * w[4] + d_o2 * w[6]) * ah1 * (1 - ah1)
    d_h2 = (d_o1 * w[5] + d_o2 * w[7]) * ah2 * (1 - ah2)
    grads = [d_h1 * i1, d_h1 * i2, d_h2 * i1, d_h2 * i2, d_o1 * ah1, d_o1 * ah2, d_o2 * ah1, d_o2 * ah2]

    out = net([i1, i2])
    loss = half_squared_error(out, [t1, t2], reduction="sum")
    assert close(out[0].data, ao1) and close(out[1].data, ao2)
    assert close(loss.data, e_total)
    loss.backward()
    # the chain the document writes for w5: ∂E/∂a_o1 · ∂a_o1/∂z_o1 · ∂z_o1/∂w5
    z_o1 = out[0].parents[0]
    w5 = net.layers[1].neurons[0].w[0]
    assert close(out[0].grad, ao1 - t1)
    assert close(out[0].local_grads[0], ao1 * (1 - ao1))
    assert close(z_o1.local_grads[z_o1.parents.index(w5)], ah1)
    assert close(w5.grad, (ao1 - t1) * ao1 * (1 - ao1) * ah1)
    weights = [n.w[k] for layer in net.layers for n in layer.neurons for k in range(2)]
    assert all(close(p.grad, g) for p, g in zip(weights, grads))

    SGD(net.parameters(), lr=0.5).step()
    assert all(close(p.data, w0 - 0.5 * g) for p, w0, g in zip(weights, w, grads))
    assert net.layers[0].b.data == b1 and net.layers[1].b.data == b2  # frozen


# --- 002: 3-2-1, C = (a - y)², only the output layer trains; SGD and Adam (lr 0.1) --------------
EXAMPLE_002 = {"W1": [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], "b1": [0.3, -0.1], "W2": [0.5, 0.2], "b2": 0.1}
X2, Y2 = [2.0, 3.0, -1.0], 1.0


def _example_002_net() -> MLP:
    return MLP(
        3,
        [2, 1],
        activation="sigmoid",
        output_activation="sigmoid",
        weights=[EXAMPLE_002["W1"], [EXAMPLE_002["W2"]]],
        biases=[EXAMPLE_002["b1"], [EXAMPLE_002["b2"]]],
    ).freeze("layers.0.*")


def _example_002_by_hand() -> tuple[list[float], float, list[float]]:
    """Hidden activations, output, and the gradients of (W2_1, W2_2, b2)."""
    a1 = [
        sig(sum(w * x for w, x in zip(row, X2)) + b) for row, b in zip(EXAMPLE_002["W1"], EXAMPLE_002["b1"])
    ]
    a = sig(EXAMPLE_002["W2"][0] * a1[0] + EXAMPLE_002["W2"][1] * a1[1] + EXAMPLE_002["b2"])
    delta = 2 * (a - Y2) * a * (1 - a)
    return a1, a, [delta * a1[0], delta * a1[1], delta]


def test_example_002_sgd_updates_only_the_output_layer() -> None:
    # Document slip: dC/dW2 printed -0.0287 and -0.0572, half the truth (-0.0575363, -0.1143445):
    # the factor 2 of 2(a - y) was dropped there but kept for db2 = -0.199.
    a1, a, grads = _example_002_by_hand()
    net = _example_002_net()
    out = net(X2)
    loss = squared_error(out, Y2)
    assert close(out.data, a) and close(loss.data, (a - Y2) ** 2)
    loss.backward()
    trained = net.parameters()
    assert [name for name, _ in net.named_parameters() if not name.startswith("layers.0.")] == [
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.b",
    ]
    assert len(trained) == 3 and all(close(p.grad, g) for p, g in zip(trained, grads))
    before_hidden = [p.data for _, p in net.named_parameters()[:8]]
    SGD(trained, lr=0.1).step()
    new = [p0 - 0.1 * g for p0, g in zip(EXAMPLE_002["W2"] + [EXAMPLE_002["b2"]], grads)]
    assert all(close(p.data, v) for p, v in zip(trained, new))
    assert [p.data for _, p in net.named_parameters()[:8]] == before_hidden
    a_new = sig(new[0] * a1[0] + new[1] * a1[1] + new[2])
    assert close(squared_error(net(X2), Y2).data, (a_new - Y2) ** 2)
    assert (a_new - Y2) ** 2 < (a - Y2) ** 2


@pytest.mark.parametrize("bias_correction", [True, False])
def test_example_002_adam_first_step(bias_correction: bool) -> None:
    # The document's Adam step omits bias correction and also skips the division by
    # sqrt(v) + eps (printed 0.5003, 0.2006, 0.1021); see the module note.
    _, _, grads = _example_002_by_hand()
    net = _example_002_net()
    squared_error(net(X2), Y2).backward()
    trained = net.parameters()
    Adam(trained, lr=0.1, betas=(0.9, 0.999), eps=1e-8, bias_correction=bias_correction).step()
    for p, p0, g in zip(trained, EXAMPLE_002["W2"] + [EXAMPLE_002["b2"]], grads):
        m, v = 0.1 * g, 0.001 * g * g
        if bias_correction:
            m, v = m / (1 - 0.9), v / (1 - 0.999)
        assert close(p.data, p0 - 0.1 * m / (math.sqrt(v) + 1e-8))


# --- 003: 3-2-3, sigmoid hidden, softmax + cross-entropy, lr 0.1, trained until L < 0.01 ---------
W1_3 = [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]]
B1_3 = [0.10, 0.10]
W2_3 = [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]]
B2_3 = [0.20, 0.20, 0.20]
X3, T3 = [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]


def _example_003_net() -> MLP:
    return MLP(
        3,
        [2, 3],
        activation="sigmoid",
        output_activation="identity",
        weights=[W1_3, W2_3],
        biases=[B1_3, B2_3],
    )


def _example_003_step_by_hand(W1, b1, W2, b2):  # type: ignore[no-untyped-def]
    """One step of the document's numpy code, in plain floats: (loss, gradients)."""
    a2 = [sig(sum(w * x for w, x in zip(row, X3)) + b) for row, b in zip(W1, b1)]
    z3 = [sum(w * a for w, a in zip(row, a2)) + b for row, b in zip(W2, b2)]
    exps = [math.exp(z - max(z3)) for z in z3]
    a3 = [e / sum(exps) for e in exps]
    loss = -sum(t * math.log(a) for t, a in zip(T3, a3))
    d3 = [a - t for a, t in zip(a3, T3)]
    d2 = [sum(W2[k][j] * d3[k] for k in range(3)) * a2[j] * (1 - a2[j]) for j in range(2)]
    dW2 = [[d * a for a in a2] for d in d3]
    dW1 = [[d * x for x in X3] for d in d2]
    return loss, (dW1, d2, dW2, d3), a3


def test_example_003_softmax_cross_entropy_step() -> None:
    # Document slips: z3[2] printed 1.93240000 (truth 1.9334286), L 1.434 (1.4284395),
    # dW2[2][1] 0.364 (0.3633976).
    loss_true, (dW1, db1, dW2, db2), a3 = _example_003_step_by_hand(W1_3, B1_3, W2_3, B2_3)
    net = _example_003_net()
    logits = net(X3)
    loss = cross_entropy(logits, 0)
    assert close(loss.data, loss_true)
    assert loss.data == pytest.approx(cross_entropy(logits, T3).data, rel=1e-15)
    loss.backward()
    # the "golden formula" δ3 = a3 - t is the gradient at the logits
    assert all(close(z.grad, a - t) for z, a, t in zip(logits, a3, T3))
    hidden, output = net.layers
    for j, neuron in enumerate(output.neurons):
        assert all(close(w.grad, g) for w, g in zip(neuron.w, dW2[j])) and close(neuron.b.grad, db2[j])
    for j, neuron in enumerate(hidden.neurons):
        assert all(close(w.grad, g) for w, g in zip(neuron.w, dW1[j])) and close(neuron.b.grad, db1[j])


def test_example_003_training_loop_until_loss_below_threshold() -> None:
    # The document's loop in plain floats: epoch += 1, forward, stop if loss < 0.01, else update.
    W1 = [row[:] for row in W1_3]
    b1, W2, b2 = B1_3[:], [row[:] for row in W2_3], B2_3[:]
    epoch = 0
    while True:
        epoch += 1
        loss_true, (dW1, db1, dW2, db2), _ = _example_003_step_by_hand(W1, b1, W2, b2)
        if loss_true < 0.01:
            break
        W2 = [[w - 0.1 * g for w, g in zip(r, gr)] for r, gr in zip(W2, dW2)]
        b2 = [b - 0.1 * g for b, g in zip(b2, db2)]
        W1 = [[w - 0.1 * g for w, g in zip(r, gr)] for r, gr in zip(W1, dW1)]
        b1 = [b - 0.1 * g for b, g in zip(b1, db1)]

    net = _example_003_net()
    history = fit(
        net,
        [X3],
        [0],
        cross_entropy,
        SGD(net.parameters(), lr=0.1),
        epochs=10_000,
        stop_below=0.01,
        progress=False,
    )
    assert history.stopped_early and history.epochs == epoch
    assert history.loss[-1] == pytest.approx(loss_true, rel=1e-9)
    assert history.loss[-2] >= 0.01 > history.loss[-1]
    assert history.accuracy[-1] == 1.0
    final = [n.w[k].data for n in net.layers[1].neurons for k in range(2)]
    assert final == pytest.approx([w for row in W2 for w in row], rel=1e-9)

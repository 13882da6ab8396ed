"""Code written the way the micrograd lecture writes it, with only the imports changed: micrograd's
attribute names work, the pictures render, and where compatibility is impossible the error says
what to change. Every test asserts the numbers, not only that the code runs."""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from autograd import Value, no_grad
from nn import MLP, moons, signed
from viz import draw as draw_dot
from viz.engine import graphviz_pure_path


def lecture_neuron() -> dict[str, Value]:
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


def test_hand_stepped_backward_calls_give_the_lectures_numbers() -> None:
    v = lecture_neuron()
    v["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1x2w2", "x2w2", "x1w1"):
        v[name]._backward()
    # 1 - tanh(n)^2 = 0.5 at n = 0.8814: the numbers the lecture gets by hand
    assert v["n"].grad == pytest.approx(0.5)
    assert (v["x1"].grad, v["w1"].grad) == pytest.approx((-1.5, 1.0))
    assert (v["x2"].grad, v["w2"].grad) == pytest.approx((0.5, 0.0))


def test_build_topo_over_prev_matches_backward() -> None:
    v = lecture_neuron()
    topo: list[Value] = []
    visited: set[Value] = set()

    def build_topo(node: Value) -> None:
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                build_topo(child)
            topo.append(node)

    build_topo(v["o"])
    v["o"].grad = 1.0
    for node in reversed(topo):
        node._backward()
    by_hand = {k: node.grad for k, node in v.items()}
    w = lecture_neuron()
    w["o"].backward()
    assert by_hand == pytest.approx({k: node.grad for k, node in w.items()}, rel=1e-15)
    assert {p.label for p in v["n"]._prev} == {"x1*w1 + x2*w2", "b"}
    assert (v["o"]._op, v["n"]._op, v["x1"]._op) == ("tanh", "add", "")


@pytest.mark.parametrize("engine", ["PATH", "graphviz-pure"])
def test_draw_dot_render_writes_an_svg_with_either_engine(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = graphviz_pure_path() if engine == "graphviz-pure" else None
    if engine == "graphviz-pure":
        if program is None:
            pytest.skip("graphviz-pure is not installed for this platform")
        monkeypatch.setenv("CHAINRULE_DOT", program)
    elif not Path("/usr/bin/dot").exists():
        pytest.skip("no system Graphviz (CI installs it)")
    v = lecture_neuron()
    v["o"].backward()
    written = draw_dot(v["o"]).render(str(tmp_path / "gout"))
    assert written.endswith("gout.svg")
    svg = ET.parse(written).getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "0.7071" in texts and "x1*w1 + x2*w2" in texts  # o's value, a label the lecture gives
    assert draw_dot(v["o"], format="svg", rankdir="LR").source == draw_dot(v["o"]).source
    if engine == "graphviz-pure":
        with pytest.raises(ValueError, match=r"cannot render 'pdf'; it renders: .*svg"):
            draw_dot(v["o"], format="pdf")
        with pytest.raises(ValueError, match=r"cannot render 'pdf'"):
            draw_dot(v["o"]).render(str(tmp_path / "gout2"), format="pdf")  # asked for nothing
        assert not (tmp_path / "gout2.pdf").exists()


XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


class LectureNeuron:
    """The lecture's own classes, typed on our Value as a lecture follower would."""

    def __init__(self, nin: int) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x: list[float]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self) -> list[Value]:
        return self.w + [self.b]


class LectureLayer:
    def __init__(self, nin: int, nout: int) -> None:
        self.neurons = [LectureNeuron(nin) for _ in range(nout)]

    def __call__(self, x: list[float]) -> Value | list[Value]:
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class LectureMLP:
    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin] + nouts
        self.layers = [LectureLayer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]


def lecture_training_loop(n: Any, steps: int = 20) -> list[float]:
    """The lecture's loop, as typed in the lecture (with a fixed step count)."""
    losses = []
    for k in range(steps):
        # forward pass
        ypred = [n(x) for x in XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred))
        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        # update
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    return losses


def test_the_lectures_training_loop_runs_on_our_mlp_with_the_lectures_numbers() -> None:
    random.seed(42)
    theirs = LectureMLP(3, [4, 4, 1])
    random.seed(42)
    ours = MLP(3, [4, 4, 1], activations="tanh", bias_init="uniform")  # the lecture's MLP
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert isinstance(ours(XS[0]), Value)  # a width-1 output is a Value, as in the lecture
    expected = lecture_training_loop(theirs)
    got = lecture_training_loop(ours)
    assert got == pytest.approx(expected, rel=1e-9)
    assert got[-1] < 0.1 < got[0]  # it fits the four samples, as in the lecture
    # the trained predictions have the targets' signs
    assert [math.copysign(1.0, cast(Value, ours(x)).data) for x in XS] == YS


def test_a_list_output_in_arithmetic_says_what_to_change() -> None:
    listed = MLP(3, [4, 4, 1], seed=0, squeeze=False)  # the documented way to always get a list
    ypred = [listed(x) for x in XS]
    with pytest.raises(TypeError, match=r"list of 1 Value.*Index it \(out\[0\]\).*squeeze=False"):
        sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred))
    with pytest.raises(TypeError, match=r"\*: this is a list of 1 Value"):
        -1 * ypred[0]  # micrograd's demo: -yi * scorei; never a silently repeated list
    with pytest.raises(TypeError, match=r"-: this is a list of 2 Value"):
        MLP(3, [4, 2], seed=0)(XS[0]) - 1.0  # type: ignore[operator]
    assert [v.data for v in ypred[0] + ypred[1]] == [ypred[0][0].data, ypred[1][0].data]  # lists join


class MicrogradNeuron(LectureNeuron):
    """micrograd's packaged neuron: a zero bias, ReLU unless it is in the last layer."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: list[float]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act


class MicrogradMLP(LectureMLP):
    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin] + nouts
        self.layers = []
        for i in range(len(nouts)):
            layer = LectureLayer(0, 0)
            layer.neurons = [MicrogradNeuron(sz[i], nonlin=i != len(nouts) - 1) for _ in range(sz[i + 1])]
            self.layers.append(layer)


def moons_demo(model: Any, X: list[list[float]], y: Any, steps: int) -> list[tuple[float, float]]:
    """micrograd's demo loop: SVM max-margin loss, L2 regularisation, decaying SGD."""

    def loss() -> tuple[Value, float]:
        scores = list(map(model, X))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    history = []
    for k in range(steps):
        total_loss, acc = loss()
        for p in model.parameters():
            p.grad = 0.0
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, acc))
    return history


def test_micrograds_moons_demo_gives_the_same_losses_and_decision_boundary() -> None:
    X, labels = moons(40, noise=0.1, seed=3)
    y = signed(labels)
    random.seed(1337)
    theirs = MicrogradMLP(2, [16, 16, 1])
    random.seed(1337)
    model = MLP(2, [16, 16, 1])  # micrograd's demo line, unchanged
    assert [p.data for p in model.parameters()] == [p.data for p in theirs.parameters()]
    expected = moons_demo(theirs, X, y, steps=12)
    got = moons_demo(model, X, np.array(labels) * 2 - 1, steps=12)  # the demo's numpy labels
    assert [loss for loss, _ in got] == pytest.approx([loss for loss, _ in expected], rel=1e-9)
    assert [acc for _, acc in got] == [acc for _, acc in expected]
    assert got[-1][0] < got[0][0] and got[-1][1] > 0.8
    # the decision boundary: the demo's grid of scores, its sign compared point by point
    grid = [[-1.5 + 0.25 * i, -1.0 + 0.25 * j] for i in range(15) for j in range(10)]
    with no_grad():
        ours = [cast(Value, model(p)).data > 0 for p in grid]
    reference = [cast(Value, theirs(p)).data > 0 for p in grid]
    assert ours == reference and 0 < sum(ours) < len(grid)  # both classes appear on the plane
    with no_grad():  # the trained boundary separates the training points
        right = [(yi > 0) == (cast(Value, model(p)).data > 0) for p, yi in zip(X, y)]
    assert sum(right) / len(right) > 0.8


def test_micrographs_constructor_form_points_to_the_op_table() -> None:
    a, b = Value(2.0), Value(-3.0)
    with pytest.raises(TypeError, match=r"internal way.*op table \(autograd.OPS\).*autograd.define_op"):
        Value(a.data + b.data, (a, b), "+")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Value\(data, children\) needs the local derivatives too"):
        Value(5.0, (a, b))


def test_the_lectures_network_tanh_throughout_and_seeded_by_random_seed() -> None:
    random.seed(1337)
    a = MLP(3, [4, 4, 1], activations="tanh")
    random.seed(1337)
    b = MLP(3, [4, 4, 1], activations="tanh")
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [layer.activation for layer in a.layers] == ["tanh", "tanh", "tanh"]
    assert [p.data for p in MLP(3, [4, 4, 1], seed=1).parameters()] == [
        p.data for p in MLP(3, [4, 4, 1], seed=1).parameters()
    ]  # an explicit seed does not depend on the random module
    random.seed(7)
    c = MLP(3, [2, 1])
    random.seed(7)
    assert c.parameters()[0].data == random.uniform(-1.0, 1.0)  # micrograd's first draw, too


def test_the_migration_page_runs_cell_by_cell() -> None:
    """docs/from-micrograd.md follows the lecture's notebook; its code blocks run in order as
    one session, and their asserts check the lecture's numbers."""
    page = Path(__file__).resolve().parents[1] / "docs" / "from-micrograd.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 10
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
    loss = namespace["loss"]
    assert isinstance(loss, Value) and loss.data < 0.1


def test_the_lectures_own_trace_and_draw_dot_work_on_our_values() -> None:
    from graphviz import Digraph

    def trace(root: Any) -> tuple[set[Any], set[Any]]:
        nodes, edges = set(), set()

        def build(v: Any) -> None:
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)

        build(root)
        return nodes, edges

    def lecture_draw_dot(root: Any) -> Digraph:
        dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
        nodes, edges = trace(root)
        for n in nodes:
            uid = str(id(n))
            label = "{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad)
            dot.node(name=uid, label=label, shape="record")
            if n._op:
                dot.node(name=uid + n._op, label=n._op)
                dot.edge(uid + n._op, uid)
        for n1, n2 in edges:
            dot.edge(str(id(n1)), str(id(n2)) + n2._op)
        return dot

    v = lecture_neuron()
    v["o"].backward()
    nodes, edges = trace(v["o"])
    assert len(nodes) == 10 and len(edges) == 9
    source = lecture_draw_dot(v["o"]).source
    assert "{ o | data 0.7071 | grad 1.0000 }" in source
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in source
    assert source.count("label=tanh") == 1 and source.count("label=mul") == 2

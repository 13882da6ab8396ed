"""Code written the way the micrograd lecture writes it, with only the imports changed: micrograd's
attribute names work, the pictures render, and where compatibility is impossible the error says
what to change. Every test asserts the numbers, not only that the code runs."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value
from nn import MLP
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


def test_a_list_output_in_arithmetic_says_what_to_change() -> None:
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = MLP(3, [4, 4, 1], seed=0)
    ypred = [n(x) for x in xs]
    with pytest.raises(TypeError, match=r"list of 1 Value.*Index it \(out\[0\]\).*squeeze=True"):
        sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    with pytest.raises(TypeError, match="squeeze=True"):
        -1 * ypred[0]  # micrograd's demo: -yi * scorei; never a silently repeated list
    squeezed = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0, squeeze=True)
    losses = []
    for _ in range(20):
        ypred = [squeezed(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        assert isinstance(loss, Value)
        for p in squeezed.parameters():
            p.grad = 0.0
        loss.backward()
        for p in squeezed.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < losses[0] and all(math.isfinite(x) for x in losses)


def test_micrographs_constructor_form_points_to_the_op_table() -> None:
    a, b = Value(2.0), Value(-3.0)
    with pytest.raises(TypeError, match=r"micrograd's internal way.*op table \(autograd.OPS\)"):
        Value(a.data + b.data, (a, b), "+")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"micrograd's internal way"):
        Value(5.0, (a, b))  # type: ignore[arg-type]


def test_the_lectures_network_tanh_throughout_and_seeded_by_random_seed() -> None:
    import random

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

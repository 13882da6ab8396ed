"""An op added with ``define_op`` — one row, no other edit — is drawn, explained in every
format, typeset as a function, usable in ``nn`` as an activation by name and in a worked-example
file, where a forgotten local derivative of it is named."""

from __future__ import annotations

import math
import pickle

import pytest

from autograd import Value, define_op, grad, no_grad
from autograd.ops import formula_functions
from nn import MLP

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu_float(x: float) -> float:
    """GELU, tanh form, written independently of the row below."""
    return 0.5 * x * (1.0 + math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3)))


@pytest.fixture
def gelu() -> object:
    def derivative(x: object, out: object) -> tuple[object, ...]:
        from autograd import tanh

        u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)  # type: ignore[operator]
        t = tanh(u)
        du = SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)  # type: ignore[operator]
        return (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du,)  # type: ignore[operator]

    return define_op("gelu", gelu_float, derivative, formula="gelu(x)", local_formulas=("gelu'(x)",))


def test_it_is_drawn_with_its_formula(gelu: object) -> None:
    from viz import draw

    x = Value(0.7, label="x")
    y = gelu(x)  # type: ignore[operator]
    y.label = "y"
    svg = draw(y, formulas=True).pipe("svg", encoding="utf-8")
    assert "gelu(x)" in svg
    assert "gelu&#39;(x)" in svg or "gelu'(x)" in svg


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "html"])
def test_it_is_explained_in_every_format_with_the_right_number(gelu: object, fmt: str) -> None:
    from viz import explain

    x = Value(0.7, label="x")
    y = gelu(x)  # type: ignore[operator]
    y.label = "y"
    h = 1e-6
    numerical = (gelu_float(0.7 + h) - gelu_float(0.7 - h)) / (2 * h)
    assert grad(y, [x])[0] == pytest.approx(numerical, rel=1e-7)
    text = str(explain(y, x, format=fmt))  # type: ignore[arg-type]
    assert f"{numerical:.6f}" in text
    assert "gelu" in text


def test_its_name_is_typeset_as_a_function(gelu: object) -> None:
    from viz.explain_formats import latex_formula
    from viz.mathml import formula

    assert "gelu" in formula_functions()
    assert latex_formula("gelu(x)", (("x", "z1"),)) == "\\operatorname{gelu}(z_{1})"
    assert formula("gelu(x)", (("x", "z1"),)).startswith("<mi>gelu</mi>")


def test_it_is_an_activation_by_name_in_graph_floats_and_pickles(gelu: object) -> None:
    weights = [[[0.5, -0.3], [0.8, 0.1]], [[1.0, -1.0]]]
    net = MLP(2, [2, 1], activations=["gelu", "identity"], weights=weights, biases=[[0.1, -0.2], [0.0]])
    x = [0.4, -1.2]
    hidden = [gelu_float(sum(w * v for w, v in zip(row, x)) + b) for row, b in zip(weights[0], [0.1, -0.2])]
    expected = hidden[0] - hidden[1]
    out = net(x)
    assert isinstance(out, Value)
    assert [p.op for p in out.parents if not p.is_leaf] == ["gelu", "gelu"]
    assert out.data == pytest.approx(expected, rel=1e-12)
    with no_grad():
        assert net(x).data == out.data
    assert pickle.loads(pickle.dumps(net))(x).data == out.data


def test_an_op_with_a_domain_is_not_an_activation(gelu: object) -> None:
    define_op("safe_log", math.log, lambda x, out: (1.0 / x,), formula="safe_log(x)",
              local_formulas=("1/x",), domain=lambda x: x > 0, domain_text="x > 0")  # fmt: skip
    with pytest.raises(ValueError, match=r"unknown activation 'safe_log'.*'gelu'"):
        MLP(2, [1], activations="safe_log")


def test_it_is_a_function_of_a_worked_example_file(gelu: object) -> None:
    from viz.check import check

    a, b = 0.8, -1.5
    g = gelu_float(a)
    h = 1e-6
    dg_da = (gelu_float(a + h) - gelu_float(a - h)) / (2 * h)
    data = {
        "id": "gelu-graph",
        "title": "L = gelu(a) * b",
        "graph": {"inputs": {"a": a, "b": b}, "nodes": ["g = gelu(a)", "L = g * b"], "output": "L"},
        "training": {"steps": 0},
        "printed": [
            {"quantity": "g", "where": "forward", "printed": f"{g:.6f}"},
            {"quantity": "dL/da", "where": "backward", "printed": f"{b * dg_da:.6f}"},
        ],
    }
    right_value, right_grad = check(data).items
    assert (right_value.cls, right_grad.cls) == ("exact", "exact")
    assert right_grad.value == pytest.approx(b * dg_da, rel=1e-7)
    forgotten = {"quantity": "dL/da", "where": "backward", "printed": f"{b:.6f}"}  # as if gelu' = 1
    (wrong,) = check({**data, "printed": [forgotten]}).items
    assert wrong.cls == "conceptual" and wrong.mistake is not None
    # gelu is an activation (one input, no domain), so its derivative is an activation's: the
    # catalogue's first mistake that gives this number is the one named, as for a sigmoid.
    assert wrong.mistake.id == "activation_derivative_forgotten"


def test_it_is_a_layer_activation_of_a_worked_example_file(gelu: object) -> None:
    from viz.check import check
    from viz.walkthrough import build

    w, b, x, t, lr = 0.6, -0.2, 1.5, 0.25, 0.5
    z = w * x + b
    a = gelu_float(z)
    h = 1e-6
    da_dz = (gelu_float(z + h) - gelu_float(z - h)) / (2 * h)
    de_dw = 2 * (a - t) * da_dz * x
    data = {
        "id": "gelu-neuron",
        "title": "one gelu neuron",
        "network": {
            "inputs": 1,
            "input_names": ["x"],
            "layers": [{"activation": "gelu", "weights": [[w]], "bias": [b], "weight_names": [["w"]]}],
        },
        "data": {"inputs": [x], "targets": [t]},
        "loss": {"kind": "squared_error"},
        "optimizer": [{"kind": "sgd", "lr": lr}],
        "training": {"steps": 1},
        "printed": [
            {"quantity": "a1_1", "where": "forward", "printed": f"{a:.6f}"},
            {"quantity": "dE/dw", "where": "backward", "printed": f"{de_dw:.6f}"},
            {"quantity": "w'", "where": "update", "printed": f"{w - lr * de_dw:.6f}"},
        ],
    }
    report = check(data)
    assert [v.cls for v in report.items] == ["exact", "exact", "exact"]
    assert report.items[1].value == pytest.approx(de_dw, rel=1e-7)
    forgotten = {"quantity": "dE/dw", "where": "backward", "printed": f"{2 * (a - t) * x:.6f}"}
    (wrong,) = check({**data, "printed": [forgotten]}).items
    assert wrong.cls == "conceptual" and wrong.mistake is not None
    assert wrong.mistake.id == "activation_derivative_forgotten"
    program = build(data).program  # the walkthrough's program runs the gelu neuron on nn
    assert '"gelu"' in program
    namespace: dict[str, object] = {}
    exec(program, namespace)
    (weight, _) = namespace["net"].parameters()  # type: ignore[attr-defined]
    assert namespace["E"].data == pytest.approx((a - t) ** 2, rel=1e-12)  # type: ignore[attr-defined]
    assert weight.data == pytest.approx(w - lr * de_dw, rel=1e-7)

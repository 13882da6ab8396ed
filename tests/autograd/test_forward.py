"""Forward mode (``jvp``, ``jacobian``, ``tangents``) against reverse mode and against
derivatives worked out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, cos, grad, jacobian, jvp, sin, tangents, topological_order
from autograd.testing import Expression, assert_gradients, expressions, values


def _magnitude(output: Value, wrt: Value) -> float:
    """Σ over paths of |product of local derivatives|: the scale rounding errors are relative to."""
    size = {wrt: 1.0}
    for node in topological_order(output):
        if node is not wrt and not node.is_leaf:
            size[node] = sum(abs(d) * size.get(p, 0.0) for p, d in zip(node.parents, node.local_grads))
    return size.get(output, 0.0)


@settings(max_examples=300)
@given(expressions(max_depth=5, max_inputs=4, max_nodes=10))
def test_forward_and_reverse_agree_on_random_graphs(expression: Expression) -> None:
    f, inputs = expression
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    reverse = grad(out, leaves)
    for i, leaf in enumerate(leaves):
        direction = [1.0 if j == i else 0.0 for j in range(len(inputs))]
        value, forward = jvp(f, inputs, direction)
        assert value.data == out.data
        # plus a few subnormal units: the two modes round subnormal products in other orders
        tolerance = 1e-9 * max(abs(reverse[i]), _magnitude(out, leaf)) + 1e-322
        assert abs(forward - reverse[i]) <= tolerance, (i, forward, reverse[i])
    (row,) = jacobian(f, inputs, mode="forward")
    assert row == pytest.approx(reverse, rel=1e-9, abs=1e-12)
    assert_gradients(f, inputs)  # and both are right: central differences, independent of the rules


@given(values(-3, 3), values(-3, 3), values(-2, 2), values(-2, 2))
def test_jvp_is_the_directional_derivative_worked_by_hand(x: float, y: float, tx: float, ty: float) -> None:
    # f = x*y + sin(x) * y^2: df = (y + cos(x) y^2) tx + (x + 2 y sin(x)) ty
    out, d = jvp(lambda a, b: a * b + sin(a) * b**2, [x, y], [tx, ty])
    assert out.data == pytest.approx(x * y + math.sin(x) * y * y, rel=1e-12, abs=1e-12)
    expected = (y + math.cos(x) * y * y) * tx + (x + 2 * y * math.sin(x)) * ty
    assert d == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(values(-3, 3), values(0.5, 3))
def test_jacobian_of_a_vector_function_in_both_modes(x: float, y: float) -> None:
    def f(a: Value, b: Value) -> list[Value]:
        return [a * b, a / b, cos(a) + b.exp()]

    by_hand = [[y, x], [1 / y, -x / y**2], [-math.sin(x), math.exp(y)]]
    for mode in ("forward", "reverse"):
        jac = jacobian(f, [x, y], mode=mode)  # type: ignore[arg-type]
        assert [len(row) for row in jac] == [2, 2, 2]
        for row, expected in zip(jac, by_hand):
            assert row == pytest.approx(expected, rel=1e-12, abs=1e-12)
    outs, ds = jvp(f, [x, y], [1.0, -1.0])
    assert [o.data for o in outs] == pytest.approx([x * y, x / y, math.cos(x) + math.exp(y)])
    assert ds == pytest.approx([row[0] - row[1] for row in by_hand], rel=1e-12, abs=1e-12)


def test_forward_mode_runs_no_backward_pass() -> None:
    x = Value(0.5, label="x")
    y = Value(-1.5, label="y")
    out, d = jvp(lambda a, b: (a * b).tanh() + a, [x, y], [1.0, 0.0])
    assert all(node.grad == 0.0 for node in topological_order(out))  # nothing was backpropagated
    assert d == pytest.approx(-1.5 * (1 - math.tanh(-0.75) ** 2) + 1, rel=1e-12)
    found = tangents([out], {y: 1.0})
    assert x not in found and found[y] == 1.0  # only what depends on y moves


def test_an_input_the_output_ignores_gets_zero_and_the_output_may_be_an_input() -> None:
    assert jacobian(lambda a, b: a * 2, [1.0, 5.0], mode="forward") == [[2.0, 0.0]]
    assert jacobian(lambda a, b: a * 2, [1.0, 5.0], mode="reverse") == [[2.0, 0.0]]
    assert jvp(lambda a: a, [3.0], [2.0])[1] == 2.0


def test_misuse_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="jvp: 2 inputs but 1 tangents"):
        jvp(lambda a, b: a * b, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="mode must be 'forward' or 'reverse', got 'sideways'"):
        jacobian(lambda a: a, [1.0], mode="sideways")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="f must return a Value or a list of Values, got float"):
        jvp(lambda a: 1.0, [1.0], [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="not a Value"):
        jvp(lambda a: a, Value(1.0), [1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="got nan"):
        jvp(lambda a: a, [1.0], [math.nan])


@settings(max_examples=50)
@given(st.data())
def test_explain_forward_sums_to_the_gradient_on_random_graphs(data: st.DataObject) -> None:
    from viz import explain

    from ..viz.dags import graphs

    graph = data.draw(graphs())
    for wrt in graph.leaves:
        e = explain(graph.root, wrt, method="forward")
        assert e.matches
        if e.n_paths:
            assert e.tangents[0].value == 1.0 and e.tangents[-1].value == e.total
            _, d = jvp(lambda *xs: graph.root, graph.leaves, [1.0 if v is wrt else 0.0 for v in graph.leaves])
            assert e.total == d  # the same sums as autograd.tangents, in the same order
            for t in e.tangents[1:]:  # every τ is its terms' sum (up to rounding of the terms)
                terms = [tp * f.value for tp, f in t.terms]
                size = math.fsum(map(abs, terms))
                assert abs(t.value - math.fsum(terms)) <= 1e-12 * size + 1e-300


def test_explain_forward_in_every_format() -> None:
    from viz import explain

    x = Value(3.0, label="x")
    u = x * x
    u.label = "u"
    y = u + x
    y.label = "y"
    text = explain(y, x, method="forward", fmt=".1f").to_text()
    assert text.splitlines()[:4] == [
        "∂y/∂x in forward mode, from x up to y: τ of a node is ∂node/∂x, "
        "the sum over its inputs p of ∂node/∂p · τ_p",
        "  τ_x = 1 (x is the input: the seed)",
        "  τ_u = ∂u/∂x (input 1) · τ_x + ∂u/∂x (input 2) · τ_x = 3.0 × 1.0 + 3.0 × 1.0 = 6.0",
        "  τ_y = ∂y/∂u · τ_u + ∂y/∂x · τ_x = 1.0 × 6.0 + 1.0 × 1.0 = 7.0",
    ]
    assert "∂y/∂x = τ_y = 7.0" in text and text.endswith("✓")
    latex = explain(y, x, method="forward", format="latex")
    assert "\\tau_{u} &= \\frac{\\partial u}{\\partial x}_{[1]} \\, \\tau_{x}" in latex
    markdown = explain(y, x, method="forward", format="markdown")
    assert "in forward mode" in markdown and "\\tau_{y}" in markdown
    html = explain(y, x, method="forward", format="html")
    assert "<msub><mi>τ</mi><mi>y</mi></msub>" in html and "In forward mode" in html
    with pytest.raises(ValueError, match="'paths', 'deltas' or 'forward'"):
        explain(y, x, method="sideways")  # type: ignore[call-overload]


def test_explain_forward_escapes_every_name() -> None:
    from viz import explain

    x = Value(0.3, label="<img src=x onerror=alert(1)>")
    y = (x * x).tanh()
    y.label = "a&b_{c}"
    page = explain(y, x, method="forward").to_html()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and "a&amp;b" in page
    latex = explain(y, x, method="forward").to_latex()
    assert "\\tau_{\\mathrm{a\\&b\\_\\{c\\}}}" in latex

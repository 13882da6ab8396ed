"""``explain``: paths, factors, products, sums and responsibilities, by hand and at random."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings

from autograd import Value, grad, topological_order
from viz import Explanation, explain

from .dags import Graph, graphs


def worked_example() -> tuple[Value, dict[str, Value]]:
    """The classic 2-2-2 network (inputs 0.05, 0.10; targets 0.01, 0.99), squared error."""
    i1, i2 = Value(0.05, label="i1"), Value(0.10, label="i2")
    w = {
        f"w{k}": Value(v, label=f"w{k}")
        for k, v in enumerate([0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55], start=1)
    }
    b1, b2 = Value(0.35, label="b1"), Value(0.60, label="b2")

    def neuron(ws: list[Value], xs: list[Value], b: Value, name: str) -> Value:
        z = Value.linear(ws, xs, b)
        z.label = f"z_{name}"
        a = z.sigmoid()
        a.label = f"a_{name}"
        return a

    h1 = neuron([w["w1"], w["w2"]], [i1, i2], b1, "h1")
    h2 = neuron([w["w3"], w["w4"]], [i1, i2], b1, "h2")
    o1 = neuron([w["w5"], w["w6"]], [h1, h2], b2, "o1")
    o2 = neuron([w["w7"], w["w8"]], [h1, h2], b2, "o2")
    e1 = 0.5 * (0.01 - o1) ** 2
    e1.label = "E_o1"
    e2 = 0.5 * (0.99 - o2) ** 2
    e2.label = "E_o2"
    total = e1 + e2
    total.label = "E_total"
    return total, w


def test_the_worked_example_for_w5_one_path() -> None:
    total, w = worked_example()
    e = explain(total, w["w5"])
    assert e.n_paths == 1 and e.matches
    assert round(e.total, 9) == 0.082167041  # the published value
    values = {f.symbol: round(f.value, 6) for f in e.paths[0].factors}
    assert values["∂a_o1/∂z_o1"] == 0.186816  # a(1 - a)
    assert values["∂z_o1/∂w5"] == 0.593270  # a_h1
    text = str(e)
    assert text.startswith("∂E_total/∂w5 = ∂E_total/∂E_o1 · ")
    assert "× 0.186816 × 0.593270 = 0.082167\n" in text
    assert "∂a_o1/∂z_o1 = a_o1·(1 − a_o1) = 0.186816" in text
    assert "∂z_o1/∂w5 = a_h1 = 0.593270" in text
    assert text.endswith("check: autograd.grad(E_total, [w5]) gives 0.082167, the same as above ✓")


def test_the_worked_example_for_w1_two_paths_and_the_responsibilities() -> None:
    total, w = worked_example()
    e = explain(total, w["w1"])
    assert e.n_paths == 2
    assert [p.factors[-3].parent for p in e.paths] == ["a_h1", "a_h1"]
    assert {p.factors[1].child for p in e.paths} == {"E_o1", "E_o2"}
    assert round(e.total, 9) == 0.000438568  # the published value
    assert "∂E_total/∂w1 = 0.000668 + (-0.000230) = 0.000439" in str(e)

    d = explain(total, w["w1"], method="deltas")
    assert d.paths == () and d.matches and math.isclose(d.total, e.total, rel_tol=1e-12)
    delta = {x.node: x for x in d.deltas}
    assert round(delta["z_o1"].value, 6) == 0.138499  # δ_o1 of the worked examples
    assert len(delta["a_h1"].terms) == 2  # h1 feeds both outputs
    assert "δ_a_h1 = δ_z_o1 · ∂z_o1/∂a_h1 + δ_z_o2 · ∂z_o2/∂a_h1 = " in str(d)
    assert str(d).splitlines()[1] == "  δ_E_total = 1 (E_total is the output)"


def test_a_shared_sub_expression_gives_one_path_per_route() -> None:
    x = Value(3.0, label="x")
    u = x * x  # two edges from x
    u.label = "u"
    y = u + x
    y.label = "y"
    e = explain(y, x)
    assert [p.product for p in e.paths] == [3.0, 3.0, 1.0]
    assert e.total == e.gradient == 7.0
    assert [f.symbol for f in e.paths[0].factors] == ["∂y/∂u", "∂u/∂x (input 1)"]
    assert "∂u/∂x (input 2) = x = 3.000000" in str(e)


def test_no_path_and_the_output_itself() -> None:
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    out = (y * 2).tanh()
    out.label = "out"
    none = explain(out, x)
    assert (none.n_paths, none.total, none.gradient, none.matches) == (0, 0.0, 0.0, True)
    assert "out does not depend on x" in str(none)
    itself = explain(out, out)
    assert (itself.n_paths, itself.total, itself.gradient) == (1, 1.0, 1.0)
    assert str(itself).startswith("∂out/∂out = 1")


def test_grad_fields_are_not_used_or_touched() -> None:
    total, w = worked_example()
    w["w5"].grad = 123.0  # stale: explain must compute the gradient itself
    e = explain(total, w["w5"])
    assert e.matches and round(e.gradient, 9) == 0.082167041
    assert w["w5"].grad == 123.0 and total.grad == 0.0


def test_too_many_paths_is_a_clear_error_offering_the_responsibility_form() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(20):
        y = y + y  # doubles the number of paths
    message = r"1048576 paths from x to u20.*method='deltas'.*max_paths=1048576"
    with pytest.raises(ValueError, match=message):
        explain(y, x)
    d = explain(y, x, method="deltas")
    assert d.total == d.gradient == 2.0**20 and d.matches and d.n_paths == 2**20


def test_astronomical_path_counts_are_counted_not_walked() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(3000):
        y = (y + y) * 0.5  # twice the paths, the same value
    with pytest.raises(ValueError, match=r"about 10\^903 paths"):
        explain(y, x)
    d = explain(y.tanh(), x, method="deltas")
    assert d.matches


def test_a_long_chain_is_explained_without_recursion() -> None:
    x = Value(0.1, label="x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    e = explain(y, x)
    assert e.n_paths == 1 and len(e.paths[0].factors) == 5000 and e.total == 1.0


def test_unlabelled_nodes_get_short_names_and_duplicate_labels_a_number() -> None:
    a = Value(2.0)
    h1 = a.tanh()
    h1.label = "h"
    h2 = h1 * 3
    h2.label = "h"
    e = explain(h2 + 1, a)
    assert [f.symbol for f in e.paths[0].factors] == ["∂u1/∂h#2", "∂h#2/∂h#1", "∂h#1/∂c1"]
    assert e.output == "u1"  # the unlabelled sum; c2 and c3 are the constants 3 and 1


def test_generated_names_never_repeat_a_label_and_odd_names_are_parenthesised() -> None:
    x = Value(2.0, label="u1")
    n = x * 3 + x  # u1 is taken by the label: the unlabelled results are u2, u3
    e = explain(n, x)
    assert e.output == "u3" and {f.child for f in e.factors} == {"u2", "u3"}
    z = Value.linear([Value(0.5, label="w1")], [Value(2.0, label="x1")], 0.0)
    z.label = "x1*w1 + b"
    out = z.tanh()
    out.label = "n"
    assert explain(out, z).paths[0].factors[0].symbol == "∂n/∂(x1*w1 + b)"


@settings(max_examples=150)
@given(graph=graphs())
def test_factors_multiply_to_path_products_which_sum_to_the_gradient(graph: Graph) -> None:
    root = graph.root
    order = topological_order(root)
    for wrt in graph.leaves:
        expected = grad(root, [wrt])[0]
        n_paths = _count_paths(root, wrt)
        if n_paths > 500:
            with pytest.raises(ValueError, match="max_paths=500"):
                explain(root, wrt, max_paths=500)
        else:
            e = explain(root, wrt, max_paths=500)
            assert e.n_paths == len(e.paths) == n_paths
            for path in e.paths:
                _check_path(path.factors, order, root, wrt)
                assert math.isclose(
                    math.prod(f.value for f in path.factors), path.product, rel_tol=1e-12, abs_tol=0.0
                )
            _check_sum(e, [p.product for p in e.paths], expected)
        d = explain(root, wrt, method="deltas")
        assert d.n_paths == n_paths
        _check_sum(d, [d.total], expected)
        if n_paths:
            by_id = {x.node_id: x.value for x in d.deltas}
            for x in d.deltas:  # δ_node = Σ δ_child · ∂child/∂node (summed in the engine's order)
                if x.terms:
                    products = [by_id[f.child_id] * f.value for _, f in x.terms]
                    scale = sum(map(abs, products))
                    assert abs(x.value - math.fsum(products)) <= 1e-12 * scale
            assert grad(root, [order[d.deltas[-1].node_id]])[0] == pytest.approx(d.total)


def _count_paths(node: Value, target: Value) -> int:
    """Paths from ``target`` up to ``node``, counted the slow, obvious way (small graphs only)."""
    if node is target:
        return 1
    return sum(_count_paths(parent, target) for parent in node.parents)


def _check_path(factors: tuple, order: list[Value], root: Value, wrt: Value) -> None:
    """The factors chain from root down to wrt, each the recorded local derivative of an edge."""
    if not factors:
        assert root is wrt
        return
    assert order[factors[0].child_id] is root and order[factors[-1].parent_id] is wrt
    for upper, lower in itertools.pairwise(factors):
        assert upper.parent_id == lower.child_id
    for f in factors:
        child = order[f.child_id]
        assert child.parents[f.argument] is order[f.parent_id]
        assert f.value == child.local_grads[f.argument]


def _check_sum(e: Explanation, products: list[float], expected: float) -> None:
    scale = sum(abs(p) for p in products) + abs(expected)
    assert abs(math.fsum(products) - e.total) <= 1e-12 * scale
    assert abs(e.total - expected) <= 1e-9 * scale
    assert e.gradient == expected and e.matches


def test_arguments_are_checked() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match="must be Values"):
        explain(x, 1.0)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="method must be"):
        explain(x, x, method="both")  # type: ignore[call-overload]

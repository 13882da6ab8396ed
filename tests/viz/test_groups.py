"""Grouped nodes: a squared-error loss is explained as ONE node with its textbook derivative,
and a grouped explanation still sums to ``autograd.grad`` on random graphs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad, topological_order
from autograd.testing import values
from nn import half_squared_error, squared_error
from viz import explain
from viz.dot import element_ids
from viz.groups import find_groups
from viz.naming import node_names

from .dags import Graph, graphs


def neuron() -> tuple[Value, Value, Value]:
    w5 = Value(0.40, label="w5")
    a_h1 = Value(0.593269992, label="a_h1")
    z = Value.linear([w5], [a_h1], 0.6)
    z.label = "z_o1"
    o = z.sigmoid()
    o.label = "a_o1"
    return o, w5, z


def test_half_squared_error_reads_as_o_minus_t() -> None:
    o, w5, _ = neuron()
    e = half_squared_error(o, 0.01)
    assert isinstance(e, Value)
    e.label = "E"
    plain = explain(e, w5)
    grouped = explain(e, w5, group=True)
    assert [f.symbol for f in grouped.paths[0].factors] == ["∂E/∂a_o1", "∂a_o1/∂z_o1", "∂z_o1/∂w5"]
    assert len(plain.paths[0].factors) == 5  # mul, pow and sub as the engine recorded them
    first = grouped.paths[0].factors[0]
    assert first.formula == "a_o1 − 0.010000" and first.value == pytest.approx(o.data - 0.01, rel=1e-12)
    assert grouped.matches and grouped.total == pytest.approx(plain.total, rel=1e-12)


@pytest.mark.parametrize(
    ("make", "reading"),
    [
        (lambda o: (o - 0.3) ** 2, "2·(a_o1 − 0.300000)"),
        (lambda o: (0.3 - o) ** 2 * 0.5, "a_o1 − 0.300000"),
        (lambda o: squared_error(o, 0.3), "2·(a_o1 − 0.300000)"),
        (lambda o: 3 * (0.3 - o) ** 2, "6·(a_o1 − 0.300000)"),
    ],
)
def test_every_way_of_writing_a_squared_error_is_recognised(make: object, reading: str) -> None:
    o, w5, _ = neuron()
    e = make(o)  # type: ignore[operator]
    factor = explain(e, w5, group=True).paths[0].factors[0]
    assert (factor.parent, factor.formula) == ("a_o1", reading)


def test_a_difference_used_elsewhere_is_not_hidden() -> None:
    o, _, _ = neuron()
    d = 0.01 - o
    loss = 0.5 * d**2 + d  # d feeds the loss twice: grouping would hide a path
    assert find_groups(topological_order(loss)) == {}
    e = 0.5 * (0.01 - o) ** 2
    assert list(find_groups(topological_order(e))) == [e]
    inner = explain(e, e.parents[1].parents[0], group=True)  # wrt inside the loss: not grouped
    assert len(inner.paths[0].factors) == 2


@given(graph=graphs(), target=values(-2, 2), half=st.booleans())
def test_a_grouped_explanation_sums_to_the_gradient(graph: Graph, target: float, half: bool) -> None:
    loss = (0.5 if half else 1.0) * (target - graph.root) ** 2
    names = node_names(topological_order(loss))
    square = loss.parents[1]
    hidden = {names[square], names[square.parents[0]]}
    for wrt in graph.leaves:
        e = explain(loss, wrt, group=True, method="deltas")
        expected = grad(loss, [wrt])[0]
        assert e.matches and e.total == pytest.approx(expected, rel=1e-9, abs=1e-12)
        if e.n_paths:
            assert not hidden & ({f.child for f in e.factors} | {f.parent for f in e.factors})
            assert {f.parent for f in e.factors if f.child == names[loss]} == {names[graph.root]}


def test_cross_entropy_from_logits_reads_as_softmax_minus_the_target() -> None:
    from nn import cross_entropy

    z = [Value(v, label=f"z{j}") for j, v in enumerate((1.0, 2.0, 0.5), start=1)]
    loss = cross_entropy(z, 1)  # class index 1: the second logit
    assert isinstance(loss, Value)
    loss.label = "L"
    total = sum(math.exp(v.data) for v in z)
    for j, zj in enumerate(z, start=1):
        (factor,) = explain(loss, zj, group=True).paths[0].factors
        softmax = math.exp(zj.data) / total
        expected = softmax - 1.0 if j == 2 else softmax
        assert factor.value == pytest.approx(expected, rel=1e-12)
        assert factor.formula == (f"softmax_{j} − 1" if j == 2 else f"softmax_{j}")
    assert len(explain(loss, z[1]).paths) == 2  # ungrouped: through logsumexp and directly


def test_draw_groups_alike() -> None:
    from viz import draw

    o, w5, _ = neuron()
    e = half_squared_error(o, 0.01)
    assert isinstance(e, Value)
    e.label = "E"
    plain, grouped = draw(e).source, draw(e, group=True).source
    # five edges inside ½(t − o)² (from 0.5, t and o, and between mul, pow and sub) become one
    assert plain.count(" -> ") == grouped.count(" -> ") + 4
    tip = f'tooltip="∂E/∂a_o1 = a_o1 − 0.0100 = {o.data - 0.01:.4f}"'
    assert tip in grouped and "0.5·(0.0100 − a_o1)²" in grouped  # the group's formula, with names
    highlighted = draw(e, group=True, highlight=w5).source
    edge = next(line for line in highlighted.splitlines() if tip in line)
    assert "#d62728" in edge  # the chain from w5 runs through the grouped edge


def test_replay_groups_alike_and_ends_on_the_engines_gradients() -> None:
    from autograd import backward, zero_grad
    from viz import replay
    from viz.dot import element_ids

    o, _, _ = neuron()
    e = half_squared_error(o, 0.01)
    assert isinstance(e, Value)
    e.label = "E"
    page = replay(e, group=True)
    texts = [s.text for s in page.steps]
    assert any(t.startswith("a_o1.grad += ∂E/∂a_o1 × E.grad = ") for t in texts)
    assert any(t.startswith("E = 0.5·(0.0100 − a_o1)² = ") for t in texts)  # the group's forward step
    order = topological_order(e)
    ids, _ = element_ids(order)
    shown: dict[str, float] = {}
    for step in page.steps:
        for element, field, x in step.changes:
            if field == "grad":
                shown[element] = x
    zero_grad(e)
    backward(e)
    drawn = {ids[n]: n for n in order if ids[n] in page.nodes}
    assert len(drawn) == len(order) - 4  # 0.5, the target, pow and sub are inside the group
    assert all(shown.get(i, 0.0) == n.grad for i, n in drawn.items())
    assert len(page) < len(replay(e))


def _final_grads(page: object) -> dict[str, float]:
    shown: dict[str, float] = {}
    for step in page.steps:  # type: ignore[attr-defined]
        for element, field, x in step.changes:
            if field == "grad":
                shown[element] = x
    return shown


@given(graph=graphs(), target=values(-2, 2), nested=st.booleans())
def test_a_grouped_replay_ends_on_the_engines_gradients(graph: Graph, target: float, nested: bool) -> None:
    from autograd import backward, zero_grad
    from viz import replay
    from viz.dot import element_ids

    loss = (target - graph.root) ** 2
    if nested:  # the root of one group is the input of another
        loss = 0.5 * (loss - 0.2) ** 2
    page = replay(loss, group=True, max_nodes=None)
    order = topological_order(loss)
    ids, _ = element_ids(order)
    for step in page.steps:  # every step names only nodes the page draws
        assert step.node is None or step.node in page.nodes
        assert all(element in page.nodes for element, _, _ in step.changes)
    zero_grad(loss)
    backward(loss)
    shown = _final_grads(page)
    assert {i: shown[i] for i in page.nodes} == {ids[n]: n.grad for n in order if ids[n] in page.nodes}


def test_a_parameter_is_never_hidden_inside_a_group() -> None:
    from nn import SGD
    from viz import replay

    w = Value(0.5, label="w")
    t = Value(0.01)  # unlabelled, like a constant, but an optimizer trains it
    e = 0.5 * (t - w * 2.0) ** 2
    page = replay(e, group=True, optimizer=SGD([w, t], lr=0.1))
    ids, _ = element_ids(topological_order(e))
    assert ids[t] in page.nodes
    assert all(element in page.nodes for step in page.steps for element, _, _ in step.changes)

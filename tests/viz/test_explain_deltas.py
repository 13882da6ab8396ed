"""``explain(method="deltas")`` is linear in the number of edges, also into one node with many
inputs, and writes the same explanation as one formula per edge would."""

from __future__ import annotations

import re
import time

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad, topological_order
from viz import explain
from viz.naming import named_formula, node_names


def test_deltas_through_a_node_of_many_inputs_is_fast() -> None:
    # One Value.sum of 20,000 uses of x: the per-edge work used to rebuild the node's whole
    # argument table, about a minute at this size; linear, it is well under a second.
    x = Value(0.5, label="x")
    y = Value.sum([x] * 20_000)
    start = time.perf_counter()
    e = explain(y, x, method="deltas")
    text = str(e)
    assert time.perf_counter() - start < 10.0
    assert e.total == e.gradient == 20_000.0 and len(e.deltas[-1].terms) == 20_000
    assert text.count("(input 20000)") == 2  # in δ's terms and the table of local derivatives


@given(st.lists(st.integers(0, 3), min_size=1, max_size=12), st.integers(0, 3))
def test_each_factor_is_the_edges_own_formula(picks: list[int], wrt_index: int) -> None:
    leaves = [Value(0.25 * (i + 1), label=f"a{i}") for i in range(4)]
    ws = [Value(0.5 - 0.1 * k, label=f"w{k}") for k in range(len(picks))]
    inputs = [leaves[i] for i in picks]
    y = Value.dot(ws, inputs).tanh() + Value.sum(inputs)
    wrt = leaves[wrt_index]
    order = topological_order(y)
    names = node_names(order)
    e = explain(y, wrt, method="deltas")
    for f in e.factors:
        child = order[f.child_id]
        assert f.formula == named_formula(child, f.argument, names, e.number)
        assert f.repeated == (sum(p is order[f.parent_id] for p in child.parents) > 1)
        assert {k for k, _ in f.arguments} <= set(re.findall(r"[A-Za-z_]\w*", f.rule))  # only its own
    assert e.total == grad(y, [wrt])[0]  # bit for bit

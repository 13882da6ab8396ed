"""The public testing kit itself: its strategies draw what they promise, its assertions pass on
right gradients and fail, with a table naming the culprit, on wrong ones."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import find, given, settings

import nn
from autograd import OPS, Value, define_op, topological_order
from autograd.testing import (
    Expression,
    assert_gradients,
    assert_second_order,
    check_module,
    check_op,
    expressions,
    values,
)
from nn.testing import Network, networks


def test_the_network_strategy_is_nns_and_the_engines_old_names_alias_it() -> None:
    import autograd.testing

    assert autograd.testing.networks is networks and autograd.testing.Network is Network
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        autograd.testing.nope  # noqa: B018


def test_importing_the_kit_without_hypothesis_names_the_extra() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import autograd.testing"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "ImportError: autograd.testing needs hypothesis" in result.stderr
    assert "pip install 'chainrule[testing]'" in result.stderr
    plain = subprocess.run([sys.executable, "-c", code.replace("autograd.testing", "autograd")], check=False)
    assert plain.returncode == 0  # the engine itself does not need hypothesis


@given(values(-3, 3, avoid=(0.0, 1.0), gap=0.1))
def test_values_stay_in_range_and_away_from_kinks(x: float) -> None:
    assert -3 <= x <= 3 and abs(x) >= 0.1 and abs(x - 1.0) >= 0.1


@given(values(-5, 5, op="log"), values(-5, 5, op="relu"), values(-5, 5, op="pow", param=-1.0))
def test_values_for_an_op_stay_inside_its_domain_with_a_margin(a: float, b: float, c: float) -> None:
    assert a >= 1e-2 and abs(b) >= 1e-2 and abs(c) >= 1e-2


def test_values_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="min_value 2 is above max_value 1"):
        values(2, 1)
    with pytest.raises(ValueError, match="op 'mul' takes 2 inputs"):
        values(op="mul")
    with pytest.raises(ValueError, match="no op named 'nope'"):
        values(op="nope")


def _depth(root: Value, leaves: list[Value]) -> int:
    depth: dict[Value, int] = {}
    for node in topological_order(root):
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1) if not node.is_leaf else 0
    return depth[root]


@given(expressions(ops=["mul", "sin", "tanh", "add"], max_depth=3, max_inputs=2, max_nodes=6))
def test_expressions_respect_their_bounds(expression: Expression) -> None:
    f, inputs = expression
    assert 1 <= len(inputs) <= 2 and all(-2 <= x <= 2 for x in inputs)
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    ops = {node.op for node in topological_order(out)}
    assert ops <= {"", "mul", "sin", "tanh", "add", "sum"}
    # each step is at most max_depth deep, a squashing tanh and the final sum add one each
    assert _depth(out, leaves) <= 3 + 2 * 4
    order = topological_order(out)
    squashed = {id(p) for m in order if m.op == "tanh" for p in m.parents}
    assert all(abs(node.data) <= 10 or id(node) in squashed for node in order if node.op)  # tamed
    assert str(expression).startswith("inputs x0") and "output" in repr(expression)


def test_expressions_share_sub_expressions() -> None:
    def shares(expression: Expression) -> bool:
        out = expression.function(*expression.inputs)
        return any(len(set(map(id, n.parents))) < len(n.parents) for n in topological_order(out)) and any(
            sum(n in m.parents for m in topological_order(out)) > 1
            for n in topological_order(out)
            if not n.is_leaf
        )

    found = find(expressions(), shares, settings=settings(max_examples=500, database=None))
    assert shares(found)


@settings(max_examples=200)
@given(expressions())
def test_random_graphs_pass_first_and_second_order_checks(expression: Expression) -> None:
    assert_gradients(expression.function, expression.inputs)
    assert_second_order(expression.function, expression.inputs)


@settings(max_examples=60)
@given(networks())
def test_every_drawn_network_passes_check_module(network: Network) -> None:
    model, loss, X, y = network
    before = [(p.data, p.grad) for p in model.parameters()]
    check_module(model, loss, X, y)
    assert [(p.data, p.grad) for p in model.parameters()] == before  # nothing touched


class Sneaky(nn.Module):
    """A model whose weight w gets a wrong gradient (w * detach(w) looks like w², but the
    recorded derivative is w, not 2w); the bias b is right."""

    def __init__(self) -> None:
        self.w = Value(1.5)
        self.b = Value(0.5)

    def __call__(self, x: list[float]) -> Value:
        return self.w * self.w.detach() * x[0] + self.b


def test_check_module_names_the_parameter_whose_gradient_is_wrong() -> None:
    with pytest.raises(AssertionError) as info:
        check_module(Sneaky(), nn.mse, [[1.0], [2.0]], [0.0, 1.0])
    lines = str(info.value).splitlines()
    assert lines[0].startswith("check_module: analytical and numerical d loss/d parameter disagree")
    w_row = next(line for line in lines if line.startswith("w "))
    b_row = next(line for line in lines if line.startswith("b "))
    assert w_row.endswith("<-- mismatch") and "mismatch" not in b_row


def test_check_module_skips_frozen_parameters() -> None:
    model = Sneaky().freeze("w")
    check_module(model, nn.mse, [[1.0], [2.0]], [0.0, 1.0])  # only b is checked, and it is right
    with pytest.raises(ValueError, match="no trainable parameters"):
        check_module(Sneaky().freeze(), nn.mse, [[1.0]], [0.0])
    with pytest.raises(TypeError, match="must have parameters"):
        check_module(lambda x: x, nn.mse, [[1.0]], [0.0])


def test_check_op_refuses_what_it_cannot_check() -> None:
    with pytest.raises(TypeError, match="'sum' takes any number of inputs"):
        check_op("sum")
    with pytest.raises(ValueError, match="'pow' takes a constant parameter; pass param="):
        check_op(OPS["pow"])
    with pytest.raises(TypeError, match="expected an op name"):
        check_op(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["relu", "abs", "leaky_relu"])
def test_check_op_keeps_off_kinks(name: str) -> None:
    check_op(name, param=0.1 if name == "leaky_relu" else None, max_examples=20)


@given(expressions(ops=["add", "mul", "tanh"], max_nodes=4, constants=True))
def test_an_expression_with_constants_never_ends_on_one(expression: Expression) -> None:
    """The output depends on the steps: never a lone constant left at the end."""
    out = expression.function(*expression.inputs)
    assert not out.is_leaf or not expression.steps


def test_check_op_picks_its_points_without_trusting_the_rule_under_test() -> None:
    # Wrong on most of the domain, and claiming derivatives too steep to be checked there.
    sly = define_op(
        "sly_square_test",
        lambda x: x * x,
        lambda x, out: 1e7 * x if abs(float(x)) > 0.5 else 2 * x,
        formula="x^2",
        local_formulas=("2*x",),
    )
    with pytest.raises(AssertionError, match=r"check_op\(sly_square_test\): the derivative rule disagrees"):
        check_op(sly, max_examples=20)
    steep = define_op(
        "steep_line_test", lambda x: 1e7 * x, lambda x, out: 1e7, formula="1e7*x", local_formulas=("1e7",)
    )
    with pytest.raises(ValueError, match=r"check_op\(steep_line_test\): too few points .*narrow min_value"):
        check_op(steep, max_examples=5)


@pytest.mark.parametrize("settings", [{"atol": math.nan}, {"rtol": math.nan}, {"eps": 0.0}])
def test_the_kits_assertions_refuse_settings_that_pass_anything(settings: dict[str, float]) -> None:
    wrong = lambda x: x * x.detach()  # noqa: E731  (the derivative of x² taken as x)
    name = next(iter(settings))
    for check in (assert_gradients, assert_second_order):
        with pytest.raises(ValueError, match=rf"{check.__name__}: {name}"):
            check(wrong, [Value(1.5)], **settings)
    with pytest.raises(ValueError, match=rf"check_op: {name}"):
        check_op("tanh", **settings)  # type: ignore[arg-type]

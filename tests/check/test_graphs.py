"""Expression graphs worked by hand (``[graph]``): the micrograd lecture's first exercise, a fork,
and the sigmoid gate check from a file; each expression-graph mistake of the catalogue is named
in a page made to contain it; random graphs printed correctly give no false alarm; bad files are
named."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viz.check import WRONG, WorkedExampleError, check
from viz.check.__main__ import main

LECTURE = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}  # e = a·b, d = e + c, L = d·f


def graph(
    inputs: dict[str, float], nodes: list[str], printed: list[tuple[str, str]], **more: Any
) -> dict[str, Any]:
    return {
        "graph": {"inputs": inputs, "nodes": nodes, **more},
        "training": {"steps": 0},
        "printed": [{"quantity": q, "where": "page", "printed": p} for q, p in printed],
    }


def lecture(printed: list[tuple[str, str]]) -> dict[str, Any]:
    return graph(LECTURE, ["e = a * b", "d = e + c", "L = d * f"], printed, output="L")


def test_the_lecture_worked_right_has_no_wrong_number() -> None:
    a, b, c, f = LECTURE.values()
    e = a * b
    d = e + c
    by_hand = [  # the lecture's numbers, by hand: dL/dd = f, dL/de = f, dL/da = f·b, ...
        ("e", e), ("d", d), ("L", d * f), ("dL/dL", 1.0), ("dL/dd", f), ("dL/df", d), ("dd/de", 1.0),
        ("dL/de", f), ("dL/dc", f), ("dL/da", f * b), ("dL/db", f * a), ("de/da", b),
    ]  # fmt: skip
    report = check(lecture([(q, f"{v:.4f}") for q, v in by_hand]))
    assert [v.cls for v in report.items] == ["exact"] * len(by_hand)


def test_a_gradient_step_on_chosen_inputs() -> None:
    a, b, c, f = LECTURE.values()
    data = lecture([("a'", f"{a - 0.01 * f * b:.4f}"), ("c'", f"{c:.4f}"), ("L'", "-7.2865")])
    data["training"] = {"steps": 1}
    data["optimizer"] = [{"kind": "sgd", "lr": 0.01, "parameters": ["a", "b"]}]
    a2, b2 = a - 0.01 * f * b, b - 0.01 * f * a
    data["printed"][2]["printed"] = f"{(a2 * b2 + c) * f:.4f}"
    assert [v.cls for v in check(data).items] == ["exact", "exact", "exact"]  # c is not stepped


@pytest.mark.parametrize(
    ("nodes", "printed", "mistake"),
    [
        # The lecture: ∂L/∂a = ∂L/∂e · ∂e/∂a = (−2)(−3) = 6.
        (None, ("dL/da", "-3.00"), "upstream_gradient_not_multiplied"),  # ∂e/∂a = b alone
        (None, ("dL/da", "-2.00"), "local_derivative_left_out"),  # ∂L/∂e passed through
        # A fork: L = a·b + a, so ∂L/∂a = b + 1 = −2; one use counted gives b = −3.
        (["L = a * b + a"], ("dL/da", "-3.00"), "one_path_of_a_fork"),
        (["e = a * b", "L = e + a"], ("dL/da", "-3.00"), "one_path_of_a_fork"),
        # ∂(a − b)/∂b = −1.
        (["L = a - b"], ("dL/db", "1.00"), "subtraction_sign_dropped"),
        # g = 1/h with h = 8: ∂g/∂h = −1/64 = −0.015625.
        (["h = a + b + c + f + 1", "g = 1 / h"], ("dg/dh", "0.015625"), "quotient_minus_dropped"),
        (["h = a + b + c + f + 1", "g = 1 / h"], ("dg/dh", "0.125000"), "reciprocal_not_differentiated"),
        # tanh: ∂t/∂a = 1 − tanh²(a), not 1.
        (["t = tanh(a)", "L = t * b"], ("dL/da", "-3.000"), "activation_derivative_forgotten"),
    ],
)
def test_each_expression_mistake_is_named(
    nodes: list[str] | None, printed: tuple[str, str], mistake: str
) -> None:
    data = lecture([printed]) if nodes is None else graph(LECTURE, nodes, [printed])
    verdict = check(data).items[0]
    assert verdict.cls == "conceptual" and verdict.mistake is not None, verdict.explanation
    assert verdict.mistake.id == mistake


def test_a_fork_is_summed() -> None:
    a, b = LECTURE["a"], LECTURE["b"]
    report = check(graph(LECTURE, ["L = a * b + a"], [("dL/da", f"{b + 1:.2f}"), ("dL/db", f"{a:.2f}")]))
    assert [v.cls for v in report.items] == ["exact", "exact"]


def sigmoid_gate(printed: list[tuple[str, str]]) -> dict[str, Any]:
    inputs = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
    nodes = ["s = w0*x0 + w1*x1 + w2", "e = exp(-s)", "h = 1 + e", "f = 1 / h"]
    return graph(inputs, nodes, printed, output="f")


def test_the_sigmoid_gate() -> None:
    s = 2.0 * -1.0 + -3.0 * -2.0 - 3.0  # 1
    f = 1 / (1 + math.exp(-s))
    by_hand = [
        ("f", f), ("df/dh", -f * f), ("dh/de", 1.0), ("df/ds", f * (1 - f)),
        ("df/dw0", f * (1 - f) * -1.0), ("df/dx0", f * (1 - f) * 2.0), ("df/dw2", f * (1 - f)),
    ]  # fmt: skip
    report = check(sigmoid_gate([(q, f"{v:.5f}") for q, v in by_hand]))
    assert [v.cls for v in report.items] == ["exact"] * len(by_hand)
    mistaken = check(sigmoid_gate([("df/dh", f"{f * f:.5f}")])).items[0]  # 1/h² without its minus
    assert mistaken.mistake is not None and mistaken.mistake.id == "quotient_minus_dropped"


# ---- random graphs, with an evaluator of their own (dual numbers, no chainrule) ---------------


class Dual:
    """A value and its derivative by one input: forward mode, written for this test."""

    def __init__(self, value: float, slope: float = 0.0) -> None:
        self.value, self.slope = value, slope

    def __add__(self, o: Dual) -> Dual:
        return Dual(self.value + o.value, self.slope + o.slope)

    def __sub__(self, o: Dual) -> Dual:
        return Dual(self.value - o.value, self.slope - o.slope)

    def __mul__(self, o: Dual) -> Dual:
        return Dual(self.value * o.value, self.slope * o.value + self.value * o.slope)

    def tanh(self) -> Dual:
        t = math.tanh(self.value)
        return Dual(t, (1 - t * t) * self.slope)

    def exp(self) -> Dual:
        e = math.exp(self.value)
        return Dual(e, e * self.slope)


OPS = {"+": Dual.__add__, "-": Dual.__sub__, "*": Dual.__mul__}
FUNCS = {"tanh": Dual.tanh, "exp": Dual.exp}


@st.composite
def random_graphs(draw: st.DrawFn) -> tuple[dict[str, float], list[tuple[str, str, list[str]]]]:
    n_inputs = draw(st.integers(2, 4))
    inputs = {f"x{i}": draw(st.floats(-2, 2).map(lambda v: round(v, 2))) for i in range(n_inputs)}
    nodes: list[tuple[str, str, list[str]]] = []  # (name, op, argument names)
    for k in range(draw(st.integers(1, 5))):
        names = [*inputs, *(n for n, _, _ in nodes)]
        op = draw(st.sampled_from([*OPS, *FUNCS]))
        args = (
            draw(st.lists(st.sampled_from(names), min_size=1, max_size=1))
            if op in FUNCS
            else [draw(st.sampled_from(names)), draw(st.sampled_from(names))]
        )
        nodes.append((f"n{k}", op, args))
    return inputs, nodes


def definition(op: str, args: list[str]) -> str:
    return f"{op}({args[0]})" if op in FUNCS else f"{args[0]} {op} {args[1]}"


def evaluate(
    inputs: dict[str, float], nodes: list[tuple[str, str, list[str]]], wrt: str | None
) -> dict[str, Dual]:
    env = {name: Dual(v, 1.0 if name == wrt else 0.0) for name, v in inputs.items()}
    for name, op, args in nodes:
        env[name] = FUNCS[op](env[args[0]]) if op in FUNCS else OPS[op](env[args[0]], env[args[1]])
    return env


def rounded(x: float, digits: int) -> str:
    return f"{x:.{digits}e}" if x != 0 else f"{0:.{digits}f}"


@settings(max_examples=60, deadline=None)
@given(random_graphs(), st.integers(1, 6), st.data())
def test_random_graphs_printed_right_have_no_false_alarm_and_a_wrong_number_is_wrong(
    setup: tuple[dict[str, float], list[tuple[str, str, list[str]]]], digits: int, data: st.DataObject
) -> None:
    inputs, nodes = setup
    output = nodes[-1][0]
    values = evaluate(inputs, nodes, None)
    printed = [(name, rounded(values[name].value, digits)) for name, _, _ in nodes]
    printed += [
        (f"d{output}/d{x}", rounded(evaluate(inputs, nodes, x)[output].slope, digits)) for x in inputs
    ]
    spec = graph(inputs, [f"{n} = {definition(op, args)}" for n, op, args in nodes], printed, output=output)
    report = check(spec)
    assert not [v for v in report.items if v.wrong], [
        (v.printed.quantity, v.cls, v.explanation) for v in report.items
    ]
    k = data.draw(st.integers(0, len(printed) - 1))
    off = data.draw(st.sampled_from([-3, -2, 2, 3, 17]))
    spec["printed"][k]["printed"] = perturbed(printed[k][1], off)
    assert check(spec).items[k].cls in WRONG


def perturbed(text: str, units: int) -> str:
    """``text`` moved by ``units`` of its last digit, written to the same digits."""
    mantissa, e, exponent = text.partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    moved = Decimal(mantissa) + units * Decimal(10) ** -decimals
    return f"{moved:.{decimals}f}{e}{exponent}"


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (["e = a * bb", "L = e + c"], r"nodes\[0\]: unknown name 'bb'; nearest known names: b"),
        (["e = a * d", "d = e + c"], r"nodes\[0\]: 'd' is used before it is defined"),
        (["e = a * b", "e = e + c"], r"nodes\[1\]: 'e' is defined twice"),
        (["a = b + c"], r"nodes\[0\]: 'a' is defined twice: it is an input"),
        (["e = foo(a)"], r"nodes\[0\]: unknown function 'foo'"),
        (["e = a * b"], r"output must name a node, got 'L'"),
    ],
)
def test_a_bad_graph_is_named(
    nodes: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = graph(LECTURE, nodes, [("a", "2.0")], output="L")
    with pytest.raises(WorkedExampleError, match=message):
        check(data)


def test_parameters_must_be_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "step.toml"
    path.write_text(
        '[graph]\ninputs = { a = 2.0, b = -3.0 }\nnodes = ["L = a * b"]\n'
        '[[optimizer]]\nkind = "sgd"\nlr = 0.1\nparameters = ["a", "L"]\n'
        '[[printed]]\nquantity = "L"\nprinted = "-6"\n',
        encoding="utf-8",
    )
    assert main([str(path)]) == 2
    assert "parameters: 'L' is not an input of the graph" in capsys.readouterr().err


def test_ops_of_chainrules_table_work_in_definitions() -> None:
    """sin and cos come from autograd.define_op: a graph may use them, and its program too."""
    from viz.check.spec import from_mapping
    from viz.walkthrough.program import program

    a, b = 0.5, 2.0
    data = graph(
        {"a": a, "b": b},
        ["s = sin(a)", "L = s * b + cos(a)"],
        [("dL/da", f"{b * math.cos(a) - math.sin(a):.6f}"), ("ds/da", f"{math.cos(a):.6f}"), ("L", "2.1")],
    )
    assert [v.cls for v in check(data).items] == ["exact", "exact", "slip"]
    namespace: dict[str, Any] = {}
    exec(compile(program(from_mapping(data)), "<program>", "exec"), namespace)
    assert namespace["L"].data == pytest.approx(math.sin(a) * b + math.cos(a), rel=1e-15)
    assert namespace["a"].grad == pytest.approx(b * math.cos(a) - math.sin(a), rel=1e-15)

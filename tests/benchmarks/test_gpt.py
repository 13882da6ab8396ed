"""microgpt's way of training runs on chainrule's ``Value`` as written, with the same losses as an
engine in microgpt's own style; microgpt's constructor builds the node it describes."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest

from autograd import Value, grad
from benchmarks.engines.float_only import FloatOnly
from benchmarks.engines.scalar_value import ScalarValue
from benchmarks.gpt import GPT, GPTConfig, names, train


def test_twenty_training_steps_give_the_reference_engines_losses() -> None:
    ours = train(Value, 20)
    reference = train(ScalarValue, 20)
    assert len(ours) == len(reference) == 20
    for step, (a, b) in enumerate(zip(ours, reference)):
        assert math.isclose(a, b, rel_tol=1e-12), (step, a, b)


def test_twenty_steps_lower_the_loss_on_the_documents_seen() -> None:
    model = GPT(Value, names())
    seen = model.docs[:20]

    def mean_loss() -> float:
        return sum(model.loss(doc).data for doc in seen) / len(seen)

    before = mean_loss()
    for _ in range(20):
        model.step()
    assert mean_loss() < before - 0.1


def test_the_workload_is_the_model_described() -> None:
    model = GPT(Value, names(), GPTConfig())
    e, vocab = 16, len(model.chars) + 1
    shapes = {name: (len(m), len(m[0])) for name, m in model.weights.items()}
    assert shapes == {
        "wte": (vocab, e),
        "wpe": (8, e),
        "wq": (e, e),
        "wk": (e, e),
        "wv": (e, e),
        "wo": (e, e),
        "fc1": (4 * e, e),
        "fc2": (e, 4 * e),
        "head": (vocab, e),
    }
    doc = "kariel"
    loss = model.loss(doc)
    # The loss of an untrained model is about log(vocab): every next character equally likely.
    assert abs(loss.data - math.log(vocab)) < 0.5
    # Attention is causal: the first position's logits do not depend on later characters.
    keys: list[list[Value]] = []
    values: list[list[Value]] = []
    first = model.forward(model.bos, 0, keys, values)
    again = model.forward(model.bos, 0, [], [])
    assert [v.data for v in first] == [v.data for v in again]


def test_the_reference_engine_differentiates_as_chainrule_does() -> None:
    """The reference is a fair one: on an expression with every op the workload uses, its
    gradients are chainrule's."""

    def f(x: object, y: object) -> object:
        return ((x * y + 2.0 - y) / (y**2 + 1.0)).exp().log() * (-x).relu() + (x - 3.0) * 0.5

    r_x, r_y = ScalarValue(-0.7), ScalarValue(1.3)
    out = f(r_x, r_y)
    out.backward()  # type: ignore[attr-defined]
    c_x, c_y = Value(-0.7), Value(1.3)
    expected = grad(f(c_x, c_y), [c_x, c_y])  # type: ignore[arg-type]
    assert r_x.grad == pytest.approx(expected[0], rel=1e-12)
    assert r_y.grad == pytest.approx(expected[1], rel=1e-12)


def test_microgpts_constructor_builds_the_node_it_describes() -> None:
    a, b = Value(1.5), Value(-2.0)
    by_hand = Value(a.data * b.data, (a, b), (b.data, a.data))
    by_op = a * b
    assert by_hand.data == by_op.data and by_hand.local_grads == by_op.local_grads
    assert by_hand.parents == (a, b) and by_hand.op == "given"


def test_the_microgpt_page_runs_and_names_what_exists() -> None:
    root = Path(__file__).resolve().parents[2]
    page = (root / "docs" / "from-microgpt.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(textwrap.dedent(block), "docs/from-microgpt.md", "exec"), namespace)
    assert namespace["p"] is namespace["a"] and namespace["a"].grad == 0  # type: ignore[attr-defined]
    for link in re.findall(r"\]\(\.\./([^)]+)\)", page):
        assert (root / link).exists(), link
    for path in re.findall(r"`((?:benchmarks|examples)/[\w./]+)`", page):
        assert (root / path).exists(), path


def test_the_floor_computes_the_same_forward_pass_and_learns_nothing() -> None:
    """The float-only floor does the workload's forward arithmetic (its first loss is the
    reference's) and no engine work: its parameters never move, so every step repeats the
    first document's loss once the documents come round again."""
    docs = names()[:3]
    floor = GPT(FloatOnly, docs)
    reference = GPT(ScalarValue, docs)
    first = [floor.step() for _ in range(4)]
    assert math.isclose(first[0], reference.step(), rel_tol=1e-12)
    assert first[3] == first[0]  # the same document, the same untouched weights
    assert all(p.grad == 0.0 for p in floor.params)

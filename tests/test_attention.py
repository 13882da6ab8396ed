"""examples/attention.py: one attention head whose chain rule is written out in its own names,
checked against the engine, drawn, replayed, and seen to learn where to look."""

from __future__ import annotations

import importlib.util
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from autograd import grad
from nn import SGD
from viz import explain

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "attention.py"


@pytest.fixture(scope="module")
def attention() -> ModuleType:
    spec = importlib.util.spec_from_file_location("attention_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def softmax(xs: list[float]) -> list[float]:
    exps = [math.exp(x - max(xs)) for x in xs]
    return [e / sum(exps) for e in exps]


def test_the_head_computes_attention_as_written_by_hand(attention: ModuleType) -> None:
    head = attention.Head()
    loss, att = head.loss()
    wq = [[w.data for w in row] for row in head.Wq]
    wk = [[w.data for w in row] for row in head.Wk]
    x3 = attention.X[2]
    q = [sum(w * x for w, x in zip(row, x3)) for row in wq]
    keys = [[sum(w * x for w, x in zip(row, xs)) for row in wk] for xs in attention.X]
    expected = softmax([sum(a * b for a, b in zip(q, k)) / math.sqrt(2) for k in keys])
    assert [a.data for a in att] == pytest.approx(expected, rel=1e-12)
    o = [sum(a * v[j] for a, v in zip(expected, attention.V)) for j in range(2)]
    assert loss.data == pytest.approx(
        0.5 * sum((oj - tj) ** 2 for oj, tj in zip(o, attention.V[1])), rel=1e-12
    )


@pytest.mark.parametrize("method", ["paths", "deltas", "forward"])
def test_the_explained_gradient_of_a_query_weight_is_the_engines(attention: ModuleType, method: str) -> None:
    head = attention.Head()
    loss, _ = head.loss()
    wq = head.Wq[0][0]
    explained = explain(loss, wq, method=method)
    (expected,) = grad(loss, [wq])
    assert explained.matches and math.isclose(explained.gradient, expected, rel_tol=1e-12, abs_tol=1e-15)
    text = str(explained)
    for name in ("q[0]", "k1[0]", "k2[0]", "k3[0]", "s1", "att1", "att2", "att3", "Z", "o[0]", "o[1]"):
        assert name in text, name
    assert " u1" not in text and "u2 " not in text  # every node of the head has its own name


def test_training_the_query_and_key_weights_moves_attention_to_position_2(attention: ModuleType) -> None:
    head = attention.Head()
    optimizer = SGD(head.parameters(), lr=2.0)
    _, first = head.loss()
    for _ in range(60):
        loss, att = head.loss()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert first[1].data < 0.5 < 0.9 < att[1].data
    assert loss.data < 1e-3


def test_the_example_draws_and_replays_the_head(
    attention: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    attention.main(tmp_path)
    said = capsys.readouterr().out
    assert "check: autograd.grad(L, [Wq[0][0]])" in said and "the same as above ✓" in said
    root = ET.parse(tmp_path / "attention.svg").getroot()
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for name in ("q[0]", "k3[1]", "att2", "Z", "L", "Wq[0][0]"):
        assert name in texts, name
    assert titles  # nodes and edges carry tooltips
    page = (tmp_path / "attention-replay.html").read_text(encoding="utf-8")
    assert "att2" in page and "<script>" in page

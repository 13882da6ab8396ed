"""``viz.replay`` as a person reads it: every number inside its node's box at every step, an
edge's local derivative only once its child is computed, products and differences written as by
hand, and frozen parameters told apart from trained ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograd import Value, topological_order
from nn import SGD
from viz import Replay, replay
from viz.dot import element_ids
from viz.numbers import BOX_CHARS

from ..browser import needs_browser, rendered
from .svg import parse


def tiny_gradients() -> tuple[Value, list[Value]]:
    """A neuron whose weights get gradients too small for 4 decimals (e-notation), and a big
    intermediate value."""
    w1, w2, b = Value(0.15, label="w1"), Value(-0.2, label="w2"), Value(0.35, label="b")
    x1, x2 = Value(0.0005, label="x1"), Value(0.001, label="x2")
    z = w1 * x1 + w2 * x2 + b
    big = z * 123456789.0
    loss = (big * 1e-9 - 0.5) ** 2
    loss.label = "L"
    return loss, [w1, w2, b]


def payload(page: str) -> dict[str, object]:
    found = re.search(r'<script id="replay-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


# Appended to a page: after it shows its step, report every value or gradient text that leaves
# its node's box, and every edge's label state.
_MEASURE = """
<pre id="measured"></pre><script>
const out = { overflow: [], edges: {} };
for (const g of document.querySelectorAll("g.node")) {
  const shape = g.querySelector("polygon, path").getBBox();
  const texts = g.querySelectorAll("text");
  for (const t of [texts[texts.length - 3], texts[texts.length - 1]]) {
    const b = t.getBBox();
    if (b.x < shape.x - 0.5 || b.x + b.width > shape.x + shape.width + 0.5) {
      out.overflow.push([g.id, t.textContent, b.x, b.width, shape.x, shape.width]);
    }
  }
}
for (const e of document.querySelectorAll("g.edge")) {
  const label = e.querySelector("text");
  out.edges[e.id] = label ? getComputedStyle(label).visibility : "none";
}
document.getElementById("measured").textContent = JSON.stringify(out);
</script>"""


def measured(page: Replay, step: int, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / f"measure{step}.html"
    path.write_text(page.html().replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = rendered(f"{path.as_uri()}#step={step}", tmp_path / f"profile{step}")
    found = re.search(r'<pre id="measured">([^<]*)</pre>', dom)
    assert found is not None
    result: dict[str, object] = json.loads(found.group(1))
    return result


def test_box_numbers_have_at_most_box_chars_and_boxes_room_for_the_longest() -> None:
    loss, params = tiny_gradients()
    page = replay(loss, optimizer=SGD(params, lr=0.5), fmt=".9f")
    data = payload(page.html())
    steps = data["steps"]
    assert isinstance(steps, list)
    shown = [text for s in steps for _, _, _, text in s["changes"]]
    assert shown and all(len(text) <= BOX_CHARS for text in shown), shown
    nodes, _ = parse(page.svg)
    for item in nodes.values():
        numbers = [t for t in item.texts if re.fullmatch(r"-?[\d.]+(e-?\d+)?", t)]
        assert all(len(t) <= BOX_CHARS for t in numbers), item.texts
    # the panel keeps every digit of fmt
    assert any(re.search(r"\d\.\d{9}", s["text"]) for s in steps)


@needs_browser
@pytest.mark.parametrize("fmt", [None, ".9f"])
def test_every_number_stays_inside_its_box_at_every_step(fmt: str | None, tmp_path: Path) -> None:
    loss, params = tiny_gradients()
    page = replay(loss, optimizer=SGD(params, lr=0.5), fmt=fmt)
    for step in (0, len(page) // 2, len(page) - 1):
        assert measured(page, step, tmp_path)["overflow"] == [], step


@needs_browser
def test_an_edges_local_derivative_appears_once_its_child_is_computed(tmp_path: Path) -> None:
    loss, _ = tiny_gradients()
    page = replay(loss)
    order = topological_order(loss)
    _, edge_ids = element_ids(order)
    computed = [n for n in order if not n.is_leaf]  # in the order the forward steps compute them
    for step in (0, 2, len(computed), len(page) - 1):
        done = set(computed[:step])
        edges = measured(page, step, tmp_path)["edges"]
        assert isinstance(edges, dict)
        expected = {
            edge_ids[n, i]: "visible" if n in done else "hidden"
            for n in computed
            for i in range(len(n.parents))
        }
        assert edges == expected, step
    # without the forward part every value is there from the start, and so is every derivative
    edges = measured(replay(loss, include=("backward",)), 0, tmp_path)["edges"]
    assert isinstance(edges, dict) and set(edges.values()) == {"visible"}


def test_an_update_writes_negative_factors_in_parentheses_with_a_true_minus() -> None:
    w = Value(0.55, label="w")
    loss = w * -0.0228
    loss.label = "L"
    page = replay(loss, optimizer=SGD([w], lr=0.5))
    texts = [s.text for s in page.steps]
    assert texts[-1] == "w ← w − lr·w.grad = 0.5500 − 0.5000 × (−0.0228) = 0.5614"
    assert "w.grad += ∂L/∂w × L.grad = (−0.0228) × 1.0000, so 0.0000 + (−0.0228) = −0.0228" in texts
    assert all("-" not in t.partition(" = ")[2] for t in texts[1:]), texts  # no hyphen as a minus
    small = Value(-0.0001, label="v")
    texts = [s.text for s in replay(small * 0.5, optimizer=SGD([small], lr=2.0)).steps]
    assert texts[-1] == "v ← v − lr·v.grad = −1.000e−04 − 2.0000 × 0.5000 = −1.0001"


def test_parameters_the_optimizer_does_not_update_are_drawn_frozen() -> None:
    loss, params = tiny_gradients()
    trained = params[:2]  # the weights; the bias b is frozen, the inputs x1, x2 are inputs
    x1, x2 = (n for n in topological_order(loss) if n.label in ("x1", "x2"))
    page = replay(loss, optimizer=SGD(trained, lr=0.5), inputs=[x1, x2])
    nodes, _ = parse(page.svg)
    ids, _ = element_ids(topological_order(loss))
    assert "frozen" in nodes[ids[params[2]]].texts
    assert all("frozen" not in nodes[ids[n]].texts for n in (*trained, x1, x2, loss))
    assert any("frozen" in tip for tip in nodes[ids[params[2]]].tooltips)
    fills = {n: re.search(rf'<g id="{ids[n]}".*?fill="([^"]+)"', page.svg, re.DOTALL) for n in params}
    colours = {n: m.group(1) for n, m in fills.items() if m}
    assert colours[params[0]] == colours[params[1]] != colours[params[2]]
    # no optimizer: nothing is frozen
    assert all("frozen" not in item.texts for item in parse(replay(loss).svg)[0].values())


@needs_browser
def test_numbers_stay_in_their_boxes_when_the_page_is_laid_out_after_its_script_ran(tmp_path: Path) -> None:
    """As in a report's frame that is not laid out yet when its script runs: texts measure 0
    wide then, and are right-aligned once they can be measured, never pushed out of the box."""
    loss, params = tiny_gradients()
    page = replay(loss, optimizer=SGD(params, lr=0.5))
    hidden = page.html().replace("</head>", '<style id="hide">#graph { display: none; }</style></head>', 1)
    reveal = (
        '<script>document.getElementById("hide").remove();'
        'history.replaceState(null, "", "#step=3");'
        'window.dispatchEvent(new HashChangeEvent("hashchange"));</script>'
    )
    path = tmp_path / "late.html"
    path.write_text(hidden.replace("</body>", reveal + _MEASURE + "</body>"), encoding="utf-8")
    dom = rendered(path.as_uri(), tmp_path / "profile")
    found = re.search(r'<pre id="measured">([^<]*)</pre>', dom)
    assert found is not None
    assert json.loads(found.group(1))["overflow"] == []

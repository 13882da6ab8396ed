"""``viz.replay``: the page steps through the forward pass and the backward pass edge by edge, and
what it shows at every step is the running sum the engine accumulates (checked in a real browser
against sums computed here, independently of the engine's event stream)."""

from __future__ import annotations

import html
import html.parser
import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, backward, topological_order, zero_grad
from nn import SGD, Adam
from viz import Replay, replay
from viz.dot import element_ids

from ..browser import needs_browser, rendered


def network() -> tuple[Value, list[Value]]:
    """Two neurons sharing one bias, a square (a node used twice) and a constant."""
    w = [Value(v, label=f"w{i + 1}") for i, v in enumerate((0.15, 0.20, 0.25, 0.30))]
    x1, x2, b = Value(0.05, label="x1"), Value(0.10, label="x2"), Value(0.35, label="b")
    h1 = Value.linear(w[:2], [x1, x2], b).sigmoid()
    h2 = Value.linear(w[2:], [x1, x2], b).sigmoid()
    e = h1 + h2 - 1.2
    loss = e * e
    loss.label = "L"
    return loss, [*w, b, x1, x2]


def running_sums(root: Value) -> list[tuple[Value, float]]:
    """(parent, its gradient after the addition) for every edge backward takes, computed here:
    children before parents in creation order, each edge in argument order, zero-gradient nodes
    passing nothing on."""
    order = sorted(topological_order(root), key=lambda n: n.index)
    grads = {root: 1.0}
    out = []
    for node in reversed(order):
        g = grads.get(node, 0.0)
        if g == 0.0:
            continue
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = grads.get(parent, 0.0) + local * g
            out.append((parent, grads[parent]))
    return out


class _Nodes(html.parser.HTMLParser):
    """The ``data-*`` attributes of the page's node groups, by element id."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, dict[str, str]] = {}
        self.body: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body = a
        if tag == "g" and "node" in a.get("class", "").split():
            self.nodes[a["id"]] = a


def state(dom: str) -> _Nodes:
    parser = _Nodes()
    parser.feed(dom)
    return parser


def test_steps_are_the_forward_nodes_then_the_seed_then_every_edge() -> None:
    loss, _ = network()
    page = replay(loss)
    order = topological_order(loss)
    inner = [n for n in order if not n.is_leaf]
    assert len(page) == 1 + len(inner) + 1 + len(running_sums(loss))
    forward = page.steps[1 : 1 + len(inner)]
    ids, _ = element_ids(order)
    assert [s.changes for s in forward] == [((ids[n], "value", n.data),) for n in inner]
    backward_steps = page.steps[2 + len(inner) :]
    expected = [((ids[p], "grad", g),) for p, g in running_sums(loss)]
    assert [s.changes for s in backward_steps] == expected
    assert all(s.edge is not None for s in backward_steps)
    assert all(n.grad == 0.0 for n in order)  # the graph itself is left alone


def test_a_node_used_twice_gets_two_additions() -> None:
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    texts = [s.text for s in replay(y).steps]
    assert texts[-2].endswith("(addition 1 of 2 to a)") and texts[-1].endswith("(addition 2 of 2 to a)")
    assert "0.0000 + 3.0000 = 3.0000" in texts[-2] and "3.0000 + 3.0000 = 6.0000" in texts[-1]


def test_parts_sizes_and_bad_input_are_explained() -> None:
    loss, _ = network()
    assert len(replay(loss, include=("backward",))) == 1 + 1 + len(running_sums(loss))
    with pytest.raises(ValueError, match=r"include must name some of \('forward', 'backward'\)"):
        replay(loss, include=("sideways",))
    with pytest.raises(
        ValueError, match=r"has \d+ nodes, more than max_nodes=5.*replay\(root, max_nodes=\d+\)"
    ):
        replay(loss, max_nodes=5)
    with pytest.raises(TypeError, match="replay: root must be a Value"):
        replay([loss])  # type: ignore[arg-type]


def test_the_page_is_self_contained_and_escapes_labels(tmp_path: Path) -> None:
    x = Value(2.0, label="</script><img src=x onerror=alert(1)>")
    y = x * x
    page = replay(y).save(tmp_path / "page.html").read_text(encoding="utf-8")
    assert "<img" not in page and page.count("</script>") == 2  # the data and the script only
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    frame = replay(y)._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script>" not in frame


@needs_browser
def test_the_page_shows_the_engines_running_sums_at_every_step(tmp_path: Path) -> None:
    loss, leaves = network()
    page: Replay = replay(loss)
    path = page.save(tmp_path / "replay.html")
    order = topological_order(loss)
    ids, _ = element_ids(order)
    node_of = {ids[n]: n for n in order}
    sums = running_sums(loss)
    backward_start = 1 + sum(not n.is_leaf for n in order)  # the seed step
    zero_grad(loss)
    backward(loss)
    for n in (0, 3, backward_start, backward_start + 5, len(page) - 1, len(page) + 10):
        dom = rendered(f"{path.as_uri()}#step={n}", tmp_path / f"profile{n}")
        seen = state(dom)
        shown = min(n, len(page) - 1)
        assert seen.body["data-step"] == str(shown) and seen.body["data-steps"] == str(len(page))
        expected: dict[Value, float] = {}
        if shown >= backward_start:  # backward starts from zero gradients, the root's at 1
            expected = {node: 0.0 for node in order}
            expected[loss] = 1.0
            for parent, after in sums[: shown - backward_start]:
                expected[parent] = after
        for element, attrs in seen.nodes.items():
            node = node_of[element]
            assert attrs["data-grad"] == (repr(expected[node]) if node in expected else ""), (n, element)
            appeared = node.is_leaf or shown >= 1 + [m for m in order if not m.is_leaf].index(node)
            assert attrs["data-value"] == (repr(node.data) if appeared else ""), (n, element)
        if shown == len(page) - 1:  # the last step shows every node's .grad
            assert {node_of[e]: a["data-grad"] for e, a in seen.nodes.items()} == {
                node: repr(node.grad) for node in order
            }
    assert {a["data-node"] for a in seen.nodes.values()} >= {"w1", "b", "L"}
    shared = ids[leaves[4]]  # the bias, shared by both neurons
    assert sum(s.node == shared for s in page.steps) == 2


@needs_browser
def test_keys_and_buttons_move_the_step(tmp_path: Path) -> None:
    a = Value(3.0, label="a")
    page = replay(a * a).html()
    actions = """
<pre id="log"></pre><script>
const log = [];
function key(k) {
  document.dispatchEvent(new KeyboardEvent("keydown", {key: k}));
  log.push(document.body.dataset.step);
}
function click(id) { document.getElementById(id).click(); log.push(document.body.dataset.step); }
key("ArrowRight"); key("ArrowRight"); key("ArrowLeft"); key("End"); key("Home");
click("next"); click("last"); click("prev"); click("first");
document.getElementById("log").textContent = log.join(",");
</script>"""
    path = tmp_path / "keys.html"
    path.write_text(page.replace("</body>", actions + "</body>"), encoding="utf-8")
    dom = rendered(path, tmp_path / "profile")
    last = len(replay(a * a)) - 1
    log = re.search(r'<pre id="log">([^<]*)</pre>', dom)
    assert log is not None
    assert log.group(1).split(",") == ["1", "2", "1", str(last), "0", "1", str(last), str(last - 1), "0"]


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=0.5), lambda ps: Adam(ps, lr=0.1, bias_correction=False)]
)
def test_an_optimizer_adds_zero_grad_and_its_own_step_tried_on_the_side(make: Any) -> None:
    loss, leaves = network()
    params = leaves[:5]  # the weights and the shared bias; the inputs are not trained
    optimizer = make(params)
    for p in params:
        p.grad = 7.0  # stale gradients, which zero_grad clears
    before = ([p.data for p in params], [p.grad for p in params], optimizer.state_dict())
    page = replay(loss, optimizer=optimizer)
    assert ([p.data for p in params], [p.grad for p in params], optimizer.state_dict()) == before
    ids, _ = element_ids(topological_order(loss))
    zero = next(s for s in page.steps if s.text.startswith("optimizer.zero_grad()"))
    assert zero.changes == tuple((ids[p], "grad", 0.0) for p in params)
    # the same step, for real: zero_grad, backward, step
    optimizer.zero_grad()
    backward(loss)
    optimizer.step()
    updates = page.steps[-len(params) :]
    assert [s.changes for s in updates] == [((ids[p], "value", p.data),) for p in params]
    if isinstance(optimizer, SGD):
        assert updates[0].text.startswith("w1 ← w1 − lr·w1.grad = 0.1500 − 0.5000 × ")
    with pytest.raises(ValueError, match="needs the backward pass"):
        replay(loss, include=("forward",), optimizer=optimizer)


def test_in_jupyter_the_page_displays_in_a_sandboxed_frame() -> None:
    x = Value(2.0, label="x")
    page = replay(x * x)
    frame = page._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="[^"]*"></iframe>', frame)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == page.html()

"""Watch backprop happen: one self-contained HTML page that steps through a graph's forward pass
node by node and its backward pass edge by edge, ``parent.grad += local × node.grad`` with the
three numbers and the parent's running sum.

The backward steps are ``autograd.backward_events``: the engine's own walk, in its real order, so
what the page shows is what ``backward`` does. The page is the picture of ``viz.draw`` with a
small script of our own (no network); its state is readable by tests and scripts:
``document.body.dataset.step`` and ``.steps``, and on each node's element ``data-node``,
``data-value`` and ``data-grad`` (``repr`` of the float shown, empty before there is one).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd import BackwardEvent, Value, backward_events, topological_order
from nn.optim import Optimizer

from .dot import _picture, _points, element_ids
from .engine import run_dot
from .groups import Group, find_groups
from .naming import derivative, named_forward, node_kind, node_names, printable
from .numbers import Format, fit, number_formatter

MAX_NODES = 150
PARTS = ("forward", "backward")
NumberText = Callable[[float], str]  # writes a number as text


@dataclass(frozen=True)
class ReplayStep:
    """One step of the page: its sentence, the node and edge it lights, and what it changes:
    ``(element id, "value" or "grad", the new number)``."""

    text: str
    node: str | None = None  # element id of the node it lights (n<i>)
    edge: str | None = None  # element id of the edge it lights (e<k>)
    changes: tuple[tuple[str, str, float], ...] = ()


class Replay:
    """The steps of one graph, ready to be saved as a page or shown in Jupyter."""

    def __init__(
        self,
        title: str,
        svg: str,
        nodes: dict[str, dict[str, Any]],
        steps: list[ReplayStep],
        fmt: Format,
        edges: dict[str, str] | None = None,
    ):
        self.title = title
        self.svg = svg
        self.nodes = nodes  # element id -> name, and the value shown before any step
        self.steps = steps
        self.edges = edges or {}  # element id of an edge -> that of its child node
        self._number = number_formatter(fmt, 4)

    def __len__(self) -> int:
        return len(self.steps)

    def html(self) -> str:
        """The whole page: inline SVG, styles and script, nothing fetched."""
        number = self._number
        data = {
            "nodes": self.nodes,
            "edges": self.edges,
            "steps": [
                {
                    "text": s.text,
                    "node": s.node,
                    "edge": s.edge,
                    "changes": [[id_, field, repr(x), fit(number(x), x)] for id_, field, x in s.changes],
                }
                for s in self.steps
            ],
        }
        # No "<" at all inside the script element: a label cannot close it or open a tag.
        payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
        return _PAGE.format(
            title=html.escape(self.title),
            svg=_inline_svg(self.svg),
            payload=payload,
            style=_STYLE + ZOOM_STYLE,
            script=_SCRIPT + ZOOM_SCRIPT,
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (one HTML file); returns the path."""
        target = Path(path)
        target.write_text(self.html(), encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        """In Jupyter: the page in a sandboxed frame, so its script runs and its ids stay apart."""
        page = html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            'style="width: 100%; height: 560px; border: 1px solid #ddd"></iframe>'
        )


def replay(
    root: Value,
    *,
    include: Sequence[str] = PARTS,
    optimizer: Optimizer | None = None,
    max_nodes: int | None = MAX_NODES,
    fmt: Format = None,
    inputs: Iterable[Value] = (),
    rankdir: str = "LR",
    title: str | None = None,
    group: bool = False,
    dot: str | os.PathLike[str] | None = None,
    frozen: Iterable[Value] = (),
) -> Replay:
    """The forward and backward pass of ``root``'s graph as a page to step through.

    ``include`` picks the parts: ``"forward"`` (each node's value appears, in creation order)
    and ``"backward"`` (the seed ``root.grad = 1``, then every edge in the engine's order). The
    page starts with only the leaves' values shown; the graph's ``.grad`` fields are not
    touched. With an ``optimizer`` (``nn.SGD``, ``nn.Adam``, ...) the backward pass starts with
    its ``zero_grad()`` and ends with its ``step()``, one parameter at a time: the new values
    are what that optimizer's own ``step`` gives from these gradients (tried on the side: the
    parameters and the optimizer's state are left as they were). With ``group=True`` a loss
    such as ½(t − o)² is one node, as in ``draw`` and ``explain``: the engine's additions through
    it show as one step per input, ``o.grad += (o − t) × E.grad``, with the running sums the
    engine reached. ``fmt``, ``inputs`` and ``rankdir`` are ``viz.draw``'s; each node's box has
    room for every number it shows along the way, and an edge's local derivative appears once
    the forward pass has computed the node it leads to. The parameters in ``frozen`` and, with
    an optimizer, those it does not update are drawn frozen (``draw``'s ``frozen``).

    >>> from autograd import Value
    >>> a = Value(3.0, label="a"); y = a * a; y.label = "y"
    >>> page = replay(y)
    >>> print(page.steps[-1].text)
    a.grad += ∂y/∂a × y.grad = 3.0000 × 1.0000, so 3.0000 + 3.0000 = 6.0000 (addition 2 of 2 to a)
    """
    if not isinstance(root, Value):
        raise TypeError(f"replay: root must be a Value, got {type(root).__name__} {root!r}")
    unknown = [part for part in include if part not in PARTS]
    if unknown or not include:
        raise ValueError(f"replay: include must name some of {PARTS}, got {tuple(include)!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"replay: the graph has {len(order)} nodes, more than max_nodes={max_nodes}; stepping "
            "through every node and edge of it is not watchable. Replay a part of it (pass an "
            "intermediate node as the root), draw it without steps with viz.draw(root) (up to 500 "
            "nodes), or raise the "
            f"limit: replay(root, max_nodes={len(order)})"
        )
    number = number_formatter(fmt, 4)
    names = node_names(order)
    ids, edge_ids = element_ids(order)
    events = list(backward_events(root))
    keep = set(optimizer.params) if optimizer is not None else set()
    groups = find_groups(order, keep=keep) if group else {}
    shown = _shown_edges(events, groups, ids, edge_ids)
    if shown is None:  # the engine's additions cannot be told apart per group: draw every node
        groups, shown = {}, _shown_edges(events, {}, ids, edge_ids)
    assert shown is not None
    hidden = {node for g in groups.values() for node in g.interior}
    drawn = [n for n in order if n not in hidden]
    drawn_ids = {n: ids[n] for n in drawn}
    forward = "forward" in include
    nodes = {
        ids[n]: {
            "name": printable(names[n]),
            "value": [repr(n.data), fit(number(n.data), n.data)] if n.is_leaf or not forward else None,
        }
        for n in drawn
    }
    edges = {
        edge: ids[n]
        for n in drawn
        for edge in (
            [f"{ids[n]}g{i}" for i in range(len(groups[n].inputs))]
            if n in groups
            else [edge_ids[n, i] for i in range(len(n.parents))]
        )
    }
    steps = [ReplayStep(_opening(root, names, forward, "backward" in include))]
    if forward:
        for node in drawn:
            if not node.is_leaf:
                formula = groups[node].described(names, _minus_of(number)) if node in groups else None
                text = _forward_text(node, names, number, formula)
                steps.append(ReplayStep(text, node=ids[node], changes=((ids[node], "value", node.data),)))
    if "backward" in include:
        if optimizer is not None:
            steps.append(_zero_grad_step(optimizer, names, drawn_ids))
        steps += _backward_steps(root, shown, names, drawn_ids, number)
        if optimizer is not None:
            final = {e.parent: e.after for e in events}
            final[root] = final.get(root, 1.0)
            steps += _update_steps(optimizer, final, names, drawn_ids, number)
    elif optimizer is not None:
        raise ValueError("replay: an optimizer step needs the backward pass: include 'backward'")
    inputs = set(inputs)
    frozen = list(frozen)
    if optimizer is not None:
        frozen += [n for n in drawn if node_kind(n, root, inputs) == "parameter" and n not in keep]
    graph = _picture(
        root,
        fmt=fmt,
        inputs=inputs,
        rankdir=rankdir,
        max_nodes=None,
        group=bool(groups),
        frozen=frozen,
        widest=_widest(drawn, steps, ids, number),
    )
    svg = run_dot(graph.source, "svg", dot).decode("utf-8")
    title = title or f"Backpropagation through {printable(names[root])}"
    return Replay(title, svg, nodes, steps, fmt, edges)


def _widest(
    drawn: list[Value], steps: list[ReplayStep], ids: dict[Value, str], number: NumberText
) -> dict[Value, str]:
    """The longest number each node's box shows at any step, as its box writes it."""
    texts: dict[str, list[str]] = {ids[n]: [number(n.data), number(n.grad)] for n in drawn}
    values: dict[str, list[float]] = {ids[n]: [n.data, n.grad] for n in drawn}
    for step in steps:
        for element, _, x in step.changes:
            values[element].append(x)
    for element, xs in values.items():
        texts[element] = [fit(number(x), x) for x in xs]
    return {n: max(texts[ids[n]], key=_points) for n in drawn}


def _opening(root: Value, names: dict[Value, str], forward: bool, backward: bool) -> str:
    parts = (["forward: each node's value, in the order the graph was built"] if forward else []) + (
        [f"backward: from {printable(names[root])} back to the leaves, edge by edge"] if backward else []
    )
    return "The graph before anything is computed. Then " + "; ".join(parts) + "."


def _forward_text(
    node: Value, names: dict[Value, str], number: NumberText, formula: str | None = None
) -> str:
    rule = node.rule
    assert rule is not None
    if formula is not None:  # a group: its formula, with names, stands for the nodes it hides
        return f"{printable(names[node])} = {formula} = {_minus(number(node.data))}"
    described = named_forward(node, names, _minus_of(number))
    args = ", ".join(f"{printable(names[p])} = {_minus(number(p.data))}" for p in node.parents)
    return f"{printable(names[node])} = {described} = {_minus(number(node.data))}, from {args}"


@dataclass(frozen=True)
class _Shown:
    """An addition as the page shows it: one engine event, or a group's events into one input."""

    child: Value
    parent: Value
    local: float
    child_grad: float
    before: float
    after: float
    edge: str  # element id of the edge to light


def _shown_edges(
    events: list[BackwardEvent],
    groups: dict[Value, Group],
    ids: dict[Value, str],
    edge_ids: dict[tuple[Value, int], str],
) -> list[_Shown] | None:
    """The engine's events, with each group's additions into one input merged into one step
    (where its last one happened). None if another addition came in between, so that the merged
    step's sum would not be the engine's."""
    owner = {node: root for root, g in groups.items() for node in (root, *g.interior)}
    expected = Counter(
        (owner[e.child], e.parent)
        for e in events
        if e.child in owner and e.parent not in groups[owner[e.child]].interior
    )
    position: dict[tuple[Value, Value], int] = {}  # (group root, input) -> its first index
    for group_root, g in groups.items():
        for i, node in enumerate(g.inputs):
            position.setdefault((group_root, node), i)
    first: dict[tuple[Value, Value], BackwardEvent] = {}
    seen: Counter[tuple[Value, Value]] = Counter()
    root_grad: dict[Value, float] = {}
    out = []
    for e in events:
        root = owner.get(e.child)
        if root is None:
            out.append(
                _Shown(
                    e.child, e.parent, e.local, e.child_grad, e.before, e.after, edge_ids[e.child, e.index]
                )
            )
            continue
        if e.child is root:
            root_grad[root] = e.child_grad
        if e.parent in groups[root].interior:
            continue  # inside the group: hidden
        key = (root, e.parent)
        first.setdefault(key, e)
        seen[key] += 1
        if seen[key] < expected[key]:
            continue
        g = groups[root]
        i = position[key]
        before, gradient = first[key].before, root_grad[root]
        if abs(before + g.values[i] * gradient - e.after) > 1e-12 * (abs(e.after) + 1.0):
            return None
        out.append(_Shown(root, e.parent, g.values[i], gradient, before, e.after, f"{ids[root]}g{i}"))
    return out


def _zero_grad_step(optimizer: Optimizer, names: dict[Value, str], ids: dict[Value, str]) -> ReplayStep:
    params = [p for p in optimizer.params if p in ids]
    listed = ", ".join(printable(names[p]) for p in params)
    text = f"optimizer.zero_grad(): the gradient of every parameter ({listed}) is set to 0"
    return ReplayStep(text, changes=tuple((ids[p], "grad", 0.0) for p in params))


def _update_steps(
    optimizer: Optimizer,
    grads: dict[Value, float],
    names: dict[Value, str],
    ids: dict[Value, str],
    number: NumberText,
) -> list[ReplayStep]:
    """One step per parameter: the value the optimizer's own ``step`` gives it from ``grads``,
    tried on the side and undone."""
    params = optimizer.params
    saved = [(p.data, p.grad) for p in params]
    state = optimizer.state_dict()
    try:
        for p in params:
            p.grad = grads.get(p, 0.0)
        optimizer.step()
        new = [p.data for p in params]
    finally:
        for p, (data, grad) in zip(params, saved):
            p.data, p.grad = data, grad
        optimizer.load_state_dict(state)
    plain_sgd = (
        type(optimizer).__name__ == "SGD" and not state.get("momentum") and not state.get("weight_decay")
    )
    steps = []
    for p, (old, _), value in zip(params, saved, new):
        if p not in ids:
            continue
        name, g = printable(names[p]), grads.get(p, 0.0)
        if plain_sgd:
            rule = (
                f"{name} − lr·{name}.grad = {_minus(number(old))} − {_signed(number(optimizer.lr))} "
                f"× {_signed(number(g))}"
            )
        else:
            rule = (
                f"{type(optimizer).__name__}'s step from {_minus(number(old))} with {name}.grad = "
                f"{_minus(number(g))}"
            )
        text = f"{name} ← {rule} = {_minus(number(value))}"
        steps.append(ReplayStep(text, node=ids[p], changes=((ids[p], "value", value),)))
    return steps


def _backward_steps(
    root: Value,
    events: list[_Shown],
    names: dict[Value, str],
    ids: dict[Value, str],
    number: NumberText,
) -> list[ReplayStep]:
    additions = Counter(e.parent for e in events)
    seen: Counter[Value] = Counter()
    name = {node: printable(n) for node, n in names.items()}
    seed = (
        f"backward starts from gradients of 0 (as after zero_grad), and {name[root]}.grad = 1: "
        "the output's gradient with respect to itself"
    )
    zeros = tuple((element, "grad", 0.0) for node, element in ids.items() if node is not root)
    steps = [ReplayStep(seed, node=ids[root], changes=(*zeros, (ids[root], "grad", 1.0)))]
    for e in events:
        seen[e.parent] += 1
        p, c = name[e.parent], name[e.child]
        local, child_grad, added = (
            _signed(number(x)) for x in (e.local, e.child_grad, e.local * e.child_grad)
        )
        text = (
            f"{p}.grad += {derivative(c, p)} × {c}.grad = {local} × {child_grad}, "
            f"so {_minus(number(e.before))} + {added} = {_minus(number(e.after))}"
        )
        if additions[e.parent] > 1:
            text += f" (addition {seen[e.parent]} of {additions[e.parent]} to {p})"
        steps.append(
            ReplayStep(text, node=ids[e.parent], edge=e.edge, changes=((ids[e.parent], "grad", e.after),))
        )
    return steps


def _signed(text: str) -> str:
    """A number as a factor or a term after an operator, written by hand: a negative one in
    parentheses, with a true minus sign: ``× (−0.04)``.

    >>> _signed("-0.04"), _signed("2.5e-05")
    ('(−0.04)', '2.5e−05')
    """
    text = _minus(text)
    return f"({text})" if text.startswith("\u2212") else text


def _minus_of(number: NumberText) -> NumberText:
    """``number`` writing its minus signs as true ones (``_minus``)."""
    return lambda x: _minus(number(x))


def _minus(text: str) -> str:
    """A number with a true minus sign (U+2212) for a hyphen, in front and in an exponent:
    ``−2.5e−05``.

    >>> _minus("-2.500e-05"), _minus("0.5")
    ('−2.500e−05', '0.5')
    """
    return re.sub(r"(^|(?<=[eE]))-(?=[\d.])", "\u2212", text)


def _inline_svg(svg: str) -> str:
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).strip()


# Zoom on click, for every page with graphs (the walkthrough's report uses these too): a figure
# whose graph is wider than the figure toggles between fitted to its width and natural size,
# scrolled inside the figure, by click, Enter or space. Without the script graphs stay fitted.
ZOOM_STYLE = """
figure.zoomable { cursor: zoom-in; }
figure.zoomed { cursor: zoom-out; overflow-x: auto; }
figure.zoomed svg { max-width: none; }
"""

ZOOM_SCRIPT = """
(function () {
  const figures = Array.from(document.querySelectorAll("figure"));
  function wide(f) {
    const svg = f.querySelector("svg");
    return !!svg && svg.hasAttribute("width") && svg.width.baseVal.value > f.clientWidth + 1;
  }
  function mark(f) {
    const zoomed = f.classList.contains("zoomed"), on = zoomed || wide(f);
    const cue = zoomed ? "click to fit" : "click to enlarge";
    f.classList.toggle("zoomable", on);
    for (const [name, value] of [["tabindex", "0"], ["title", cue], ["aria-label", cue]]) {
      if (on) f.setAttribute(name, value); else f.removeAttribute(name);
    }
  }
  function toggle(f) {
    if (f.classList.contains("zoomable")) { f.classList.toggle("zoomed"); mark(f); }
  }
  for (const f of figures) {
    f.addEventListener("click", function () { toggle(f); });
    f.addEventListener("keydown", function (e) {
      if ((e.key === "Enter" || e.key === " ") && e.target === f && f.classList.contains("zoomable")) {
        toggle(f); e.preventDefault(); e.stopPropagation();
      }
    });
  }
  function markAll() { figures.forEach(mark); }
  markAll();
  window.addEventListener("load", markAll);
  window.addEventListener("resize", markAll);
})();
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
h1 { font-size: 1.2rem; margin: 0 0 0.5rem; }
#controls { display: flex; gap: 0.4rem; align-items: center; flex-wrap: wrap; margin-bottom: 0.5rem; }
#controls button { font-size: 1rem; min-width: 2.4rem; }
#slider { flex: 1; min-width: 10rem; }
#main { display: flex; gap: 1rem; align-items: flex-start; flex-wrap: wrap; }
#graph { flex: 3; min-width: 20rem; overflow: auto; margin: 0; }
figure svg { max-width: 100%; height: auto; }
#panel { flex: 1; min-width: 16rem; }
#text { font-size: 1.05rem; line-height: 1.5; background: #f6f8fa; padding: 0.75rem; border-radius: 4px; }
.muted { color: #666; font-size: 0.9rem; }
g.node.current polygon, g.node.current path { stroke: #d62728; stroke-width: 3; }
g.edge.current path, g.edge.current polygon { stroke: #d62728; stroke-width: 3; }
g.edge.current polygon { fill: #d62728; }
g.edge.current text { fill: #d62728; font-weight: bold; }
g.node text.changed { fill: #d62728; font-weight: bold; }
g.edge.pending text { visibility: hidden; }
"""

_SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById("replay-data").textContent);
  const steps = data.steps, last = steps.length - 1;
  const body = document.body, slider = document.getElementById("slider");
  const shown = document.getElementById("text"), counter = document.getElementById("counter");
  const play = document.getElementById("play");
  const blank = "\\u00b7";
  // Each node's value is the third text from the end of its label, its gradient the last one.
  // They are right-aligned in cells that have room for the longest number they will show.
  // The width is that of the text Graphviz placed; a page not laid out yet (a report's frame
  // still loading) measures 0, and then the text stays where Graphviz put it until it can be.
  function alignRight(text, placed) {
    const shown = text.textContent;
    text.textContent = placed;
    const width = text.getComputedTextLength ? text.getComputedTextLength() : 0;
    text.textContent = shown;
    if (!(width > 0)) return false;
    if (text.getAttribute("text-anchor") === "start") {
      text.setAttribute("x", String(Number(text.getAttribute("x")) + width));
    } else if (text.getAttribute("text-anchor") === "middle") {
      text.setAttribute("x", String(Number(text.getAttribute("x")) + width / 2));
    }
    text.setAttribute("text-anchor", "end");
    return true;
  }
  const cells = {};
  for (const id of Object.keys(data.nodes)) {
    const g = document.getElementById(id);
    const texts = g.querySelectorAll("text");
    const value = texts[texts.length - 3], grad = texts[texts.length - 1];
    const placed = { value: value.textContent, grad: grad.textContent };
    cells[id] = { g: g, value: value, grad: grad, placed: placed };
    g.dataset.node = data.nodes[id].name;
  }
  function alignCells() {
    for (const c of Object.values(cells)) {
      for (const field of ["value", "grad"]) {
        if (c.placed[field] !== null && alignRight(c[field], c.placed[field])) c.placed[field] = null;
      }
    }
  }
  // An edge's local derivative is shown once the forward pass has computed its child.
  const edges = {};
  for (const [id, child] of Object.entries(data.edges || {})) {
    const e = document.getElementById(id);
    if (e) edges[id] = { g: e, child: child };
  }
  body.dataset.steps = String(steps.length);
  slider.max = String(last);
  let current = 0, timer = null;

  function show(n) {
    alignCells();
    n = Math.max(0, Math.min(last, Number.isFinite(n) ? Math.floor(n) : 0));
    const state = {};
    for (const [id, node] of Object.entries(data.nodes)) state[id] = { value: node.value, grad: null };
    for (let i = 1; i <= n; i++) {
      for (const [id, field, exact, text] of steps[i].changes) state[id][field] = [exact, text];
    }
    for (const [id, c] of Object.entries(cells)) {
      const v = state[id].value, g = state[id].grad;
      c.g.dataset.value = v ? v[0] : "";
      c.g.dataset.grad = g ? g[0] : "";
      c.value.textContent = v ? v[1] : blank;
      c.grad.textContent = g ? g[1] : blank;
      c.g.classList.remove("current");
      c.value.classList.remove("changed");
      c.grad.classList.remove("changed");
    }
    for (const e of Object.values(edges)) {
      const pending = !state[e.child].value;
      e.g.classList.toggle("pending", pending);
      e.g.dataset.local = pending ? "pending" : "shown";
    }
    document.querySelectorAll("g.edge.current").forEach((e) => e.classList.remove("current"));
    const s = steps[n];
    if (s.node) cells[s.node].g.classList.add("current");
    for (const [id, field] of s.changes) cells[id][field].classList.add("changed");
    if (s.edge) document.getElementById(s.edge).classList.add("current");
    shown.textContent = s.text;
    counter.textContent = "step " + n + " of " + last;
    slider.value = String(n);
    body.dataset.step = String(n);
    current = n;
    try { history.replaceState(null, "", "#step=" + n); } catch (e) { /* a sandboxed frame */ }
  }

  function fromHash() {
    const m = /step=(\\d+)/.exec(location.hash);
    return m ? Number(m[1]) : 0;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "play"; } }
  function toggle() {
    if (timer) return stop();
    if (current >= last) show(0);
    play.textContent = "pause";
    timer = setInterval(function () { if (current >= last) stop(); else show(current + 1); }, 700);
  }
  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("prev").onclick = function () { stop(); show(current - 1); };
  document.getElementById("next").onclick = function () { stop(); show(current + 1); };
  document.getElementById("last").onclick = function () { stop(); show(last); };
  play.onclick = toggle;
  slider.oninput = function () { stop(); show(Number(slider.value)); };
  document.addEventListener("keydown", function (e) {
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last };
    if (e.key in moves) { stop(); show(moves[e.key]); e.preventDefault(); }
    else if (e.key === " ") { toggle(); e.preventDefault(); }
  });
  window.addEventListener("hashchange", function () { if (fromHash() !== current) show(fromHash()); });
  show(fromHash());
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{style}</style></head>
<body data-step="0" data-steps="0">
<h1>{title}</h1>
<div id="controls">
<button id="first" title="first step (Home)">|\u25c0</button>
<button id="prev" title="previous step (\u2190)">\u25c0</button>
<button id="play" title="play / pause (space)">play</button>
<button id="next" title="next step (\u2192)">\u25b6</button>
<button id="last" title="last step (End)">\u25b6|</button>
<input id="slider" type="range" min="0" max="0" value="0" aria-label="step">
<span id="counter" class="muted"></span>
</div>
<div id="main">
<figure id="graph">{svg}</figure>
<div id="panel"><div id="text"></div>
<p class="muted">Forward: each node's value appears in the order the graph was built. Backward:
every edge passes on <code>parent.grad += local \u00d7 node.grad</code>; a node used twice
receives two additions. Keys: \u2190 \u2192 Home End, space to play.</p></div>
</div>
<script id="replay-data" type="application/json">{payload}</script>
<script>{script}</script>
</body></html>
"""

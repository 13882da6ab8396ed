"""Labels and ``fmt`` number writers reach every output as text, never as markup: SVG and DOT
pictures, Markdown, LaTeX, MathML/HTML explanations and the replay page. Long labels are
shortened in pictures, whole in the tooltip, and never break Graphviz. The walkthrough's reports
are read with the same readers (``Tags``, ``markdown_parts``) in
``tests/walkthrough/test_report_injection.py``.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

import pytest

import viz
from autograd import Value
from viz import explain
from viz.dot import MAX_LABEL, MAX_TOOLTIP

from ..builds import assigned

IMG = "<img src=x onerror=alert(1)>"
HOSTILE = [IMG, '"]; evil [label="', "\\", "$", "}", "a\nb", "[a](javascript:alert(1))", "x`|y", "&amp;"]
HOSTILE += ["a\\|" + IMG]  # in a table, \| would end the cell and free the rest
FMT_HTML: Callable[[float], str] = lambda x: IMG  # noqa: E731
FMT_TEX: Callable[[float], str] = lambda x: "}{\\x$%#_"  # noqa: E731
SVG_NS = "{http://www.w3.org/2000/svg}"
SVG_ELEMENTS = {"svg", "g", "title", "polygon", "text", "path", "a", "ellipse", "polyline"}


class Tags(HTMLParser):
    """Every start tag of an HTML text, with its attributes, and the text between tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def injected(self) -> list[str]:
        """Tags or attributes no output of ours writes: an image, a handler, a script link; an
        embedded page (the replay's frame) is read the same way."""
        bad = [t for t, _ in self.tags if t in ("img", "evil", "object", "embed")]
        for _, attrs in self.tags:
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                    bad.append(f"{name}={value}")
                if name == "srcdoc":
                    bad += Tags(value or "").injected()
        return bad


def graph(label: str) -> tuple[Value, Value]:
    x = Value(0.3, label=label)
    y = (x * x + x).tanh()
    y.label = "out"
    return y, x


CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
CODE_ELEMENT = re.compile(r"<code>([^<]*)</code>")


def markdown_parts(md: str) -> tuple[list[str], list[str], str]:
    """(code contents, $$ math blocks, the prose left), read as GitHub-flavoured Markdown reads
    them: a table row is first split into cells at every pipe not escaped by a backslash, then
    each cell is read on its own."""
    math = re.findall(r"\$\$\n(.*?)\n\$\$", md, flags=re.DOTALL)
    rest = re.sub(r"\$\$\n.*?\n\$\$", "", md, flags=re.DOTALL)
    pieces = []
    for line in rest.splitlines():
        if line.startswith("|"):
            pieces += re.split(r"(?<!\\)(?:\\\\)*\|", line)  # GFM's cell borders
        else:
            pieces.append(line)
    spans: list[str] = []
    prose = []
    for piece in pieces:
        spans += [m.group(2) for m in CODE_SPAN.finditer(piece)]
        spans += [html.unescape(m.group(1)) for m in CODE_ELEMENT.finditer(piece)]
        prose.append(CODE_ELEMENT.sub("", CODE_SPAN.sub("", piece)))
    return spans, math, "\n".join(prose)


@pytest.mark.parametrize("label", HOSTILE)
@pytest.mark.parametrize("method", ["paths", "deltas", "forward"])
def test_markdown_shows_labels_and_numbers_as_text(label: str, method: str) -> None:
    y, x = graph(label)
    md = explain(y, x, method=method, fmt=FMT_HTML, format="markdown")  # type: ignore[call-overload]
    spans, math, prose = markdown_parts(md)
    # raw HTML could only come from outside the code spans, where CommonMark reads tags
    assert Tags(prose).tags == [], prose
    for block in math:  # read as text by a renderer without math: no tag, link or entity
        assert not re.search(r"[<>]|\](\(|\[)", block), block  # a tag, a link
        assert not re.search(r"(?<!\\)&[#\w]+;", block), block
    assert any(label.replace("\n", "\\n") in s for s in spans)  # the label, in code
    assert "&lt;img src=x onerror=alert(1)&gt;" in prose  # fmt's text, as text


@pytest.mark.parametrize("label", HOSTILE)
def test_html_explanation_has_no_injected_element(label: str) -> None:
    y, x = graph(label)
    for method in ("paths", "deltas", "forward"):
        page = Tags(explain(y, x, method=method, fmt=FMT_HTML, format="html"))  # type: ignore[call-overload]
        assert page.injected() == []
        text = "".join(page.data)
        assert label.replace("\n", "\\n") in text and IMG in text  # shown, as text


@pytest.mark.parametrize("label", HOSTILE)
def test_latex_keeps_braces_balanced_and_specials_escaped(label: str) -> None:
    y, x = graph(label)
    for method in ("paths", "deltas", "forward"):
        tex = explain(y, x, method=method, fmt=FMT_TEX, format="latex")  # type: ignore[call-overload]
        plain = re.sub(r"\\[{}$%#_&\\]|\\backslash\{\}", "", tex)  # drop escaped characters
        assert plain.count("{") == plain.count("}"), tex
        assert not re.search(r"[$%#]", plain), tex
        assert "\n\\end{aligned}" in tex and "a\nb" not in tex  # no line of the label's own


def svg_of(label: str, dot: str, fmt: Callable[[float], str] | None = None) -> ET.Element:
    y, _ = graph(label)
    return ET.fromstring(viz.to_svg(y, fmt=fmt, formulas=True, dot=dot).encode())


@pytest.mark.parametrize("label", HOSTILE)
def test_svg_shows_labels_and_numbers_as_text(label: str, dot: str) -> None:
    root = svg_of(label, dot, FMT_HTML)
    assert {el.tag.removeprefix(SVG_NS) for el in root.iter()} <= SVG_ELEMENTS
    assert not [a for el in root.iter() for a in el.attrib if a.startswith("on")]
    nodes = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"]
    assert len(nodes) == 4  # x and the three ops: nothing injected into the DOT
    texts = [t for el in root.iter(f"{SVG_NS}text") for t in el.itertext()]
    assert label.replace("\n", "\\n") in texts and IMG in texts


@pytest.mark.parametrize("length", [MAX_LABEL + 1, 20_000, 70_000])
def test_long_labels_are_shortened_in_pictures_and_whole_in_tooltips(length: int, dot: str) -> None:
    label = "é<" * (length // 2) + "x" * (length % 2)
    root = svg_of(label, dot)
    texts = [t for el in root.iter(f"{SVG_NS}text") for t in el.itertext()]
    shown = [t for t in texts if t.startswith("é<")]
    assert shown and all(len(t) == MAX_LABEL and t.endswith("…") for t in shown)
    tips = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("title")]
    whole = label if length <= MAX_TOOLTIP else label[: MAX_TOOLTIP - 1]
    assert any(whole in tip for tip in tips)


def test_long_numbers_from_fmt_are_shortened_too(dot: str) -> None:
    root = svg_of("x", dot, lambda v: f"{v:.4f}" + "9" * 20_000)
    texts = [t for el in root.iter(f"{SVG_NS}text") for t in el.itertext()]
    assert max(len(t) for t in texts) == MAX_LABEL


def test_replay_page_has_no_injected_element() -> None:
    y, _ = graph(IMG + "</script><script>alert(2)</script>")
    page = Tags(viz.replay(y, fmt=FMT_HTML).html())
    assert page.injected() == []
    assert [t for t, _ in page.tags].count("script") == 2  # its data and its code, nothing more


@pytest.mark.parametrize("bad", [123, None, b"x", ["x"]], ids=["int", "None", "bytes", "list"])
def test_a_label_that_is_not_text_is_named_where_it_is_read(bad: object) -> None:
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    if not assigned(x, "label", bad):
        return
    message = rf"the label of node {x.index} \(leaf, data 2.0\) is {type(bad).__name__} .*not a str"
    for show in (
        lambda: viz.to_svg(y),
        lambda: viz.draw(y),
        lambda: explain(y, x),
        lambda: explain(y, x, method="forward", format="markdown"),
        lambda: viz.replay(y).html(),
    ):
        with pytest.raises(TypeError, match=message):
            show()

"""The text, Markdown, LaTeX and HTML (MathML) forms of an explanation, and escaping of labels in each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd import Value
from viz import explain
from viz.explain_formats import latex_formula, latex_name

from ..browser import needs_browser, rendered


def neuron() -> tuple[Value, Value]:
    w = Value(0.4, label="w5")
    a = Value(0.593270, label="a_h1")
    z = w * a + 0.6
    z.label = "z_o1"
    out = z.sigmoid()
    out.label = "a_o1"
    return out, w


def test_format_picks_the_form_and_the_object_has_all_four() -> None:
    out, w = neuron()
    e = explain(out, w)
    assert str(e) == e.to_text() == explain(out, w, format="text")
    assert e.to_markdown() == explain(out, w, format="markdown") == e._repr_markdown_()
    assert e.to_latex() == explain(out, w, format="latex")
    assert e.to_html() == explain(out, w, format="html")
    with pytest.raises(ValueError, match="format must be"):
        explain(out, w, format="pdf")  # type: ignore[call-overload]


def test_html_typesets_the_chain_rule_in_mathml() -> None:
    out, w = neuron()
    page = explain(out, w).to_html()
    # ∂a_o1/∂w5 as a fraction of ∂-prefixed names with subscripts, = the chain, = numbers
    first = page.split("\n")[1]
    assert first.startswith(
        '<div class="equation" style="margin: 0.35em 0"><math style="math-style: normal">'
    )
    assert first.split('normal">')[1].startswith("<mrow><mfrac><mrow><mo>∂</mo><msub><mi>a</mi><mi>o1</mi>")
    assert first.count("<mfrac>") == 1 + 3 and first.count("<mo>×</mo>") == 2
    # each local derivative's reading, typeset: a_o1·(1 − a_o1)
    reading = "<msub><mi>a</mi><mi>o1</mi></msub><mo>·</mo><mo>(</mo><mn>1</mn><mo>−</mo>"
    assert reading in page
    assert "Check: <code>autograd.grad(a_o1, [w5])</code> gives 0.125083, the same as above ✓" in page
    assert "<script" not in page
    deltas = explain(out, w, method="deltas").to_html()
    assert deltas.count("<mi>δ</mi>") >= 4


def test_html_escapes_every_name() -> None:
    x = Value(0.3, label="<img src=x onerror=alert(1)>")
    y = (x * x).tanh()
    y.label = "y"
    page = explain(y, x).to_html() + explain(y, x, method="deltas").to_html()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_latex_writes_fractions_and_subscripts_like_the_worked_examples() -> None:
    out, w = neuron()
    tex = explain(out, w).to_latex()
    first = (
        r"\frac{\partial a_{o1}}{\partial w_{5}} &= "
        r"\frac{\partial a_{o1}}{\partial z_{o1}} \cdot"
    )
    assert first in tex
    assert r"a_{o1} \cdot (1 - a_{o1})" in tex
    # w5 * a_h1 is the graph's first unlabelled op result: u1
    assert r"\frac{\partial u_{1}}{\partial w_{5}} &= a_{h1} = 0.593270" in tex
    assert tex.count(r"\begin{aligned}") == tex.count(r"\end{aligned}") == 2
    assert r"\checkmark" in tex


def test_markdown_has_math_a_factor_table_and_the_check() -> None:
    out, w = neuron()
    md = explain(out, w).to_markdown()
    assert md.startswith("**Chain rule** for `∂a_o1/∂w5`, 1 path from `w5` up to `a_o1`.")
    assert "$$\n\\begin{aligned}\n" in md
    assert "| `∂a_o1/∂z_o1` | `a_o1·(1 − a_o1)` | 0.210836 |" in md
    assert "&= 0.210836 \\times 1.000000 \\times 0.593270 \\\\\n&= 0.125083" in md
    assert md.endswith("the same as above ✓")


NASTY = r'<b>&"x"</b> $50% #1 _{}^~\ `tick` |pipe|'


def test_labels_are_escaped_in_every_form() -> None:
    x = Value(0.3, label=NASTY)
    y = (x * x).tanh()
    y.label = "y"
    e = explain(y, x)
    assert f"∂y/∂({NASTY})" in str(e)  # text is literal, in parentheses inside ∂
    tex = e.to_latex()
    escaped = (
        r"\mathrm{<b>\&\"x\"</b>\ \$50\%\ \#1\ \_\{\}\hat{}\sim{}\backslash{}\ "
        r"`tick`\ |pipe|}"
    ).replace('\\"', '"')
    assert escaped in tex
    body = tex.replace(escaped, "")
    assert not re.search(r"(?<!\\)[$%#]", body)  # no unescaped specials anywhere else
    md = e.to_markdown()
    math = md.split("$$")[1]
    assert "\\lt{}b\\gt{}" in math and "<b>" not in math  # MathJax sees no HTML
    prose = re.sub(r"(`+)(.+?)\1|<code>[^<]*</code>", "", md.replace(math, ""))
    assert "<b>" not in prose and "tick" not in prose  # the label only appears as code
    table = [line for line in md.splitlines() if line.startswith(("| `", "| <code>"))]
    assert table and all(line.count(" | ") == 2 for line in table)  # the pipes are escaped
    assert "``∂y/∂" in md  # a longer fence around a name holding a backtick


def test_deltas_in_latex_and_markdown() -> None:
    out, w = neuron()
    d = explain(out, w, method="deltas")
    tex = d.to_latex()
    assert r"\delta_{z_{o1}} &= \delta_{a_{o1}} \frac{\partial a_{o1}}{\partial z_{o1}}" in tex
    assert "by responsibilities" in d.to_markdown()


def test_a_mismatch_would_be_reported() -> None:
    out, w = neuron()
    e = explain(out, w)
    wrong = type(e)(**{**e.__dict__, "gradient": e.gradient + 1.0, "matches": False})
    assert "does NOT match" in str(wrong) and "✗" in str(wrong)
    assert r"\neq" in wrong.to_latex()


def test_latex_helpers() -> None:
    assert latex_name("x") == "x" and latex_name("loss") == r"\mathrm{loss}"
    assert latex_name("layers.0.w") == r"\mathrm{layers.0.w}"
    assert latex_formula("1/(2*sqrt(x))", (("x", "u"),)) == r"1/(2 \cdot \operatorname{sqrt}(u))"
    assert latex_formula("1 if x > 0 else 0", (("x", "h"),)) == (r"1\text{ if }h > 0\text{ else }0")


@needs_browser
def test_html_is_typeset_by_a_real_browser(tmp_path: Path) -> None:
    out, w = neuron()
    probe = """<script>
const frac = document.querySelector("mfrac").getBoundingClientRect();
const op = document.querySelector("mo").getBoundingClientRect();
document.body.dataset.stacked = String(frac.height > 1.5 * op.height);  // numerator over denominator
</script>"""
    page = tmp_path / "explain.html"
    body = explain(out, w).to_html() + probe
    page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>')
    dom = rendered(page, tmp_path / "profile")
    assert 'data-stacked="true"' in dom


def test_html_writes_one_edge_by_its_formula_and_parenthesises_odd_names() -> None:
    x = Value(3.0, label="x")
    y = x.tanh()
    y.label = "y"
    first = explain(y, x).to_html().split("\n")[1]
    assert first.count("<mfrac>") == 1 and "<mo>−</mo><msup><mi>y</mi>" in first  # ∂y/∂x = 1 − y² = …
    s = Value(0.3, label="1 - s")
    z = s.sigmoid()
    z.label = "z"
    page = explain(z, s).to_html()
    assert '<mo>∂</mo><mrow><mo>(</mo><mi mathvariant="normal">1 - s</mi><mo>)</mo></mrow>' in page


def test_a_networks_textbook_names_are_set_with_the_layer_as_a_superscript() -> None:
    from nn import MLP

    net = MLP(2, [2, 1], activation="sigmoid", weights=[[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]])
    y = net([1.0, 2.0])
    assert isinstance(y, Value)
    w = net.layers[0].neurons[0].w[1]  # w1_1,2: layer 1, neuron 1, input 2
    tex = explain(y, w, format="latex")
    assert "\\partial w^{[1]}_{1,2}" in tex and "\\partial z^{[2]}_{1}" in tex and "w1\\_1" not in tex
    page = explain(y, w, format="html")
    layered = "<mi>w</mi><mrow><mn>1</mn><mo>,</mo><mn>2</mn></mrow><mrow><mo>[</mo><mn>1</mn><mo>]</mo>"
    assert f"<msubsup>{layered}" in page
    assert "<mo>(</mo><msubsup>" not in page  # one symbol: no parentheses around it
    assert "∂(w1_1,2)" in str(explain(y, w))  # the text form keeps the name as typed

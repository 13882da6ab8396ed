"""Writing an ``Explanation`` as text, Markdown or LaTeX.

Every name comes from the user (node labels), and so does every number a ``fmt`` callable writes,
so each writer escapes it for its format: LaTeX specials become commands (in Markdown's math
also ``<``, ``>``, ``[`` and ``]``), Markdown names go in code spans, other Markdown text is
escaped by ``markdown_text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from autograd.ops import formula_functions

from .naming import derivative, math_parts, printable, with_value

if TYPE_CHECKING:
    from .explain import ChainPath, Delta, Explanation, Factor, Tangent

Num = Callable[[float], str]  # writes a number
Namer = Callable[[str], str]  # writes a node's name in LaTeX


# --- text -------------------------------------------------------------------------------------
def text(e: Explanation) -> str:
    """The plain-text form, one equation per line (``str(explanation)``)."""
    n = e.number
    d = derivative(e.output, e.wrt)
    lines = []
    single = single_factor(e)
    if e.n_paths == 0:
        lines.append(
            f"{e.output} does not depend on {e.wrt}: no path leads from {e.wrt} to {e.output}, so {d} = 0"
        )
    elif e.paths and not e.paths[0].factors:
        lines.append(f"{d} = 1: {e.wrt} is the output itself")
    elif single is not None:
        lines.append(f"{d} = {with_value(single.formula, n(single.value), single.value)}")
    elif e.method == "paths" and len(e.paths) == 1:
        lines.append(f"{d} = {_symbols(e.paths[0])} = {_product(e.paths[0], n)}")
    elif e.method == "paths":
        lines.append(
            f"{d} is the sum, over the {len(e.paths)} paths from {e.wrt} up to {e.output}, of the "
            "product of the local derivatives along each path:"
        )
        for k, path in enumerate(e.paths, 1):
            lines.append(f"  path {k}: {_symbols(path)} = {_product(path, n)}")
        terms = " + ".join(_paren(n(p.product)) for p in e.paths)
        lines.append(f"{d} = {terms} = {n(e.total)}")
    elif e.method == "forward":
        lines += forward_text(e)
    else:
        lines.append(
            f"{d} by responsibilities, from {e.output} back to {e.wrt}: δ of a node is "
            f"∂{e.output}/∂node, the sum over its children c of δ_c · ∂c/∂node"
        )
        for delta in e.deltas:
            lines.append(f"  {_delta_text(delta, n)}")
        lines.append(f"{d} = δ_{e.wrt} = {n(e.total)}")
    if e.factors and single is None:
        lines.append("where the local derivatives, with this graph's names, are")
        for f in e.factors:
            lines.append(f"  {f.symbol} = {with_value(f.formula, n(f.value), f.value)}")
    check = f"autograd.grad({e.output}, [{e.wrt}]) gives {n(e.gradient)}"
    lines.append(f"check: {check}, {verdict(e)}")
    return "\n".join(lines)


def single_factor(e: Explanation) -> Factor | None:
    if e.method == "paths" and len(e.paths) == 1 and len(e.paths[0].factors) == 1:
        return e.paths[0].factors[0]
    return None


def _symbols(path: ChainPath) -> str:
    return " · ".join(f.symbol for f in path.factors)


def _product(path: ChainPath, n: Num) -> str:
    values = " × ".join(_paren(n(f.value)) for f in path.factors)
    return f"{values} = {n(path.product)}"


def _delta_text(delta: Delta, n: Num) -> str:
    if not delta.terms:
        return f"δ_{delta.node} = 1 ({delta.node} is the output)"
    symbols = " + ".join(f"δ_{f.child} · {f.symbol}" for _, f in delta.terms)
    numbers = " + ".join(f"{_paren(n(d))} × {_paren(n(f.value))}" for d, f in delta.terms)
    return f"δ_{delta.node} = {symbols} = {numbers} = {n(delta.value)}"


def verdict(e: Explanation) -> str:
    """Whether the chain rule's sum matches ``autograd.grad``, in words."""
    what = "the sum" if len(e.paths) > 1 else "above"
    if e.matches:
        return f"the same as {what} ✓"
    difference = abs(e.total - e.gradient)
    return f"which does NOT match {e.number(e.total)} ✗ (they differ by {difference:.3g})"


def _paren(number: str) -> str:
    """A negative number in parentheses, as a hand calculation writes ``0.5 × (-2)``."""
    return f"({number})" if number.startswith("-") else number


# --- LaTeX ------------------------------------------------------------------------------------
def latex(e: Explanation) -> str:
    """Display math (``\\[ ... \\]`` with ``aligned``, from amsmath) for a LaTeX document."""
    blocks = _latex_blocks(e, False)
    return "\n".join(f"\\[\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n\\]" for body in blocks)


def _latex_blocks(e: Explanation, mathjax: bool) -> list[str]:
    n = e.number

    def name(text: str) -> str:
        return latex_name(text, mathjax)

    def num(text: str, paren: bool = True) -> str:
        return _num(text, paren, mathjax)

    d = _frac(name(e.output), name(e.wrt))
    rows = []
    if e.n_paths == 0:
        rows.append(f"{d} &= 0 && \\text{{(no path leads from the input to the output)}}")
    elif e.paths and not e.paths[0].factors:
        rows.append(f"{d} &= 1 && \\text{{(the output itself)}}")
    elif e.method == "paths" and len(e.paths) == 1:
        path = e.paths[0]
        rows.append(f"{d} &= {_latex_symbols(path, name)}")
        if len(path.factors) > 1:
            rows.append(f"&= {_latex_product(path, n, mathjax)}")
        rows.append(f"&= {num(n(path.product), paren=False)}")
    elif e.method == "paths":
        for k, path in enumerate(e.paths, 1):
            rows.append(
                f"\\text{{path {k}:}}\\quad & {_latex_symbols(path, name)} = "
                f"{_latex_product(path, n, mathjax)} = {num(n(path.product), paren=False)}"
            )
        terms = " + ".join(num(n(p.product)) for p in e.paths)
        rows.append(f"{d} &= {terms} = {num(n(e.total), paren=False)}")
    elif e.method == "forward":
        rows += forward_latex(e, name, num)
    else:
        for delta in e.deltas:
            rows.append(_latex_delta(delta, n, name, mathjax))
        rows.append(f"{d} &= \\delta_{{{name(e.wrt)}}} = {num(n(e.total), paren=False)}")
    mark = "\\checkmark" if e.matches else "\\neq " + num(n(e.total), paren=False)
    gradient = num(n(e.gradient), paren=False)
    rows.append(f"\\text{{check, autograd.grad:}}\\quad {d} &= {gradient} \\quad {mark}")
    blocks = [" \\\\\n".join(rows)]
    if e.factors:
        rows = []
        for f in e.factors:
            value = num(n(f.value), paren=False)
            if with_value(f.formula, n(f.value), f.value) != n(f.value):
                value = f"{latex_formula(f.rule, f.arguments, mathjax)} = {value}"
            rows.append(f"{_latex_factor(f, name)} &= {value}")
        blocks.append(" \\\\\n".join(rows))
    return blocks


def _frac(top: str, bottom: str) -> str:
    return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"


def _latex_factor(f: Factor, name: Namer) -> str:
    frac = _frac(name(f.child), name(f.parent))
    return f"{frac}_{{[{f.argument + 1}]}}" if f.repeated else frac


def _latex_symbols(path: ChainPath, name: Namer) -> str:
    return " \\cdot ".join(_latex_factor(f, name) for f in path.factors)


def _latex_product(path: ChainPath, n: Num, mathjax: bool = False) -> str:
    return " \\times ".join(_num(n(f.value), True, mathjax) for f in path.factors)


def _latex_delta(delta: Delta, n: Num, name: Namer, mathjax: bool = False) -> str:
    me = f"\\delta_{{{name(delta.node)}}}"
    if not delta.terms:
        return f"{me} &= 1"
    symbols = " + ".join(f"\\delta_{{{name(f.child)}}} {_latex_factor(f, name)}" for _, f in delta.terms)
    numbers = " + ".join(
        f"{_num(n(d), True, mathjax)} \\times {_num(n(f.value), True, mathjax)}" for d, f in delta.terms
    )
    return f"{me} &= {symbols} = {numbers} = {_num(n(delta.value), False, mathjax)}"


_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?")


def _num(text: str, paren: bool = True, mathjax: bool = False) -> str:
    """A formatted number for math mode: negatives in parentheses (inside a product or sum),
    anything that is not a number (what a ``fmt`` callable wrote) escaped like a name."""
    if _NUMBER.fullmatch(text):
        return _paren(text) if paren else text
    return f"\\mathrm{{{_escape_math(printable(text), mathjax)}}}"


def latex_name(name: str, mathjax: bool = False) -> str:
    """A node name in math mode: ``w5`` → ``w_{5}``, ``a_o1`` → ``a_{o1}``, a layer's
    ``w2_1,3`` → ``w^{[2]}_{1,3}``, other text escaped.

    >>> latex_name("w5"), latex_name("E_total"), latex_name("tanh_3"), latex_name("<b>&x")
    ('w_{5}', 'E_{total}', '\\\\mathrm{tanh}_{3}', '\\\\mathrm{<b>\\\\&x}')
    >>> latex_name("w2_1,3")
    'w^{[2]}_{1,3}'
    """
    parts = math_parts(name)
    if parts is None:
        return f"\\mathrm{{{_escape_math(name, mathjax)}}}"
    base, sub, layer = parts
    base = base if len(base) == 1 else f"\\mathrm{{{base}}}"
    if layer:
        base = f"{base}^{{[{layer}]}}"
    return f"{base}_{{{sub}}}" if sub else base


_MATH_ESCAPES = {
    "\\": "\\backslash{}",
    "{": "\\{",
    "}": "\\}",
    "_": "\\_",
    "#": "\\#",
    "$": "\\$",
    "%": "\\%",
    "&": "\\&",
    "^": "\\hat{}",
    "~": "\\sim{}",
    " ": "\\ ",
}
# In Markdown the math is also read by renderers that know no math: no "<" (a tag), no "["
# (a link), no "&" (an entity) reaches them raw.
_MATHJAX_ESCAPES = {**_MATH_ESCAPES, "<": "\\lt{}", ">": "\\gt{}", "[": "\\lbrack{}", "]": "\\rbrack{}"}


def _escape_math(text: str, mathjax: bool) -> str:
    table = _MATHJAX_ESCAPES if mathjax else _MATH_ESCAPES
    return "".join(table.get(ch, ch) for ch in text)


_FORMULA_TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:e[-+]?\d+)?|.", re.DOTALL)
_WORDS = {"if", "else"}


def latex_formula(rule: str, arguments: tuple[tuple[str, str], ...], mathjax: bool = False) -> str:
    """An op-table formula (``2*x^(2 - 1)``) in math mode, its arguments replaced by names.

    >>> latex_formula("b*a^(b - 1)", (("a", "w5"), ("b", "-2.0")))
    '(-2.0) \\\\cdot w_{5}^{(-2.0) - 1}'
    """
    bound = dict(arguments)
    tokens = [t for t in _FORMULA_TOKEN.findall(rule) if not t.isspace()]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "^" and i + 1 < len(tokens):
            exponent, i = power_operand(tokens, i)
            out.append("^{" + _latex_tokens(exponent, bound, mathjax) + "}")
            continue
        out.append(_latex_tokens([token], bound, mathjax))
        i += 1
    return "".join(out).strip()


def power_operand(tokens: list[str], caret: int) -> tuple[list[str], int]:
    """The exponent after the ``^`` at ``tokens[caret]`` (one token, or a parenthesised group
    without its parentheses) and the index after it.

    >>> power_operand(["x", "^", "(", "p", "-", "1", ")", "+", "1"], 1)
    (['p', '-', '1'], 7)
    """
    if tokens[caret + 1] != "(":
        return [tokens[caret + 1]], caret + 2
    depth, j = 0, caret + 1
    while j < len(tokens):
        depth += {"(": 1, ")": -1}.get(tokens[j], 0)
        if depth == 0:
            break
        j += 1
    return tokens[caret + 2 : j], j + 1


def _latex_tokens(tokens: list[str], bound: dict[str, str], mathjax: bool) -> str:
    if len(tokens) > 1:
        return latex_formula(" ".join(tokens), tuple(bound.items()), mathjax)
    if not tokens:
        return ""
    token = tokens[0]
    if token in bound:
        value = bound[token]
        return _num(value, True, mathjax) if _NUMBER.fullmatch(value) else latex_name(value, mathjax)
    if token in formula_functions():
        return f"\\operatorname{{{token}}}"
    if token in _WORDS:
        return f"\\text{{ {token} }}"
    if token == "*":
        return " \\cdot "
    if token in "+-=<>":
        return f" {_escape_math(token, mathjax)} "
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
        return latex_name(token, mathjax)
    return _escape_math(token, mathjax)


# --- Markdown ---------------------------------------------------------------------------------
def markdown(e: Explanation) -> str:
    """Markdown with the equations as ``$$`` math (how Jupyter displays an ``Explanation``)."""
    n = e.number
    d = _code(derivative(e.output, e.wrt))
    if e.n_paths == 0:
        intro = f"{_code(e.output)} does not depend on {_code(e.wrt)}, so {d} = 0."
    elif e.method == "paths":
        paths = "1 path" if e.n_paths == 1 else f"{e.n_paths} paths"
        intro = f"{d}, {paths} from {_code(e.wrt)} up to {_code(e.output)}."
    elif e.method == "forward":
        intro = forward_markdown_intro(e)
    else:
        intro = (
            f"{d} by responsibilities: δ of each node, from {_code(e.output)} back to "
            f"{_code(e.wrt)}, is the sum over its children c of δ_c · ∂c/∂node."
        )
    blocks = _latex_blocks(e, True)
    parts = [
        f"**Chain rule** for {intro}" if e.n_paths else intro,
        f"$$\n\\begin{{aligned}}\n{blocks[0]}\n\\end{{aligned}}\n$$",
    ]
    if e.factors:
        rows = ["| local derivative | formula, with this graph's names | value |", "|:--|:--|--:|"]
        for f in e.factors:
            value = markdown_text(n(f.value))
            rows.append(f"| {_code(f.symbol, True)} | {_code(f.formula, True)} | {value} |")
        parts.append("\n".join(rows))
    parts.append(
        f"Check: {_code(f'autograd.grad({e.output}, [{e.wrt}])')} gives {markdown_text(n(e.gradient))}, "
        f"{markdown_text(verdict(e))}"
    )
    return "\n\n".join(parts)


_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]!|~$#{}]")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(text: str) -> str:
    r"""Text (a number a ``fmt`` callable wrote, say) as literal Markdown prose or a table cell:
    ``&``, ``<`` and ``>`` as entities (never a tag), Markdown's and math's specials after a
    backslash (never emphasis, a link, code, a cell border or ``$`` math).

    >>> print(markdown_text("<img src=x onerror=alert(1)> | $x$ [a](b)"))
    &lt;img src=x onerror=alert(1)&gt; \| \$x\$ \[a\](b)
    """
    text = "".join(_HTML_SPECIAL.get(ch, ch) for ch in printable(text))
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _code(text: str, in_table: bool = False) -> str:
    r"""``text`` as a Markdown code span, whatever backticks it holds. In a table cell, text with
    a pipe or a backslash is an HTML ``<code>`` element with those as character references:
    a table splits its rows at pipes before it reads code spans, and a backslash written before
    a pipe would let the pipe end the cell.

    >>> print(_code("a`b"), _code("x\\|<b>", in_table=True))
    ``a`b`` <code>x&#92;&#124;&#60;b&#62;</code>
    """
    if in_table and ("|" in text or "\\" in text):
        return (
            "<code>" + "".join(f"&#{ord(ch)};" if ch in _CODE_REFERENCES else ch for ch in text) + "</code>"
        )
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# --- forward mode: the tangent τ = ∂node/∂wrt carried from wrt up to the output ------------------
def _tangent_text(t: Tangent, wrt: str, n: Num) -> str:
    if not t.terms:
        return f"τ_{t.node} = 1 ({wrt} is the input: the seed)"
    symbols = " + ".join(f"{f.symbol} · τ_{f.parent}" for _, f in t.terms)
    numbers = " + ".join(f"{_paren(n(f.value))} × {_paren(n(tp))}" for tp, f in t.terms)
    return f"τ_{t.node} = {symbols} = {numbers} = {n(t.value)}"


def forward_text(e: Explanation) -> list[str]:
    """The forward-mode lines of the text form: the seed, each node's tangent, the result."""
    n = e.number
    d = derivative(e.output, e.wrt)
    lines = [
        f"{d} in forward mode, from {e.wrt} up to {e.output}: τ of a node is ∂node/∂{e.wrt}, "
        f"the sum over its inputs p of ∂node/∂p · τ_p"
    ]
    lines += [f"  {_tangent_text(t, e.wrt, n)}" for t in e.tangents]
    lines.append(f"{d} = τ_{e.output} = {n(e.total)}")
    return lines


def forward_latex(e: Explanation, name: Namer, num: Callable[..., str] = _num) -> list[str]:
    """The forward-mode rows of the LaTeX form (one ``aligned`` row per node)."""
    n = e.number
    rows = []
    for t in e.tangents:
        me = f"\\tau_{{{name(t.node)}}}"
        if not t.terms:
            rows.append(f"{me} &= 1 && \\text{{(the seed)}}")
            continue
        symbols = " + ".join(f"{_latex_factor(f, name)} \\, \\tau_{{{name(f.parent)}}}" for _, f in t.terms)
        numbers = " + ".join(f"{num(n(f.value))} \\times {num(n(tp))}" for tp, f in t.terms)
        rows.append(f"{me} &= {symbols} = {numbers} = {num(n(t.value), paren=False)}")
    d = _frac(name(e.output), name(e.wrt))
    rows.append(f"{d} &= \\tau_{{{name(e.output)}}} = {num(n(e.total), paren=False)}")
    return rows


def forward_markdown_intro(e: Explanation) -> str:
    """The Markdown form's first sentence in forward mode."""
    d = _code(derivative(e.output, e.wrt))
    return (
        f"{d} in forward mode: τ of each node, from {_code(e.wrt)} up to {_code(e.output)}, is "
        f"∂node/∂{_code(e.wrt)}, the sum over its inputs p of ∂node/∂p · τ_p."
    )


# Inside an HTML element Markdown still reads emphasis, links, code and ``$`` math: every such
# character is written as a reference.
_CODE_REFERENCES = frozenset("&<>|\\`*_[]$~!#{}")

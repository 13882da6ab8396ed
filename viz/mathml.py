"""Chain-rule explanations as MathML: typeset natively by current browsers, with no JavaScript
and no math library. ``explain(..., format="html")`` and the walkthrough's HTML reports use it.

Every name comes from the user, so it only ever reaches the page as escaped element text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from autograd.ops import formula_functions

from .explain_formats import power_operand, single_factor, verdict
from .naming import FUNCTION_SYMBOLS, in_derivative, math_parts, with_value

if TYPE_CHECKING:
    from .explain import ChainPath, Delta, Explanation, Factor, Tangent

Num = Callable[[float], str]

_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?")
_TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:e[-+]?\d+)?|.", re.DOTALL)
_OPERATORS = {"*": "·", "-": "−", "+": "+", "/": "/", "=": "=", "(": "(", ")": ")", ">": "&gt;", "<": "&lt;"}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def name(text: str) -> str:
    """A node's name: ``w5`` → w with subscript 5, ``a_h1`` → a with subscript h1, other text
    as it is (escaped).

    >>> name("w5")
    '<msub><mi>w</mi><mn>5</mn></msub>'
    >>> name("<b>")
    '<mi mathvariant="normal">&lt;b&gt;</mi>'
    >>> name("z2_1")   # a layer's textbook name: z, layer 2, neuron 1
    '<msubsup><mi>z</mi><mn>1</mn><mrow><mo>[</mo><mn>2</mn><mo>]</mo></mrow></msubsup>'
    """
    parts = math_parts(text)
    if parts is None:
        return f'<mi mathvariant="normal">{_e(text)}</mi>'
    base, sub, layer = parts
    variant = "" if len(base) == 1 else ' mathvariant="normal"'
    mi = f"<mi{variant}>{_e(base)}</mi>"
    if not sub:
        return mi
    if sub.isdigit():
        script = f"<mn>{sub}</mn>"
    elif "," in sub:  # a layer's neuron and input
        script = "<mrow>" + "<mo>,</mo>".join(f"<mn>{k}</mn>" for k in sub.split(",")) + "</mrow>"
    else:
        script = f"<mi>{_e(sub)}</mi>"
    if layer:
        return f"<msubsup>{mi}{script}<mrow><mo>[</mo><mn>{layer}</mn><mo>]</mo></mrow></msubsup>"
    return f"<msub>{mi}{script}</msub>"


def number(text: str, paren: bool = True) -> str:
    """A written number; a negative one in parentheses inside a product or sum."""
    if not _NUMBER.fullmatch(text):
        return f"<mtext>{_e(text)}</mtext>"
    if text.startswith("-"):
        inner = f"<mo>−</mo><mn>{_e(text[1:])}</mn>"
        return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>" if paren else f"<mrow>{inner}</mrow>"
    return f"<mn>{_e(text)}</mn>"


def operand(text: str) -> str:
    """A name as an operand: in parentheses unless it is a plain identifier (as in the text) or
    set as one symbol (a layer's ``w2_1,3``)."""
    if in_derivative(text) == text or math_parts(text) is not None:
        return name(text)
    return f"<mrow><mo>(</mo>{name(text)}<mo>)</mo></mrow>"


def partial(top: str, bottom: str) -> str:
    """∂top/∂bottom as a fraction."""
    return f"<mfrac><mrow><mo>∂</mo>{operand(top)}</mrow><mrow><mo>∂</mo>{operand(bottom)}</mrow></mfrac>"


def formula(rule: str, arguments: tuple[tuple[str, str], ...]) -> str:
    """An op-table reading (``y*(1 - y)``) with its arguments replaced by the graph's names.

    >>> formula("2*x", (("x", "e"),))
    '<mn>2</mn><mo>·</mo><mi>e</mi>'
    >>> formula("-a/b^2", (("a", "u1"), ("b", "-2")))
    '<mo>−</mo><msub><mi>u</mi><mn>1</mn></msub><mo>/</mo><msup><mrow><mo>(</mo><mo>−</mo><mn>2</mn><mo>)</mo></mrow><mrow><mn>2</mn></mrow></msup>'
    """
    bound = dict(arguments)
    tokens = [t for t in _TOKEN.findall(rule) if not t.isspace()]
    return "".join(_pieces(tokens, bound))


def _pieces(tokens: list[str], bound: dict[str, str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "^" and out and i + 1 < len(tokens):
            exponent, i = power_operand(tokens, i)
            out.append(f"<msup>{out.pop()}<mrow>{''.join(_pieces(exponent, bound))}</mrow></msup>")
            continue
        out.append(_piece(token, bound))
        i += 1
    return out


def _piece(token: str, bound: dict[str, str]) -> str:
    if token in bound:
        value = bound[token]
        return number(value) if _NUMBER.fullmatch(value) else operand(value)
    if token in formula_functions():
        return f"<mi>{FUNCTION_SYMBOLS.get(token, token)}</mi>"
    if token in ("if", "else"):
        return f"<mtext>&#160;{token}&#160;</mtext>"
    if token in _OPERATORS:
        return f"<mo>{_OPERATORS[token]}</mo>"
    if _NUMBER.fullmatch(token):
        return f"<mn>{token}</mn>"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
        return name(token)
    return f"<mo>{_e(token)}</mo>"


def _math(*parts: str) -> str:
    """One equation on a line of its own, left-aligned like a hand calculation (a display
    ``<math>`` would be centred), with full-size fractions."""
    math = f'<math style="math-style: normal"><mrow>{"".join(parts)}</mrow></math>'
    return f'<div class="equation" style="margin: 0.35em 0">{math}</div>'


_EQ, _DOT, _TIMES, _PLUS = "<mo>=</mo>", "<mo>·</mo>", "<mo>×</mo>", "<mo>+</mo>"


def _factor(f: Factor) -> str:
    frac = partial(f.child, f.parent)
    return f"<msub>{frac}<mn>{f.argument + 1}</mn></msub>" if f.repeated else frac


def _symbols(path: ChainPath) -> str:
    return _DOT.join(_factor(f) for f in path.factors)


def _product(path: ChainPath, n: Num) -> str:
    return _TIMES.join(number(n(f.value)) for f in path.factors)


def _delta(delta: Delta, n: Num) -> str:
    me = f"<msub><mi>δ</mi>{name(delta.node)}</msub>"
    if not delta.terms:
        return _math(me, _EQ, "<mn>1</mn>")
    symbols = _PLUS.join(f"<msub><mi>δ</mi>{name(f.child)}</msub>{_factor(f)}" for _, f in delta.terms)
    numbers = _PLUS.join(f"{number(n(d))}{_TIMES}{number(n(f.value))}" for d, f in delta.terms)
    return _math(me, _EQ, symbols, _EQ, numbers, _EQ, number(n(delta.value), paren=False))


def explanation(e: Explanation) -> str:
    """The explanation as an HTML fragment: the chain rule typeset, a table of the local
    derivatives (with the graph's names), and the check against ``autograd.grad``."""
    n = e.number
    d = partial(e.output, e.wrt)
    total = number(n(e.total), paren=False)
    parts = ['<div class="chain-rule">']
    if e.n_paths == 0:
        parts.append(f"<p>{_e(e.output)} does not depend on {_e(e.wrt)}, so</p>")
        parts.append(_math(d, _EQ, "<mn>0</mn>"))
    elif e.paths and not e.paths[0].factors:
        parts.append(_math(d, _EQ, "<mn>1</mn>"))
    elif (single := single_factor(e)) is not None:  # one edge: its formula, not d = d
        written = with_value(single.formula, n(single.value), single.value) != n(single.value)
        reading = [_EQ, formula(single.rule, single.arguments)] if written else []
        parts.append(_math(d, *reading, _EQ, total))
    elif e.method == "paths" and len(e.paths) == 1:
        parts.append(_math(d, _EQ, _symbols(e.paths[0]), _EQ, _product(e.paths[0], n), _EQ, total))
    elif e.method == "paths":
        paths = len(e.paths)
        parts.append(f"<p>The sum over the {paths} paths from {_e(e.wrt)} up to {_e(e.output)}:</p>")
        for path in e.paths:
            parts.append(_math(_symbols(path), _EQ, _product(path, n), _EQ, number(n(path.product), False)))
        terms = _PLUS.join(number(n(p.product)) for p in e.paths)
        parts.append(_math(d, _EQ, terms, _EQ, total))
    elif e.method == "forward":
        parts += forward(e)
    else:
        parts.append(
            f"<p>By responsibilities: δ of a node is ∂{_e(e.output)}/∂node, the sum over its "
            "children c of δ<sub>c</sub> · ∂c/∂node.</p>"
        )
        parts += [_delta(delta, n) for delta in e.deltas]
        parts.append(_math(d, _EQ, f"<msub><mi>δ</mi>{name(e.wrt)}</msub>", _EQ, total))
    if e.factors:
        rows = ["<tr><th>local derivative</th><th>formula, with this graph's names</th><th>value</th></tr>"]
        for f in e.factors:
            shown = with_value(f.formula, n(f.value), f.value) != n(f.value)
            rule = f"<math>{formula(f.rule, f.arguments)}</math>" if shown else ""
            rows.append(
                f"<tr><td><math>{_factor(f)}</math></td><td>{rule}</td>"
                f"<td><math>{number(n(f.value), paren=False)}</math></td></tr>"
            )
        parts.append(f'<table class="factors">{"".join(rows)}</table>')
    check = f"autograd.grad({e.output}, [{e.wrt}])"
    parts.append(f"<p>Check: <code>{_e(check)}</code> gives {_e(n(e.gradient))}, {_e(verdict(e))}</p>")
    parts.append("</div>")
    return "\n".join(parts)


def _tangent(t: Tangent, n: Num) -> str:
    me = f"<msub><mi>τ</mi>{name(t.node)}</msub>"
    if not t.terms:
        return _math(me, _EQ, "<mn>1</mn>", "<mtext>&#160;(the seed)</mtext>")
    symbols = _PLUS.join(f"{_factor(f)}<msub><mi>τ</mi>{name(f.parent)}</msub>" for _, f in t.terms)
    numbers = _PLUS.join(f"{number(n(f.value))}{_TIMES}{number(n(tp))}" for tp, f in t.terms)
    return _math(me, _EQ, symbols, _EQ, numbers, _EQ, number(n(t.value), paren=False))


def forward(e: Explanation) -> list[str]:
    """The forward-mode part of the HTML form: the seed, each node's tangent, the result."""
    n = e.number
    parts = [
        f"<p>In forward mode: τ of a node is ∂node/∂{_e(e.wrt)}, the sum over its inputs p of "
        f"∂node/∂p · τ<sub>p</sub>, from {_e(e.wrt)} up to {_e(e.output)}.</p>"
    ]
    parts += [_tangent(t, n) for t in e.tangents]
    total = number(n(e.total), paren=False)
    parts.append(_math(partial(e.output, e.wrt), _EQ, f"<msub><mi>τ</mi>{name(e.output)}</msub>", _EQ, total))
    return parts

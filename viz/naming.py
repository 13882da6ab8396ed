"""Names, kinds and formulas of the nodes of one graph, shared by pictures and explanations.

Nodes are named in their graph's order (``topological_order(root)``), never by ``id()`` or a
counter of the whole process, so the same graph always gets the same names. A node is called by
its label; an unlabelled op result ``u1``, ``u2``, ...; an unlabelled leaf (a constant such as
the 2 of ``2 * x``) ``c1``, ``c2``, ...; a label used by several nodes gets a number too
(``x#1``, ``x#2``). Inside ∂ a name that is not a plain identifier is parenthesised:
``∂n/∂(x1*w1 + x2*w2)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence

from autograd import Value
from autograd.value import _shown

KINDS = ("output", "intermediate", "parameter", "input", "constant")
"""What a node is: the root, an op's result, a labelled leaf, a leaf passed as an input, or an
unlabelled leaf (a number such as the 2 of ``2 * x``)."""


def node_kind(node: Value, root: Value | Collection[Value], inputs: Collection[Value] = ()) -> str:
    """One of ``KINDS``.

    >>> x = Value(1.0, label="x"); y = 2 * x
    >>> [node_kind(n, y) for n in (y, x, y.parents[0])]
    ['output', 'parameter', 'constant']
    """
    if node is root or (not isinstance(root, Value) and node in root):
        return "output"
    if not node.is_leaf:
        return "intermediate"
    if node in inputs:
        return "input"
    return "parameter" if node.label else "constant"


def node_names(order: Sequence[Value]) -> dict[Value, str]:
    """A readable, unique name for every node of ``order`` (a topological order).

    >>> from autograd import topological_order
    >>> a = Value(2.0, label="a"); c = a * 3 + a
    >>> list(node_names(topological_order(c)).values())
    ['a', 'c1', 'u1', 'u2']
    """
    counts: dict[str, int] = {}
    for node in order:
        if type(node.label) is not str:  # set by hand after the Value was made
            raise TypeError(
                f"the label of node {node.index} ({node.op or 'leaf'}, data {node.data!r}) is "
                f"{type(node.label).__name__} {_shown(node.label)}, not a str; set a text label, "
                "e.g. x.label = 'x'"
            )
        if node.label:
            counts[node.label] = counts.get(node.label, 0) + 1
    taken = {printable(label) for label in counts}
    names: dict[Value, str] = {}
    numbered: dict[str, int] = {}  # per prefix (u, c, or a repeated label): the last number used
    for node in order:
        label = printable(node.label)
        if node.label and counts[node.label] == 1:
            names[node] = label
            continue
        prefix = f"{label}#" if node.label else "c" if node.is_leaf else "u"
        k = numbered.get(prefix, 0) + 1
        while f"{prefix}{k}" in taken:  # never the same as a label
            k += 1
        numbered[prefix] = k
        names[node] = f"{prefix}{k}"
    return names


_SIMPLE_NAME = re.compile(r"([A-Za-z]+)(?:_([A-Za-z0-9]+)|(\d+))?")
_LAYERED_NAME = re.compile(r"([A-Za-z]+)(\d+)_(\d+(?:,\d+)?)")


def math_parts(name: str) -> tuple[str, str, str] | None:
    """How a name is set as math: (base, subscript, layer), or None for a name set as plain text.

    ``w5`` is w with subscript 5, ``a_h1`` a with subscript h1; a layer's textbook names (see
    ``nn.Layer.number_as``) carry the layer as a superscript: ``w2_1,3`` is w⁽²⁾ with subscript
    1,3 (layer 2, neuron 1, input 3), ``z1_2`` is z⁽¹⁾ with subscript 2.

    >>> math_parts("w5"), math_parts("a_h1"), math_parts("w2_1,3"), math_parts("E[1]")
    (('w', '5', ''), ('a', 'h1', ''), ('w', '1,3', '2'), None)
    """
    m = _LAYERED_NAME.fullmatch(name)
    if m:
        return m.group(1), m.group(3), m.group(2)
    m = _SIMPLE_NAME.fullmatch(name)
    if m:
        return m.group(1), m.group(2) or m.group(3) or "", ""
    return None


_PLAIN = re.compile(r"[^\W\d][\w.]*(\[\d+\])?'*(#\d+)?")


def in_derivative(name: str) -> str:
    """``name`` as it reads inside ∂: in parentheses unless it is a plain identifier.

    >>> in_derivative("w5"), in_derivative("z_h1[2]"), in_derivative("x1*w1 + x2*w2")
    ('w5', 'z_h1[2]', '(x1*w1 + x2*w2)')
    """
    return name if _PLAIN.fullmatch(name) else f"({name})"


def derivative(top: str, bottom: str) -> str:
    """``∂top/∂bottom`` with both names as they read inside ∂.

    >>> derivative("C", "a - y")
    '∂C/∂(a - y)'
    """
    return f"∂{in_derivative(top)}/∂{in_derivative(bottom)}"


def argument_names(node: Value) -> list[str]:
    """The names the op table's formulas give the inputs of ``node``.

    Unary ops call their input ``x``, binary ops ``a`` and ``b``, ``linear`` its inputs
    ``w1..wn, x1..xn, b``, ``dot`` ``w1..wn, x1..xn``, other n-ary ops ``x1..xn``.
    """
    n = len(node.parents)
    rule = node.rule
    if rule is None:
        return []
    if rule.name in ("linear", "dot"):
        k = n // 2
        names = [f"w{i + 1}" for i in range(k)] + [f"x{i + 1}" for i in range(k)]
        return [*names, "b"] if rule.name == "linear" else names
    if rule.arity == 1:
        return ["x"]
    if rule.arity == 2:
        return ["a", "b"]
    return [f"x{i + 1}" for i in range(n)]


_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SIMPLE = re.compile(r"[\w.#]+")


def formula_arguments(node: Value, names: dict[Value, str], number: Callable[[float], str]) -> dict[str, str]:
    """What each argument name of the op's formulas stands for in this graph: a node's name,
    or for a constant its value.

    >>> w = Value(0.4, label="w5"); z = w * 2
    >>> formula_arguments(z, {w: "w5", z.parents[1]: "c1", z: "u1"}, "{:g}".format)
    {'a': 'w5', 'b': '2', 'y': 'u1'}
    """
    arguments = {}
    for arg, parent in zip(argument_names(node), node.parents):
        if parent.is_leaf and not parent.label:
            arguments[arg] = number(parent.data)
        elif parent in names:
            arguments[arg] = names[parent]
    if node in names:
        arguments["y"] = names[node]  # the node's own output, as the readings call it
    return arguments


def substitute(rule: str, arguments: dict[str, str]) -> str:
    """``rule`` (an op table formula) with its argument names replaced; a replacement that is
    not a plain name or a positive number is put in parentheses.

    >>> substitute("b*a^(b - 1)", {"a": "x", "b": "-2"})
    '(-2)*x^((-2) - 1)'
    """
    return substitution(arguments)(rule)


def substitution(arguments: dict[str, str]) -> Callable[[str], str]:
    """``substitute`` with ``arguments`` prepared once: the function that fills them into any
    of one node's formulas (an n-ary node has as many formulas as inputs, each short).

    >>> fill = substitution({"x3": "h", "w3": "0.5"})
    >>> fill("x3"), fill("w3")
    ('h', '0.5')
    """
    wrapped = {k: v if _SIMPLE.fullmatch(v) else f"({v})" for k, v in arguments.items()}
    return lambda rule: _TOKEN.sub(lambda m: wrapped.get(m.group(0), m.group(0)), rule)


def used_arguments(rule: str, arguments: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The entries of ``arguments`` that ``rule`` names, in the order it first names them:
    what one edge's formula needs, however many inputs its node has.

    >>> used_arguments("b*a^(b - 1)", {"a": "x", "b": "2", "y": "u1"})
    (('b', '2'), ('a', 'x'))
    """
    return tuple((t, arguments[t]) for t in dict.fromkeys(_TOKEN.findall(rule)) if t in arguments)


def named_forward(node: Value, names: dict[Value, str], number: Callable[[float], str]) -> str:
    """What ``node`` computes, written with the graph's names: every term of a ``linear``,
    ``dot`` or ``sum`` node (not ``w1*x1 + ... + wn*xn``), the op's formula for the others.

    >>> w1, w2, i1, i2, b = (Value(0.1, label=n) for n in ("w1", "w2", "i1", "i2", "b1"))
    >>> z = Value.linear([w1, w2], [i1, i2], b); a = z.sigmoid()
    >>> names = {w1: "w1", w2: "w2", i1: "i1", i2: "i2", b: "b1", z: "z_h1", a: "a_h1"}
    >>> named_forward(z, names, str), named_forward(a, names, str)
    ('w1·i1 + w2·i2 + b1', 'σ(z_h1)')
    """
    rule = node.rule
    if rule is None:
        raise ValueError(f"{node!r} is a leaf: it computes nothing")
    arguments = formula_arguments(node, names, number)
    fill = substitution(arguments)
    given = [fill(name) for name in argument_names(node)]
    if rule.name in ("linear", "dot"):
        k = len(node.parents) // 2
        terms = [f"{w}·{x}" for w, x in zip(given[:k], given[k : 2 * k])]
        return " + ".join(terms + given[2 * k :])
    if rule.name == "sum":
        return " + ".join(given)
    if rule.arity is None:
        return f"{rule.name}({', '.join(given)})"
    return readable(fill(rule.describe(node.param)))


def named_formula(node: Value, index: int, names: dict[Value, str], number: Callable[[float], str]) -> str:
    """d(node)/d(parents[index]) as a learner writes it (the op table's reading, made
    readable), with the graph's names.

    >>> w = Value(0.4, label="w5"); a = Value(0.6, label="a_h1"); z = w * a; o = z.sigmoid()
    >>> names = {w: "w5", a: "a_h1", z: "z", o: "o"}
    >>> named_formula(z, 0, names, str), named_formula(o, 0, names, str)
    ('a_h1', 'o·(1 − o)')
    """
    rule = node.rule
    if rule is None:
        raise ValueError(f"{node!r} is a leaf: it has no local derivatives")
    reading = readable(rule.reading(index, len(node.parents), node.param))
    return substitute(reading, formula_arguments(node, names, number))


def named_formulas(node: Value, names: dict[Value, str], number: Callable[[float], str]) -> list[str]:
    """``named_formula`` of every input of ``node``, in one pass over its inputs.

    >>> x = Value(2.0, label="x"); w = Value(0.5, label="w")
    >>> named_formulas(Value.dot([w], [x]), {x: "x", w: "w"}, str)
    ['x', 'w']
    """
    rule = node.rule
    if rule is None:
        raise ValueError(f"{node!r} is a leaf: it has no local derivatives")
    n = len(node.parents)
    fill = substitution(formula_arguments(node, names, number))
    return [fill(readable(rule.reading(i, n, node.param))) for i in range(n)]


_SUPERSCRIPTS = {"2": "²", "3": "³"}

FUNCTION_SYMBOLS = {"sigmoid": "σ"}
"""The op-table functions written by hand as a symbol rather than their name."""


def readable(formula: str) -> str:
    """An op-table formula as it is written by hand: ``·`` for ``*``, ``−`` for minus, ``²``
    and ``³`` for small powers, ``σ`` for the sigmoid. Argument names are left as they are.

    >>> readable("y*(1 - y)"), readable("1 - y^2"), readable("-a/b^2"), readable("sigmoid(x)")
    ('y·(1 − y)', '1 − y²', '−a/b²', 'σ(x)')
    """
    text = re.sub(r"\^([23])(?![\d.])", lambda m: _SUPERSCRIPTS[m.group(1)], formula)
    text = text.replace("*", "·").replace(" - ", " − ")
    for function, symbol in FUNCTION_SYMBOLS.items():
        text = text.replace(f"{function}(", f"{symbol}(")
    return re.sub(r"(^|[(\s])-", r"\1−", text)


def with_value(formula: str, value: str, local: float) -> str:
    """``formula = value``, or the value alone when the formula is that number already.

    >>> with_value("x1", "0.05", 0.05), with_value("1", "1.0000", 1.0)
    ('x1 = 0.05', '1.0000')
    """
    try:
        same = formula == value or float(formula.replace("−", "-")) == local
    except ValueError:
        same = False
    return value if same else f"{formula} = {value}"


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\n``).

    They cannot appear in XML (an SVG) and would be invisible anyway.

    >>> printable("a\\nb\\x00c")
    'a\\\\nb\\\\x00c'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in "\ufffe\uffff":
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)

"""A worked example as a short program of chainrule's ``nn``: the network with its exact numbers,
the loss on its data, ``backward()`` and one optimizer step, for a reader to paste and rerun.

The program computes what ``viz.check``'s replay computes (``viz/check/engine_run.py``): the same
loss, the same gradients, the same parameters after one step, up to rounding in the last bits.
"""

from __future__ import annotations

import builtins
import keyword
import unicodedata
from dataclasses import dataclass, replace

from autograd import Value

from ..check.refs import Apply, Expr, Num, Ref, function_row
from ..check.spec import NO_OPTIMIZER, GraphSpec, LayerSpec, OptimizerSpec, WorkedExample

__all__ = ["program"]

WIDTH = 99  # the longest line the program may have, where the numbers allow it

# Names the program itself uses: the loss cannot take one of them.
_RESERVED = {
    "net",
    "layers",
    "layer",
    "p",
    "x",
    "t",
    "X",
    "T",
    "MLP",
    "Layer",
    "SGD",
    "Adam",
    "squared_error",
    "half_squared_error",
    "mse",
    "cross_entropy",
}


def program(ex: WorkedExample, run: OptimizerSpec | None = None) -> str:
    """The example as a few lines of ``nn``: build, loss, ``backward()``, one step of ``run``
    (default: the first optimizer). Every number is written so that it parses back exactly.

    A network of several layers is an ``MLP``; one layer is a ``Layer``; layers that differ in
    having a bias are a list of ``Layer``s. A softmax output layer is built linear: ``nn``'s
    ``cross_entropy`` takes the logits and applies the softmax itself.

    >>> from viz.check.spec import from_mapping
    >>> ex = from_mapping({
    ...     "network": {"inputs": 2, "layers": [
    ...         {"activation": "tanh", "weights": [[0.5, -0.25], [1.0, 0.75]], "bias": 0.1,
    ...          "frozen": True},
    ...         {"activation": "softmax", "weights": [[0.3, 0.2], [-0.4, 0.6]], "bias": [0.0, 0.1]}]},
    ...     "data": {"inputs": [[1.0, 2.0], [0.5, -1.0]], "targets": [[1.0, 0.0], [0.0, 1.0]]},
    ...     "loss": {"kind": "cross_entropy", "batch": "sum", "name": "L"},
    ...     "optimizer": [{"kind": "sgd", "lr": 0.5},
    ...                   {"kind": "adam", "lr": 0.01, "bias_correction": False}]})
    >>> print(program(ex, ex.optimizers[1]))
    from nn import MLP, Adam, cross_entropy
    <BLANKLINE>
    net = MLP(2, [2, 2], activation="tanh", output_activation="identity",
              weights=[[[0.5, -0.25], [1.0, 0.75]], [[0.3, 0.2], [-0.4, 0.6]]],
              biases=[0.1, [0.0, 0.1]], shared_bias=[True, False]).freeze("layers.0.*")
    X = [[1.0, 2.0], [0.5, -1.0]]
    T = [0, 1]
    L = cross_entropy([net(x) for x in X], T, reduction="sum")  # the softmax is inside cross_entropy
    L.backward()
    Adam(net.parameters(), lr=0.01, bias_correction=False).step()
    """
    run = ex.optimizers[0] if run is None else run
    if ex.schedule == "per_sample" and ex.batch > 1:  # online: the first step is on sample 1 alone
        first = replace(ex, inputs=ex.inputs[:1], targets=ex.targets[:1], schedule="batch")
        return program(first, run) + "\n# online: one such step per sample, in order (this one on sample 1)"
    if ex.graph is not None:
        return _graph_program(ex.graph, run)
    imports: set[str] = set()
    lines = _network(ex, imports)
    loss = _loss_name(ex.loss.name)
    lines += _loss(ex, loss, imports)
    lines.append(f"{loss}.backward()")
    lines += _step(ex, run, imports)
    names = sorted(imports, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    return "\n".join([f"from nn import {', '.join(names)}", "", *lines])


# --- numbers and line wrapping --------------------------------------------------------------------
def _num(x: float) -> str:
    """The shortest text that parses back to ``x`` (``repr``, with a plain exponent)."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    assert float(text) == x
    return text


@dataclass(frozen=True)
class _Atom:
    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class _Group:
    """``open item, item, ... close``: a call or a list, wrapped with its items aligned."""

    open: str
    items: tuple[_Atom | _Group, ...]
    close: str
    one_per_line: bool = False

    def flat(self) -> str:
        return self.open + ", ".join(item.flat() for item in self.items) + self.close


_Node = _Atom | _Group


def _kw(name: str, node: _Node) -> _Node:
    if isinstance(node, _Atom):
        return _Atom(f"{name}={node.text}")
    return _Group(f"{name}={node.open}", node.items, node.close, node.one_per_line)


def _seq(values: object) -> _Node:
    """Numbers and nested lists of them as a node."""
    if isinstance(values, (list, tuple)):
        return _Group("[", tuple(_seq(v) for v in values), "]")
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return _Atom(_num(values) if isinstance(values, float) else str(values))
    return _Atom(str(values))


def _call(name: str, *items: _Node | str) -> _Group:
    return _Group(f"{name}(", tuple(_Atom(i) if isinstance(i, str) else i for i in items), ")")


def _together(*items: _Node | str) -> _Group:
    """Arguments kept on one line when they fit (``biases=..., shared_bias=True``)."""
    return _Group("", tuple(_Atom(i) if isinstance(i, str) else i for i in items), "")


def _render(node: _Node, col: int, tail: int) -> list[str]:
    """Lines for ``node`` placed at column ``col`` with ``tail`` characters after it: the first
    line without its indentation, the others with theirs."""
    flat = node.flat()
    if isinstance(node, _Atom) or (not node.one_per_line and col + len(flat) + tail <= WIDTH):
        return [flat]
    inner = col + len(node.open)
    done: list[str] = []
    line, start, fresh = node.open, col, True
    for i, item in enumerate(node.items):
        last = i == len(node.items) - 1
        after = len(node.close) + tail if last else 1
        text = item.flat()
        if not fresh and (node.one_per_line or start + len(line) + 1 + len(text) + after > WIDTH):
            done.append(line)
            line, start, fresh = " " * inner, 0, True
        sep = "" if fresh else " "
        here = start + len(line) + len(sep)
        parts = _render(item, here, after)
        line += sep + parts[0]
        if len(parts) > 1:
            done.append(line)
            done += parts[1:-1]
            line, start = parts[-1], 0
        line += "" if last else ","
        fresh = False
    return [*done, line + node.close]


def _statement(lead: str, node: _Node, suffix: str = "", comment: str = "") -> list[str]:
    """``lead + node + suffix`` wrapped, with ``comment`` on the last line if it fits."""
    parts = _render(node, len(lead), len(suffix))
    lines = [lead + parts[0], *parts[1:]]
    lines[-1] += suffix
    if comment and len(lines[-1]) + 4 + len(comment) <= WIDTH:
        lines[-1] += f"  # {comment}"
    return lines


# --- the network ----------------------------------------------------------------------------------
def _has_bias(layer: LayerSpec) -> bool:
    return layer.bias is not None


def _shared(layer: LayerSpec, prefer: bool) -> bool:
    """Whether to write the layer's bias as one shared number; a width-1 layer's one bias is
    either, so it follows ``prefer``."""
    return layer.shared_bias if layer.width > 1 else prefer


def _bias_value(layer: LayerSpec, shared: bool) -> float | list[float]:
    assert layer.bias is not None
    if isinstance(layer.bias, float):
        return layer.bias if shared else [layer.bias] * layer.width
    return layer.bias[0] if shared else list(layer.bias)


def _activation(ex: WorkedExample, i: int) -> str:
    act = ex.layers[i].activation
    return "identity" if act == "softmax" else act  # cross_entropy applies the softmax


def _squeeze(ex: WorkedExample, last: bool) -> list[str]:
    """A width-1 softmax output still gives cross_entropy a list of logits."""
    return ["squeeze=False"] if last and ex.loss.kind == "cross_entropy" and ex.layers[-1].width == 1 else []


def _layer_patterns(layer: LayerSpec, shared: bool) -> list[str] | None:
    """Freeze patterns over one ``Layer``'s names (``neurons.0.w.1``, ``neurons.0.b``, ``b``);
    None: nothing frozen, []: everything (``freeze()``)."""
    weights = "weights" in layer.frozen
    bias = "bias" in layer.frozen and _has_bias(layer)
    if weights and (bias or not _has_bias(layer)):
        return []
    if weights:
        return ["*.w.*"]
    if bias:
        return ["b" if shared else "*.b"]
    return None


def _freeze_call(patterns: list[str] | None) -> str:
    if patterns is None:
        return ""
    return ".freeze(" + ", ".join(f'"{p}"' for p in patterns) + ")"


def _layer_node(ex: WorkedExample, i: int, n_in: int) -> tuple[_Group, str]:
    layer = ex.layers[i]
    shared = _shared(layer, False)
    items: list[_Node | str] = [str(n_in), str(layer.width), f'"{_activation(ex, i)}"']
    items.append(_kw("weights", _seq(layer.weights)))
    if _has_bias(layer):
        biases = _kw("biases", _seq(_bias_value(layer, shared)))
        items.append(_together(biases, "shared_bias=True") if shared else biases)
    else:
        items.append("bias=False")
    items += _squeeze(ex, i == len(ex.layers) - 1)
    return _call("Layer", *items), _freeze_call(_layer_patterns(layer, shared))


def _network(ex: WorkedExample, imports: set[str]) -> list[str]:
    n_in = len(ex.input_names)
    if len(ex.layers) == 1 or len({_has_bias(layer) for layer in ex.layers}) == 1:
        imports.add("Layer" if len(ex.layers) == 1 else "MLP")
        node, freeze = _layer_node(ex, 0, n_in) if len(ex.layers) == 1 else _mlp(ex)
        lines = _statement("net = ", node, freeze)
        if max(map(len, lines)) <= WIDTH or not freeze:
            return lines
        return [*_statement("net = ", node), f"net{freeze}"]  # freeze() works in place too
    imports.add("Layer")
    items: list[_Node] = []
    for i, layer in enumerate(ex.layers):
        node, freeze = _layer_node(ex, i, n_in)
        items.append(_Group(node.open, node.items, node.close + freeze))
        n_in = layer.width
    lines = _statement("layers = ", _Group("[", tuple(items), "]", one_per_line=True))
    return [
        *lines,
        "",
        "",
        "def net(x):",
        "    for layer in layers:",
        "        x = layer(x)",
        "    return x",
        "",
        "",
    ]


def _mlp(ex: WorkedExample) -> tuple[_Group, str]:
    layers = ex.layers
    acts = [_activation(ex, i) for i in range(len(layers))]
    items: list[_Node | str] = [str(len(ex.input_names)), _seq([layer.width for layer in layers])]
    if len(set(acts[:-1])) == 1:
        items.append(_together(f'activation="{acts[0]}"', f'output_activation="{acts[-1]}"'))
    else:
        items.append(_kw("activations", _Group("[", tuple(_Atom(f'"{a}"') for a in acts), "]")))
    items.append(_kw("weights", _seq([layer.weights for layer in layers])))
    wide = [layer for layer in layers if layer.width > 1 and _has_bias(layer)]
    prefer = bool(wide) and all(layer.shared_bias for layer in wide)
    shared = [_shared(layer, prefer) for layer in layers]
    if _has_bias(layers[0]):
        biases = _kw("biases", _seq([_bias_value(layer, s) for layer, s in zip(layers, shared)]))
        if all(shared):
            items.append(_together(biases, "shared_bias=True"))
        elif any(shared):
            items.append(_together(biases, f"shared_bias=[{', '.join(str(s) for s in shared)}]"))
        else:
            items.append(biases)
    else:
        items.append("bias=False")
    items += _squeeze(ex, True)
    return _call("MLP", *items), _freeze_call(_mlp_patterns(ex, shared))


def _mlp_patterns(ex: WorkedExample, shared: list[bool]) -> list[str] | None:
    """Freeze patterns over an ``MLP``'s names (``layers.0.neurons.1.w.0``, ``layers.0.b``)."""
    layers = ex.layers
    w_frozen = [i for i, layer in enumerate(layers) if "weights" in layer.frozen]
    with_bias = [i for i, layer in enumerate(layers) if _has_bias(layer)]
    b_frozen = [i for i in with_bias if "bias" in layers[i].frozen]
    all_w = len(w_frozen) == len(layers)
    all_b = bool(with_bias) and b_frozen == with_bias
    if all_w and (all_b or not with_bias):
        return []
    patterns = ["*.w.*"] if all_w else []
    if all_b:
        patterns.append("*.b")
    for i in range(len(layers)):
        weights, bias = i in w_frozen and not all_w, i in b_frozen and not all_b
        if weights and (i in b_frozen or i not in with_bias):
            patterns.append(f"layers.{i}.*")
        elif weights:
            patterns.append(f"layers.{i}.*.w.*")
        elif bias:
            patterns.append(f"layers.{i}.b" if shared[i] else f"layers.{i}.*.b")
    return patterns or None


# --- the loss and the step ------------------------------------------------------------------------
def _loss_name(name: str) -> str:
    """The document's name for the loss if the program can use it, else ``loss``."""
    usable = (
        name.isidentifier()
        and not keyword.iskeyword(name)
        and unicodedata.normalize("NFKC", name) == name
        and name not in _RESERVED
        and not hasattr(builtins, name)
    )
    return name if usable else "loss"


def _class_index(target: list[float]) -> int | None:
    """The class of a one-hot target, else None."""
    ones = [j for j, v in enumerate(target) if v == 1.0]
    return ones[0] if len(ones) == 1 and all(v == 0.0 for v in target if v != 1.0) else None


def _targets(ex: WorkedExample) -> object:
    """One sample's targets, or the batch's, as the loss function takes them."""
    if ex.loss.kind == "cross_entropy":
        classes = [_class_index(t) for t in ex.targets]
        rows: list[object] = list(ex.targets) if None in classes else list(classes)
    elif ex.layers[-1].width == 1:
        rows = [t[0] for t in ex.targets]
    else:
        rows = list(ex.targets)
    return rows[0] if ex.batch == 1 else rows


def _loss(ex: WorkedExample, name: str, imports: set[str]) -> list[str]:
    spec, width = ex.loss, ex.layers[-1].width
    mean_outputs = spec.outputs == "mean" and width > 1
    notes = []
    divide = ""
    reduction: str | None = None
    if spec.kind == "cross_entropy":
        function = "cross_entropy"
        notes.append("the softmax is inside cross_entropy")
        if ex.batch > 1:
            reduction = spec.batch
        divide = f" / {width}" if mean_outputs else ""
    else:
        function = "half_squared_error" if spec.half else "squared_error"
        if ex.batch == 1:
            # nn reads one sample's list of outputs as scalar samples: its reduction is theirs
            reduction = spec.outputs if width > 1 else None
            if mean_outputs and not spec.half:
                function, reduction = "mse", None
            elif mean_outputs:
                notes.append(f"the mean over the {width} outputs")
        elif mean_outputs and spec.batch == "mean" and not spec.half:
            function = "mse"  # the mean over every output of every sample
        else:
            reduction = spec.batch
            divide = f" / {width}" if mean_outputs else ""
    if divide:
        notes.insert(0, f"the mean over the {width} outputs")
    comment = "; ".join(notes)
    imports.add(function)
    tail = [f'reduction="{reduction}"'] if reduction else []
    if ex.batch > 1:
        node = _call(function, "[net(x) for x in X]", "T", *tail)
        data = [*_statement("X = ", _seq(ex.inputs)), *_statement("T = ", _seq(_targets(ex)))]
        return [*data, *_statement(f"{name} = ", node, divide, comment)]
    inline = _call(function, _call("net", _seq(ex.inputs[0])), _seq(_targets(ex)), *tail)
    lines = _statement(f"{name} = ", inline, divide, comment)
    if len(lines) == 1:
        return lines
    node = _call(function, "net(x)", "t", *tail)
    data = [*_statement("x = ", _seq(ex.inputs[0])), *_statement("t = ", _seq(_targets(ex)))]
    return [*data, *_statement(f"{name} = ", node, divide, comment)]


def _step(ex: WorkedExample, run: OptimizerSpec, imports: set[str]) -> list[str]:
    if run.kind == NO_OPTIMIZER:
        return ["# the document takes no step"]
    if all(_layer_patterns(layer, layer.shared_bias) == [] for layer in ex.layers):
        return ["# every parameter is frozen: there is nothing to step"]
    if len(ex.layers) > 1 and len({_has_bias(layer) for layer in ex.layers}) > 1:
        params = "[p for layer in layers for p in layer.parameters()]"
    else:
        params = "net.parameters()"
    optimizer = "SGD" if run.kind == "sgd" else "Adam"
    imports.add(optimizer)
    return _statement("", _call(optimizer, params, *_settings(run)), ".step()")


def _settings(run: OptimizerSpec) -> list[str]:
    """An optimizer's keyword arguments, the defaults left out."""
    args = [f"lr={_num(run.lr)}"]
    if run.momentum:
        args += [f"momentum={_num(run.momentum)}", *(["nesterov=True"] if run.nesterov else [])]
    if run.kind == "adam":
        if run.betas != (0.9, 0.999):
            args.append(f"betas=({_num(run.betas[0])}, {_num(run.betas[1])})")
        if run.eps != 1e-8:
            args.append(f"eps={_num(run.eps)}")
        if not run.bias_correction:
            args.append("bias_correction=False")
    return args


# --- expression graphs ----------------------------------------------------------------------------


def _method(op: str) -> str | None:
    """The ``Value`` method of a function of one input (``ln``: ``log``), or None for an op of
    the table without one (``apply_op`` then)."""
    row = function_row(op)
    return row.name if row is not None and callable(getattr(Value, row.name, None)) else None


def _graph_program(graph: GraphSpec, run: OptimizerSpec) -> str:
    """An expression graph as the lecture writes one: a Value per input, a line per node."""
    tables = any(op not in _ARITHMETIC and not _method(op) for _, e in graph.nodes for op in _ops(e))
    lines = [f"from autograd import {'OPS, Value, apply_op' if tables else 'Value'}", ""]
    if run.kind != NO_OPTIMIZER:
        lines[0:0] = [f"from nn import {'SGD' if run.kind == 'sgd' else 'Adam'}"]
    lines += [f'{name} = Value({_num(value)}, label="{name}")' for name, value in graph.inputs.items()]
    for name, expr in graph.nodes:
        lines.append(f'{name} = {_code(expr)}; {name}.label = "{name}"')
    lines.append(f"{graph.output}.backward()")
    if run.kind != NO_OPTIMIZER:
        lines += _step_graph(run)
    return "\n".join(lines)


def _step_graph(run: OptimizerSpec) -> list[str]:
    args = [f"[{', '.join(run.parameters)}]", *_settings(run)]
    return [f"{'SGD' if run.kind == 'sgd' else 'Adam'}({', '.join(args)}).step()"]


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ARITHMETIC = {*_PRECEDENCE, "sum", "max", "min", "abs"}


def _ops(expr: Expr) -> list[str]:
    return [expr.op, *(op for a in expr.args for op in _ops(a))] if isinstance(expr, Apply) else []


def _code(expr: Expr) -> str:
    """A definition of the reference language as Python on Values."""
    return _coded(expr)[0]


def _coded(expr: Expr) -> tuple[str, int]:
    """Python text and its precedence (5: atomic)."""
    if isinstance(expr, Num):
        return _num(expr.value), 3 if expr.value < 0 else 5
    if isinstance(expr, Ref):
        return expr.name, 5
    assert isinstance(expr, Apply)
    if expr.op == "neg":
        return "-" + _wrap(expr.args[0], 3), 3
    if expr.op in _PRECEDENCE:
        level = _PRECEDENCE[expr.op]
        left, right = expr.args
        if expr.op == "**":  # right-associative
            return f"{_wrap(left, level + 1)} ** {_wrap(right, level)}", level
        return f"{_wrap(left, level)} {expr.op} {_wrap(right, level + 1)}", level
    inner = [_code(a) for a in expr.args]
    if expr.op == "sum":
        return f"Value.sum([{', '.join(inner)}])", 5
    if expr.op in ("max", "min", "abs"):
        return f"{expr.op}({', '.join(inner)})", 5
    method = _method(expr.op)
    if method is None:  # an op of chainrule's table: apply its row
        return f'apply_op(OPS["{expr.op}"], [{inner[0]}])', 5
    operand = f"Value({inner[0]})" if isinstance(expr.args[0], Num) else _wrap(expr.args[0], 5)
    return f"{operand}.{method}()", 5


def _wrap(expr: Expr, level: int) -> str:
    text, precedence = _coded(expr)
    return f"({text})" if precedence < level else text

"""A worked-example file, read and validated: the setup, the names, and the printed numbers.

The format is documented in ``docs/worked-example-format.md``. Every error names the file and
the entry it is about, and nothing is replayed until the whole file is valid.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd import OPS
from nn.activations import is_activation_op

from .refs import Apply, Deriv, Expr, Ref, ReferenceError_, State, parse

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOSSES = ("squared_error", "cross_entropy")
REDUCTIONS = ("sum", "mean")
OPTIMIZERS = ("sgd", "adam")
SCHEDULES = ("batch", "per_sample")
PRECISIONS = ("float64", "float32")  # the float format a program's printed output came from
NO_OPTIMIZER = "none"  # the run of a page that takes no step and names no optimizer
MAX_STEPS = 10  # steps worked by hand; a longer run is a training loop (stop_below)


def activations() -> tuple[str, ...]:
    """The activations a layer may name: identity, softmax, and every row of the op table that
    ``nn`` takes as an activation by name (sigmoid, tanh, relu, ..., and ``define_op``'s)."""
    return ("identity", "softmax", *(name for name in OPS if is_activation_op(name)))


class WorkedExampleError(ValueError):
    """A worked-example file that cannot be checked; the message names the file and entry."""


class CheckerError(RuntimeError):
    """The checker failed on a well-formed file: a bug in chainrule, never in the document. The
    message names the file and the entry being checked."""


def failure_status(exc: Exception) -> int:
    """Print a command's error and give its exit status: 3 for a bug in the checker
    (``CheckerError``), 2 for what the user can fix (a bad file, a path that cannot be written)."""
    print(f"error: {exc}", file=sys.stderr)
    return 3 if isinstance(exc, CheckerError) else 2


def checker_failed(exc: BaseException) -> str:
    """What a ``CheckerError`` says of the exception behind it."""
    return f"the checker failed ({type(exc).__name__}: {exc}); this is a bug in chainrule, not in the file"


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its weights (a row per neuron), its bias (``None``: none; a float: ONE bias
    shared by the layer; a list: one per neuron), activation, what is frozen, and its names."""

    activation: str
    weights: list[list[float]]
    bias: float | list[float] | None
    frozen: frozenset[str]  # "weights" and/or "bias"
    weight_names: list[list[str]]
    bias_names: list[str]  # one name (shared) or one per neuron
    z_names: list[str]
    a_names: list[str]

    @property
    def width(self) -> int:
        return len(self.weights)

    @property
    def shared_bias(self) -> bool:
        return isinstance(self.bias, float)


@dataclass(frozen=True)
class LossSpec:
    kind: str  # squared_error | cross_entropy
    half: bool
    outputs: str  # how one sample's output terms combine: sum | mean
    batch: str  # how the samples' losses combine: sum | mean
    name: str
    term_names: list[str]


@dataclass(frozen=True)
class OptimizerSpec:
    name: str
    kind: str  # sgd | adam
    lr: float
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    bias_correction: bool = True
    parameters: tuple[str, ...] = ()  # an expression graph's inputs that the optimizer steps
    momentum: float = 0.0  # SGD's: v ← momentum·v + g, p ← p − lr·v
    nesterov: bool = False  # SGD's: p ← p − lr·(g + momentum·v)


@dataclass(frozen=True)
class LoopSpec:
    """Train until the loss is below ``stop_below`` (checked before each update), or past
    ``max_epochs``."""

    stop_below: float
    max_epochs: int


@dataclass(frozen=True)
class PrintedSpec:
    """A number the document printed: the quantity it claims to be, where, the text as printed,
    the document's own formula (optional) and the optimizer run it belongs to. An entry whose
    printed string is empty is *blank*: not filled in yet (a worksheet's), never checked."""

    index: int
    quantity: str
    where: str
    text: str  # the number in plain notation (2.406e-3), however it was printed
    formula: str
    run: str
    precision: str = "float64"
    written: str = ""  # as printed (2.406×10⁻³), when that differs from ``text``
    variant: str = ""  # the [[variant]] (another set of weights or inputs) it belongs to; "" the setup's

    @property
    def blank(self) -> bool:
        """Whether the entry is not filled in yet (``printed = ""``)."""
        return not self.text

    @property
    def shown(self) -> str:
        """The number as the document printed it."""
        return self.written or self.text

    @property
    def number(self) -> float:
        return float(self.text)

    @property
    def unit(self) -> float:
        """One unit in the last printed digit."""
        match = _NUMBER.fullmatch(self.text)
        assert match is not None
        decimals = len(match.group(1) or "")
        exponent = int(match.group(2) or 0)
        return 10.0 ** (exponent - decimals)

    def label(self) -> str:
        return f"printed[{self.index}] ({self.quantity!r} at {self.where!r})"


_NUMBER = re.compile(r"-?\d*(?:\.(\d*))?(?:[eE]([-+]?\d+))?")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MANTISSA = r"([-+]?(?:\d+\.?\d*|\.\d+))"
_TIMES_TEN = re.compile(
    _MANTISSA + r"\s*[*×·⋅x]\s*10\s*(?:(?:\^|\*\*)\s*\{?\s*([-+]?\d+)\s*\}?|([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
)


def plain_number(text: str) -> str | None:
    """A printed number in plain notation, or None when it is not a number as printed.

    >>> [plain_number(t) for t in ("−0.05540", "2.406E-3", "2.406 * 10^-3", "2.406×10⁻³", "2.406·10^{-3}")]
    ['-0.05540', '2.406E-3', '2.406e-3', '2.406e-3', '2.406e-3']
    """
    text = text.strip().replace("−", "-").replace("–", "-")
    if _NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        return text.removeprefix("+")
    match = _TIMES_TEN.fullmatch(text)
    if match is None:
        return None
    exponent = match.group(2) or (match.group(3) or "").translate(_SUPERSCRIPTS)
    return f"{match.group(1).removeprefix('+')}e{int(exponent)}"


@dataclass(frozen=True)
class GraphSpec:
    """An expression graph worked by hand: named inputs, then one node per definition in the
    reference language (``e = a * b``), in order; ``output`` is the node differentiated."""

    inputs: dict[str, float]
    nodes: list[tuple[str, Expr]]
    output: str

    @property
    def names(self) -> list[str]:
        return [*self.inputs, *(name for name, _ in self.nodes)]


@dataclass(frozen=True)
class SectionSpec:
    """A section of the report: the printed numbers whose ``where`` starts with ``where`` (then a
    character that is not a letter or digit), a title, a note, the derivatives to write out by
    the chain rule, and quantities to show although the document printed none."""

    where: str
    title: str
    note: str = ""
    explain: tuple[str, ...] = ()
    show: tuple[str, ...] = ()

    def covers(self, place: str) -> bool:
        """Whether a printed number at ``place`` belongs to this section.

        >>> s = SectionSpec("A", "A"); s.covers("A.1, sample 1"), s.covers("A"), s.covers("Adam")
        (True, True, False)
        """
        if not place.startswith(self.where):
            return False
        rest = place[len(self.where) :]
        return not rest or not rest[0].isalnum()


@dataclass(frozen=True)
class ReportSpec:
    """What the report of a worked example adds to the checked numbers: how it writes numbers,
    which parameter's chain the backward picture highlights, and its sections."""

    fmt: str | None = None
    highlight: str | None = None
    sections: tuple[SectionSpec, ...] = ()


@dataclass(frozen=True)
class WorkedExample:
    """A whole worked-example file."""

    id: str
    title: str
    summary: str
    source: str
    input_names: list[str]
    target_names: list[str]
    layers: list[LayerSpec]
    inputs: list[list[float]]  # one row per sample
    targets: list[list[float]]
    loss: LossSpec
    optimizers: list[OptimizerSpec]
    steps: int
    loop: LoopSpec | None
    aliases: dict[str, str]
    printed: list[PrintedSpec]  # the entries filled in, each checked
    origin: str = "<mapping>"
    report: ReportSpec = field(default_factory=ReportSpec)
    graph: GraphSpec | None = None  # an expression graph instead of a layered network
    schedule: str = "batch"  # batch: each step on the whole batch; per_sample: one sample a step, in order
    variants: dict[str, WorkedExample] = field(default_factory=dict)  # the same setup, other numbers
    blank: list[PrintedSpec] = field(default_factory=list)  # entries not filled in yet (printed = "")

    @property
    def batch(self) -> int:
        return len(self.inputs)


def read(path: str | Path) -> WorkedExample:
    """Read and validate a worked-example TOML file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkedExampleError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise WorkedExampleError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WorkedExampleError(
            f"{path}:{_toml_position(exc)}: TOML syntax error: {_toml_message(exc)}"
        ) from exc
    return from_mapping(data, origin=str(path), default_id=path.stem)


def _toml_position(exc: Exception) -> str:
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if match is None:
            return ""
        line, column = int(match.group(1)), int(match.group(2))
    return f"{line}:{column}"


def _toml_message(exc: Exception) -> str:
    message = getattr(exc, "msg", None) or str(exc)
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(message))


class _Reader:
    """Validation helpers that name the file and the entry in every error."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def error(self, where: str, message: str) -> WorkedExampleError:
        return WorkedExampleError(f"{self.origin}: {where}: {message}")

    def table(self, data: Mapping[str, Any], key: str, where: str, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(where, f"missing table [{key}]")
            return {}
        if not isinstance(value, Mapping):
            raise self.error(where, f"{key} must be a table")
        return dict(value)

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(where, f"expected a finite number, got {value!r}")
        return float(value)

    def vector(self, value: Any, where: str, length: int | None = None) -> list[float]:
        if not isinstance(value, list):
            raise self.error(where, f"expected a list of numbers, got {value!r}")
        if length is not None and len(value) != length:
            raise self.error(where, f"expected {length} numbers, got {len(value)}")
        return [self.number(v, f"{where}[{i}]") for i, v in enumerate(value)]

    def choice(self, value: Any, options: Sequence[str], where: str) -> str:
        if value not in options:
            raise self.error(where, f"expected one of {', '.join(options)}, got {value!r}")
        return str(value)

    def names(self, value: Any, count: int, where: str, default: list[str]) -> list[str]:
        if value is None:
            return default
        if not isinstance(value, list) or len(value) != count or not all(isinstance(v, str) for v in value):
            raise self.error(where, f"expected {count} names, got {value!r}")
        return list(value)

    def entry(
        self, value: Any, allowed: Sequence[str], where: str, expected: str = "expected a table"
    ) -> Mapping[str, Any]:
        """A table of the file that has only ``allowed`` keys."""
        if not isinstance(value, Mapping):
            raise self.error(where, expected)
        self.unknown_keys(value, allowed, where)
        return value

    def unknown_keys(self, data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        extra = sorted(set(data) - set(allowed))
        if extra:
            raise self.error(where, f"unknown key(s) {extra}; allowed: {', '.join(allowed)}")


_TOP = (
    "id",
    "title",
    "summary",
    "source",
    "network",
    "graph",
    "data",
    "loss",
    "optimizer",
    "training",
    "aliases",
    "printed",
    "precision",
    "report",
    "variant",
)


def from_mapping(
    data: Mapping[str, Any], origin: str = "<mapping>", default_id: str = "example"
) -> WorkedExample:
    """Validate an already-parsed worked example (the same structure as the TOML file)."""
    r = _Reader(origin)
    if not isinstance(data, Mapping):
        raise r.error("file", "expected a table at the top level")
    r.unknown_keys(data, _TOP, "top level")
    if "graph" in data:
        return _graph_example(r, data, default_id)
    network = r.table(data, "network", "top level")
    r.unknown_keys(network, ("inputs", "input_names", "layers"), "[network]")
    n_in = network.get("inputs")
    if isinstance(n_in, bool) or not isinstance(n_in, int) or n_in < 1:
        raise r.error("[network]", f"inputs must be a positive whole number, got {n_in!r}")
    input_names = r.names(
        network.get("input_names"), n_in, "[network] input_names", [f"x{k + 1}" for k in range(n_in)]
    )
    raw_layers = network.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise r.error("[network]", "layers must be a non-empty array of tables ([[network.layers]])")
    layers = []
    width = n_in
    for i, raw in enumerate(raw_layers):
        layer = _layer(r, raw, i, width, len(raw_layers))
        layers.append(layer)
        width = layer.width
    for i, layer in enumerate(layers[:-1]):
        if layer.activation == "softmax":
            raise r.error(f"[[network.layers]] {i + 1}", "softmax is only supported on the output layer")

    loss = _loss(r, r.table(data, "loss", "top level"), layers[-1])
    n_out = layers[-1].width
    inputs, targets, target_names = _data(r, r.table(data, "data", "top level"), n_in, n_out, loss)
    steps, loop, schedule = _training(r, r.table(data, "training", "top level", required=False))
    optimizers = _optimizers(r, data.get("optimizer"), steps == 0 and loop is None)
    network = {
        "schedule": schedule,
        "input_names": input_names,
        "target_names": target_names,
        "layers": layers,
        "inputs": inputs,
        "targets": targets,
        "loss": loss,
    }
    return _example(r, data, default_id, optimizers, steps, loop, **network)


def _example(
    r: _Reader,
    data: Mapping[str, Any],
    default_id: str,
    optimizers: list[OptimizerSpec],
    steps: int,
    loop: LoopSpec | None,
    **setup: Any,
) -> WorkedExample:
    """The parts of a file that every setup shares (aliases, printed numbers, names, the
    report), around the setup's own fields."""
    aliases = r.table(data, "aliases", "top level", required=False)
    for name, text in aliases.items():
        if not isinstance(text, str):
            raise r.error(
                f"[aliases] {name}", f"an alias stands for a quantity written as a string, got {text!r}"
            )
    precision = r.choice(data.get("precision", "float64"), PRECISIONS, "top level precision")
    entries = _printed(r, data.get("printed"), {o.name for o in optimizers}, optimizers[0].name, precision)
    printed = [p for p in entries if not p.blank]
    ident = data.get("id", default_id)
    title = data.get("title", ident)
    for key, value in (("id", ident), ("title", title)):
        if not isinstance(value, str) or not value:
            raise r.error("top level", f"{key} must be a non-empty string, got {value!r}")
    example = WorkedExample(
        id=ident,
        title=title,
        summary=str(data.get("summary", "")),
        source=str(data.get("source", "")),
        optimizers=optimizers,
        steps=steps,
        loop=loop,
        aliases=aliases,
        printed=printed,
        origin=r.origin,
        report=_report(r, r.table(data, "report", "top level", required=False)),
        blank=[p for p in entries if p.blank],
        **setup,
    )
    _check_names(r, _defined_names(example, data), () if example.graph is not None else (EPOCH,))
    variants = _variants(r, data.get("variant"), example)
    for item in entries:
        if item.variant and item.variant not in variants:
            choose = f"; choose from {sorted(variants)}" if variants else "; the file has no [[variant]]"
            raise r.error(item.label(), f"variant {item.variant!r} is not a [[variant]]'s name{choose}")
    return dataclasses.replace(example, variants=variants)


EPOCH = "epoch"  # a network's reserved name: epoch@stop, the epoch its training loop stopped at


def _defined_names(ex: WorkedExample, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every name the example defines, each with the key that defines it (``(default)`` when
    the file leaves that key out)."""
    if ex.graph is not None:
        names = [(n, f"[graph] inputs.{n}") for n in ex.graph.inputs]
        names += [(n, f"[graph] nodes[{i}]") for i, (n, _) in enumerate(ex.graph.nodes)]
    else:
        network, loss = data["network"], data["loss"]
        names = _named("[network] input_names", ex.input_names, network.get("input_names") is None)
        names += _named("[data] target_names", ex.target_names, data["data"].get("target_names") is None)
        for i, (layer, raw) in enumerate(zip(ex.layers, network["layers"])):
            names += _layer_names(f"[[network.layers]] {i + 1}", layer, raw)
        names += _named("[loss] name", [ex.loss.name], loss.get("name") is None, indexed=False)
        names += _named("[loss] term_names", ex.loss.term_names, loss.get("term_names") is None)
    return names + [(n, f"[aliases] {n}") for n in ex.aliases]


def _layer_names(where: str, layer: LayerSpec, raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A layer's names with their keys; an identity layer's ``a`` may take its ``z``'s name (they
    are one node)."""
    names: list[tuple[str, str]] = []
    for j, row in enumerate(layer.weight_names):
        names += _named(f"{where} weight_names[{j}]", row, raw.get("weight_names") is None)
    default_bias = raw.get("bias_names") is None
    names += _named(f"{where} bias_names", layer.bias_names, default_bias, indexed=not layer.shared_bias)
    names += _named(f"{where} z_names", layer.z_names, raw.get("z_names") is None)
    a_names = _named(f"{where} a_names", layer.a_names, raw.get("a_names") is None)
    if layer.activation == "identity":
        a_names = [(a, key) for (a, key), z in zip(a_names, layer.z_names) if a != z]
    return names + a_names


def _named(key: str, names: Sequence[str], default: bool, indexed: bool = True) -> list[tuple[str, str]]:
    """``names`` with their keys: ``key[0]``, ``key[1]``, ... (or ``key`` alone)."""
    mark = " (default)" if default else ""
    return [(n, f"{key}[{i}]{mark}" if indexed else f"{key}{mark}") for i, n in enumerate(names)]


def _check_names(r: _Reader, names: list[tuple[str, str]], reserved: tuple[str, ...]) -> None:
    """Each name stands for one quantity: a name defined twice is an error naming both keys."""
    first: dict[str, str] = {}
    for name, key in names:
        if name in reserved:
            raise r.error(key, f"the name {name!r} is reserved: {name}@stop is where a training loop stopped")
        if name in first:
            raise r.error(
                key,
                f"the name {name!r} is also {first[name]}: each name stands for one quantity"
                + _collision_note(first[name], key),
            )
        first[name] = key


def _collision_note(first: str, second: str) -> str:
    """Why a layer's ``z`` and ``a`` cannot share a name, when that is the collision."""
    layer, found, _ = first.partition(" z_names[")
    if found and second.startswith(f"{layer} a_names["):
        return " (a layer's z and a are two nodes, except on an identity layer, where they are one)"
    return ""


def _variants(r: _Reader, raw: Any, base: WorkedExample) -> dict[str, WorkedExample]:
    """Other numbers for the same setup ([[variant]]): each replayed and checked on its own."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise r.error("[[variant]]", "expected an array of tables ([[variant]])")
    out: dict[str, WorkedExample] = {}
    for i, entry in enumerate(raw):
        where = f"[[variant]] {i + 1}"
        if not isinstance(entry, Mapping):
            raise r.error(where, "expected a table")
        name = entry.get("name")
        if not isinstance(name, str) or not name or name in out:
            raise r.error(where, f"name must be a new non-empty string, got {name!r}")
        if base.graph is not None:
            r.unknown_keys(entry, ("name", "inputs"), where)
            values = dict(base.graph.inputs)
            given = entry.get("inputs", {})
            if not isinstance(given, Mapping):
                raise r.error(where, "inputs must be a table of the graph's inputs, such as { a = 1.0 }")
            for key, value in given.items():
                if key not in values:
                    raise r.error(where, f"{key!r} is not an input of the graph; inputs: {', '.join(values)}")
                values[key] = r.number(value, f"{where} inputs.{key}")
            graph = dataclasses.replace(base.graph, inputs=values)
            variant = dataclasses.replace(base, graph=graph, inputs=[list(values.values())])
        else:
            r.unknown_keys(entry, ("name", "layers", "data"), where)
            variant = dataclasses.replace(
                base, layers=_variant_layers(r, entry.get("layers", []), base, where)
            )
            if "data" in entry:
                data = r.table(entry, "data", where)
                n_in, n_out = len(base.input_names), base.layers[-1].width
                inputs, targets, _ = _data(
                    r, {"target_names": base.target_names, **data}, n_in, n_out, base.loss
                )
                variant = dataclasses.replace(variant, inputs=inputs, targets=targets)
        out[name] = dataclasses.replace(
            variant, id=f"{base.id} ({name})", printed=[], blank=[], report=ReportSpec()
        )
    return out


def _variant_layers(r: _Reader, raw: Any, base: WorkedExample, where: str) -> list[LayerSpec]:
    """The base layers with a variant's weights and biases (the same shapes and kinds of bias)."""
    if not isinstance(raw, list) or len(raw) > len(base.layers):
        raise r.error(where, f"layers must be a list of at most {len(base.layers)} tables, one per layer")
    layers = list(base.layers)
    for li, change in enumerate(raw):
        here = f"{where} layers[{li}]"
        change = r.entry(change, ("weights", "bias"), here, "expected a table with weights and/or bias")
        layer = layers[li]
        weights = layer.weights
        if "weights" in change:
            rows = change["weights"]
            if not isinstance(rows, list) or len(rows) != layer.width:
                raise r.error(here, f"weights must have {layer.width} rows, like the layer's")
            weights = [
                r.vector(row, f"{here} weights[{j}]", len(layer.weights[j])) for j, row in enumerate(rows)
            ]
        bias = layer.bias
        if "bias" in change:
            if isinstance(layer.bias, list):
                bias = r.vector(change["bias"], f"{here} bias", layer.width)
            elif isinstance(layer.bias, float):
                bias = r.number(change["bias"], f"{here} bias")
            else:
                raise r.error(here, "this layer has no bias")
        layers[li] = dataclasses.replace(layer, weights=weights, bias=bias)
    return layers


def _graph_example(r: _Reader, data: Mapping[str, Any], default_id: str) -> WorkedExample:
    """A worked example whose setup is an expression graph (``[graph]``)."""
    extra = sorted({"network", "data", "loss"} & set(data))
    if extra:
        raise r.error("top level", f"{extra} describe a layered network; a [graph] file has none of them")
    graph = _graph(r, r.table(data, "graph", "top level"))
    steps, loop, _ = _training(r, r.table(data, "training", "top level", required=False))
    if loop is not None:
        raise r.error(
            "[training]", "a training loop (stop_below) is for layered networks; a graph takes steps"
        )
    optimizers = _optimizers(r, data.get("optimizer"), steps == 0, list(graph.inputs))
    if steps and not all(o.parameters for o in optimizers):
        raise r.error("[[optimizer]]", 'name the inputs a graph\'s optimizer steps: parameters = ["a", "b"]')
    graph_setup = {
        "input_names": list(graph.inputs),
        "target_names": [],
        "layers": [],
        "inputs": [list(graph.inputs.values())],
        "targets": [[]],
        "loss": LossSpec("graph", False, "sum", "sum", graph.output, []),
        "graph": graph,
    }
    return _example(r, data, default_id, optimizers, steps, None, **graph_setup)


def _graph(r: _Reader, raw: dict[str, Any]) -> GraphSpec:
    where = "[graph]"
    r.unknown_keys(raw, ("inputs", "nodes", "output"), where)
    inputs = raw.get("inputs")
    if not isinstance(inputs, Mapping) or not inputs:
        raise r.error(where, "inputs must be a table of named numbers, such as { a = 2.0, b = -3.0 }")
    values = {}
    for name, value in inputs.items():
        if not re.fullmatch(r"[^\W\d]\w*", name):
            raise r.error(f"{where} inputs", f"{name!r} is not a name (letters, digits and _)")
        values[name] = r.number(value, f"{where} inputs.{name}")
    nodes_raw = raw.get("nodes")
    if not isinstance(nodes_raw, list) or not nodes_raw:
        raise r.error(where, 'nodes must be a list of definitions, such as ["e = a * b", "L = e + c"]')
    known = list(values)
    nodes: list[tuple[str, Expr]] = []
    for i, text in enumerate(nodes_raw):
        here = f"{where} nodes[{i}]"
        if not isinstance(text, str) or "=" not in text:
            raise r.error(here, f'expected a definition "name = expression", got {text!r}')
        name, _, definition = (part.strip() for part in text.partition("="))
        if not re.fullmatch(r"[^\W\d]\w*", name):
            raise r.error(here, f"{name!r} is not a name (letters, digits and _)")
        if name in known:
            kind = "an input" if name in values else "a node"
            raise r.error(here, f"{name!r} is defined twice: it is {kind} already")
        try:
            expr = parse(definition, lambda n: n in known)
        except ReferenceError_ as exc:
            raise r.error(here, str(exc)) from exc
        later = [n for n, _ in _split_definitions(nodes_raw[i + 1 :])]
        _check_node(r, here, expr, known, later)
        nodes.append((name, expr))
        known.append(name)
    output = raw.get("output", nodes[-1][0])
    if output not in [n for n, _ in nodes]:
        near = difflib.get_close_matches(str(output), [n for n, _ in nodes], n=3, cutoff=0.5)
        hint = f"; nearest nodes: {', '.join(near)}" if near else ""
        raise r.error(where, f"output must name a node, got {output!r}{hint}")
    return GraphSpec(values, nodes, str(output))


def _split_definitions(raw: list[Any]) -> list[tuple[str, str]]:
    return [
        (text.partition("=")[0].strip(), text.partition("=")[2])
        for text in raw
        if isinstance(text, str) and "=" in text
    ]


def _check_node(r: _Reader, here: str, expr: Expr, known: list[str], later: list[str]) -> None:
    """A node's definition reads only inputs and earlier nodes, with the language's functions."""
    if isinstance(expr, (Deriv, State)):
        raise r.error(here, "a node is defined by arithmetic of values, not by a derivative or a state")
    if isinstance(expr, Apply):
        for arg in expr.args:
            _check_node(r, here, arg, known, later)
        return
    if isinstance(expr, Ref):
        if expr.sample is not None or expr.step is not None:
            raise r.error(here, f"{expr}: a graph's nodes take no sample or step marks")
        if expr.name in later:
            raise r.error(
                here,
                f"{expr.name!r} is used before it is defined (the nodes must be in order, without a cycle)",
            )
        if expr.name not in known:
            near = difflib.get_close_matches(expr.name, known, n=4, cutoff=0.5)
            hint = f"; nearest known names: {', '.join(near)}" if near else ""
            raise r.error(here, f"unknown name {expr.name!r}{hint}")


def _parameters_of(r: _Reader, raw: Any, graph_inputs: list[str] | None, where: str) -> list[str]:
    if raw is None:
        return []
    if graph_inputs is None:
        raise r.error(where, "parameters name a [graph]'s inputs; a network's optimizer steps every weight")
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise r.error(where, f"parameters must be a list of the graph's input names, got {raw!r}")
    for name in raw:
        if name not in graph_inputs:
            near = difflib.get_close_matches(name, graph_inputs, n=3, cutoff=0.5)
            hint = f"; nearest inputs: {', '.join(near)}" if near else ""
            raise r.error(where, f"parameters: {name!r} is not an input of the graph{hint}")
    return list(raw)


_LAYER_KEYS = ("activation", "weights", "bias", "frozen", "weight_names", "bias_names", "z_names", "a_names")


def _layer(r: _Reader, raw: Any, i: int, n_in: int, n_layers: int) -> LayerSpec:
    where = f"[[network.layers]] {i + 1}"
    raw = r.entry(raw, _LAYER_KEYS, where)
    activation = r.choice(raw.get("activation", "identity"), activations(), f"{where} activation")
    rows = raw.get("weights")
    if not isinstance(rows, list) or not rows:
        raise r.error(where, "weights must be a list with one row of weights per neuron")
    weights = [r.vector(row, f"{where} weights[{j}]") for j, row in enumerate(rows)]
    for j, row in enumerate(weights):
        if len(row) != n_in:
            s = "" if n_in == 1 else "s"
            source = "the network's inputs" if i == 0 else f"layer {i}'s {n_in} neuron{s}"
            raise r.error(
                where, f"weights[{j}] has {len(row)} weights, but the layer reads {n_in} value{s} ({source})"
            )
    width = len(weights)
    layer_no = i + 1
    raw_bias = raw.get("bias")
    bias: float | list[float] | None
    if raw_bias is None:
        bias = None
        default_bias_names: list[str] = []
    elif isinstance(raw_bias, list):
        bias = r.vector(raw_bias, f"{where} bias", width)
        default_bias_names = [f"b{layer_no}_{j + 1}" for j in range(width)]
    else:
        bias = r.number(raw_bias, f"{where} bias")
        default_bias_names = [f"b{layer_no}"]
    frozen_raw = raw.get("frozen", False)
    if frozen_raw is True:
        frozen = frozenset({"weights", "bias"})
    elif frozen_raw is False:
        frozen = frozenset()
    elif isinstance(frozen_raw, list) and set(frozen_raw) <= {"weights", "bias"}:
        frozen = frozenset(frozen_raw)
    else:
        raise r.error(
            where, f'frozen must be true, false or a list of "weights" and "bias", got {frozen_raw!r}'
        )
    sep = "" if width <= 9 and n_in <= 9 else "_"
    default_w = [[f"W{layer_no}_{j + 1}{sep}{k + 1}" for k in range(n_in)] for j in range(width)]
    raw_wn = raw.get("weight_names")
    if raw_wn is None:
        weight_names = default_w
    elif (
        isinstance(raw_wn, list)
        and len(raw_wn) == width
        and all(
            isinstance(row, list) and len(row) == n_in and all(isinstance(n, str) for n in row)
            for row in raw_wn
        )
    ):
        weight_names = [list(row) for row in raw_wn]
    else:
        raise r.error(where, f"weight_names must be {width} rows of {n_in} names, like weights")
    raw_bn = raw.get("bias_names")
    if raw_bn is not None and bias is None:
        raise r.error(where, "bias_names given for a layer without a bias")
    if isinstance(raw_bn, str):
        raw_bn = [raw_bn]
    bias_names = r.names(raw_bn, len(default_bias_names), f"{where} bias_names", default_bias_names)
    z_names = r.names(
        raw.get("z_names"), width, f"{where} z_names", [f"z{layer_no}_{j + 1}" for j in range(width)]
    )
    a_names = r.names(
        raw.get("a_names"), width, f"{where} a_names", [f"a{layer_no}_{j + 1}" for j in range(width)]
    )
    return LayerSpec(activation, weights, bias, frozen, weight_names, bias_names, z_names, a_names)


def _loss(r: _Reader, raw: dict[str, Any], output: LayerSpec) -> LossSpec:
    where = "[loss]"
    r.unknown_keys(raw, ("kind", "half", "outputs", "batch", "name", "term_names"), where)
    kind = r.choice(raw.get("kind"), LOSSES, f"{where} kind")
    half = raw.get("half", False)
    if not isinstance(half, bool):
        raise r.error(where, f"half must be true or false, got {half!r}")
    if kind == "cross_entropy":
        if output.activation != "softmax":
            raise r.error(where, 'cross_entropy needs a softmax output layer (activation = "softmax")')
        if half:
            raise r.error(where, "half applies to squared_error only")
    outputs = r.choice(raw.get("outputs", "sum"), REDUCTIONS, f"{where} outputs")
    batch = r.choice(raw.get("batch", "mean"), REDUCTIONS, f"{where} batch")
    name = raw.get("name", "E")
    if not isinstance(name, str) or not re.fullmatch(r"[^\W\d]\w*", name):
        raise r.error(where, f"name must be a plain name such as E or L, got {name!r}")
    term_names = r.names(
        raw.get("term_names"),
        output.width,
        f"{where} term_names",
        [f"{name}_{j + 1}" for j in range(output.width)],
    )
    return LossSpec(kind, half, outputs, batch, name, term_names)


def _data(
    r: _Reader, raw: dict[str, Any], n_in: int, n_out: int, loss: LossSpec
) -> tuple[list[list[float]], list[list[float]], list[str]]:
    where = "[data]"
    r.unknown_keys(raw, ("inputs", "targets", "target_names"), where)
    xs, ts = raw.get("inputs"), raw.get("targets")
    if not isinstance(xs, list) or not xs:
        raise r.error(
            where, "inputs must be one sample (a list of numbers) or a batch (a list of such lists)"
        )
    batch = isinstance(xs[0], list)
    samples = xs if batch else [xs]
    inputs = [
        r.vector(x, f"{where} inputs[{s}]" if batch else f"{where} inputs", n_in)
        for s, x in enumerate(samples)
    ]
    if not isinstance(ts, list) or not ts:
        raise r.error(where, "targets must mirror inputs: one list of targets per sample")
    if batch != isinstance(ts[0], list) or (batch and len(ts) != len(inputs)):
        raise r.error(
            where, f"targets must mirror inputs: {len(inputs)} sample(s), each a list of {n_out} targets"
        )
    t_samples = ts if batch else [ts]
    targets = [
        r.vector(t, f"{where} targets[{s}]" if batch else f"{where} targets", n_out)
        for s, t in enumerate(t_samples)
    ]
    if loss.kind == "cross_entropy":
        for s, t in enumerate(targets):
            if any(v < 0 for v in t) or abs(sum(t) - 1.0) > 1e-9:
                raise r.error(
                    f"{where} targets[{s}]",
                    "cross_entropy targets are probabilities that add up to 1 (one-hot)",
                )
    names = r.names(
        raw.get("target_names"), n_out, f"{where} target_names", [f"t{j + 1}" for j in range(n_out)]
    )
    return inputs, targets, names


_OPTIMIZER_KEYS = (
    "name",
    "kind",
    "lr",
    "betas",
    "eps",
    "bias_correction",
    "parameters",
    "momentum",
    "nesterov",
)


def _optimizers(
    r: _Reader, raw: Any, optional: bool, graph_inputs: list[str] | None = None
) -> list[OptimizerSpec]:
    if raw is None and optional:
        return [OptimizerSpec(NO_OPTIMIZER, NO_OPTIMIZER, 0.0)]
    if raw is None:
        raise r.error(
            "top level",
            "missing [[optimizer]] (the optimizer the document uses; "
            "a page that takes no step leaves it out with [training] steps = 0)",
        )
    entries = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(entries, list) or not entries:
        raise r.error("[[optimizer]]", "expected one or more tables")
    out = []
    for i, entry in enumerate(entries):
        where = f"[[optimizer]] {i + 1}"
        entry = r.entry(entry, _OPTIMIZER_KEYS, where)
        parameters = tuple(_parameters_of(r, entry.get("parameters"), graph_inputs, where))
        kind = r.choice(entry.get("kind"), OPTIMIZERS, f"{where} kind")
        name = entry.get("name", kind)
        if not isinstance(name, str) or not name:
            raise r.error(where, f"name must be a non-empty string, got {name!r}")
        lr = r.number(entry.get("lr"), f"{where} lr")
        if lr <= 0:
            raise r.error(
                where,
                f"lr must be a positive learning rate (> 0), got {lr!r}; a page that takes no step "
                "sets [training] steps = 0 and leaves [[optimizer]] out",
            )
        if kind == "sgd":
            extra = sorted(set(entry) & {"betas", "eps", "bias_correction"})
            if extra:
                raise r.error(where, f"{extra} apply to adam only")
            momentum = r.number(entry.get("momentum", 0.0), f"{where} momentum")
            if not 0.0 <= momentum < 1.0:
                raise r.error(where, f"momentum must lie in [0, 1), got {momentum!r}")
            nesterov = entry.get("nesterov", False)
            if not isinstance(nesterov, bool) or (nesterov and not momentum):
                raise r.error(
                    where, f"nesterov is true or false, and needs a momentum above 0, got {nesterov!r}"
                )
            out.append(
                OptimizerSpec(name, kind, lr, parameters=parameters, momentum=momentum, nesterov=nesterov)
            )
            continue
        extra = sorted(set(entry) & {"momentum", "nesterov"})
        if extra:
            raise r.error(where, f"{extra} apply to sgd only")
        betas = r.vector(entry.get("betas", [0.9, 0.999]), f"{where} betas", 2)
        if not all(0.0 <= b < 1.0 for b in betas):
            raise r.error(where, f"betas must lie in [0, 1), got {betas}")
        eps = r.number(entry.get("eps", 1e-8), f"{where} eps")
        if eps <= 0:
            raise r.error(
                where,
                f"eps must be above 0 (Adam's step divides by √v̂ + eps, and v̂ stays 0 while a gradient "
                f"is 0), got {eps!r}",
            )
        correction = entry.get("bias_correction", True)
        if not isinstance(correction, bool):
            raise r.error(where, f"bias_correction must be true or false, got {correction!r}")
        out.append(OptimizerSpec(name, kind, lr, (betas[0], betas[1]), eps, correction, parameters))
    names = [o.name for o in out]
    if len(set(names)) != len(names):
        raise r.error("[[optimizer]]", f"two optimizers share a name: {names}; give each a name")
    return out


def _training(r: _Reader, raw: dict[str, Any]) -> tuple[int, LoopSpec | None, str]:
    """The steps taken by hand, the training loop if any, and the schedule."""
    where = "[training]"
    r.unknown_keys(raw, ("steps", "stop_below", "max_epochs", "schedule"), where)
    schedule = r.choice(raw.get("schedule", "batch"), SCHEDULES, f"{where} schedule")
    if schedule == "per_sample" and ("stop_below" in raw or "max_epochs" in raw):
        raise r.error(
            where, "a per-sample schedule takes its steps by hand (steps); a training loop steps on the batch"
        )
    steps = raw.get("steps", 1)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= MAX_STEPS:
        raise r.error(where, f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
    if "stop_below" not in raw and "max_epochs" not in raw:
        return steps, None, schedule
    stop = r.number(raw.get("stop_below"), f"{where} stop_below")
    most = raw.get("max_epochs", 10_000)
    if isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= 1_000_000:
        raise r.error(where, f"max_epochs must be a whole number from 1 to 1000000, got {most!r}")
    return steps, LoopSpec(stop, most), schedule


def _printed(
    r: _Reader, raw: Any, runs: set[str], default_run: str, default_precision: str
) -> list[PrintedSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise r.error("printed", "expected an array of tables ([[printed]] or printed = [{...}, ...])")
    items = []
    for i, entry in enumerate(raw):
        where = f"printed[{i}]"
        keys = ("quantity", "where", "printed", "formula", "run", "precision", "variant")
        entry = r.entry(entry, keys, where, "expected a table with quantity, where and printed")
        quantity = entry.get("quantity")
        if not isinstance(quantity, str) or not quantity.strip():
            raise r.error(where, f"quantity must name what the number claims to be, got {quantity!r}")
        where = f"printed[{i}] ({quantity})"
        text = entry.get("printed")
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            raise r.error(
                where, f'write the printed number as a string ("{text}") so that its last digit counts'
            )
        blank = isinstance(text, str) and not text.strip()  # not filled in yet: never checked
        plain = "" if blank else plain_number(text) if isinstance(text, str) else None
        if plain is None:
            raise r.error(
                where,
                'printed must be a number as printed, such as "0.05540", "8.24e-7" or "8.24×10⁻⁷" '
                f'(or "" for an entry not filled in yet), got {text!r}',
            )
        assert isinstance(text, str)
        place = entry.get("where", "")
        formula = entry.get("formula", "")
        run = entry.get("run", default_run)
        for key, value in (("where", place), ("formula", formula), ("run", run)):
            if not isinstance(value, str):
                raise r.error(where, f"{key} must be a string, got {value!r}")
        if run not in runs:
            raise r.error(where, f"run {run!r} is not an optimizer's name; choose from {sorted(runs)}")
        precision = r.choice(entry.get("precision", default_precision), PRECISIONS, f"{where} precision")
        written = text.strip() if text.strip() != plain else ""
        variant = entry.get("variant", "")
        if not isinstance(variant, str):
            raise r.error(where, f"variant must name a [[variant]], got {variant!r}")
        items.append(
            PrintedSpec(i, quantity.strip(), place, plain, formula.strip(), run, precision, written, variant)
        )
    return items


def _strings(r: _Reader, value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise r.error(where, f"expected a list of quantities written as strings, got {value!r}")
    return tuple(v.strip() for v in value)


def _report(r: _Reader, raw: dict[str, Any]) -> ReportSpec:
    where = "[report]"
    r.unknown_keys(raw, ("fmt", "highlight", "sections"), where)
    fmt = raw.get("fmt")
    if fmt is not None:
        try:
            if not isinstance(fmt, str):
                raise ValueError
            format(1.5, fmt)
        except ValueError:
            raise r.error(where, f'fmt must be a format spec for floats such as ".6f", got {fmt!r}') from None
    highlight = raw.get("highlight")
    if highlight is not None and (not isinstance(highlight, str) or not highlight.strip()):
        raise r.error(where, f"highlight must name a parameter or an input, got {highlight!r}")
    raw_sections = raw.get("sections", [])
    if not isinstance(raw_sections, list):
        raise r.error(where, "sections must be an array of tables ([[report.sections]])")
    sections = []
    for i, entry in enumerate(raw_sections):
        here = f"[[report.sections]] {i + 1}"
        entry = r.entry(entry, ("where", "title", "note", "explain", "show"), here)
        texts = {}
        for key in ("where", "title", "note"):
            value = entry.get(key, "")
            if not isinstance(value, str):
                raise r.error(here, f"{key} must be a string, got {value!r}")
            texts[key] = value.strip()
        if not texts["where"]:
            raise r.error(
                here, 'where must be the start of the printed numbers\' where text, such as "step 1"'
            )
        sections.append(
            SectionSpec(
                texts["where"],
                texts["title"] or texts["where"],
                texts["note"],
                _strings(r, entry.get("explain"), f"{here} explain"),
                _strings(r, entry.get("show"), f"{here} show"),
            )
        )
    return ReportSpec(fmt, highlight.strip() if highlight else None, tuple(sections))

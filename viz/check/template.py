"""A worksheet from any worked-example setup: the file's setup, then a ``[[printed]]`` entry for
every quantity the setup defines, in textbook order (forward values, the loss, the gradients
backwards, the updates), each with ``printed = ""``; or, as an answer key, with the replay's
values at a chosen number of decimals.

>>> sheet = template("examples/tanh_neuron_check.toml")
>>> sheet.count("[[printed]]"), 'quantity = "dE/dw1"' in sheet, 'printed = ""' in sheet
(14, True, True)
>>> key = template("examples/tanh_neuron_check.toml", answers=True, decimals=3)
>>> 'quantity = "o"\\nwhere = "forward"\\nprinted = "0.707"' in key
True
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .classify import _after_steps
from .graph_ledger import ledger_for
from .ledger import Key, Ledger, QuantityError
from .refs import ReferenceError_
from .spec import OptimizerSpec, WorkedExample, WorkedExampleError, from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_DECIMALS = 15  # an answer key's decimals: float64 keeps about 15 significant digits


class TemplateError(WorkedExampleError):
    """A setup that cannot be written as a worksheet; the message names the file and the cause."""


@dataclass(frozen=True)
class Entry:
    """One line of the worksheet: a quantity, where it belongs, its run and its variant."""

    quantity: str
    where: str
    run: str = ""  # "" when the file has one optimizer, or the quantity is before any step
    variant: str = ""


def template(source: str | Path, answers: bool = False, decimals: int = 4) -> str:
    """The worksheet of a worked-example file (or a shipped id): its setup as written (every
    table but ``[[printed]]``, comments kept) and a blank entry for every quantity the setup
    defines; with ``answers``, each filled in with the replay's value at ``decimals`` places."""
    from . import EXAMPLES_DIR, load, true_values

    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be a whole number from 0 to {MAX_DECIMALS}, got {decimals!r}")
    ex = load(source)  # validates the whole file, printed numbers included
    path = Path(source)
    if not path.exists():
        path = EXAMPLES_DIR / f"{source}.toml"
    text = path.read_text(encoding="utf-8")
    setup = setup_text(text, ex.origin)
    entries = worksheet_entries(ex)
    data = tomllib.loads(setup)
    data["printed"] = [_entry_table(e, "") for e in entries]
    sheet = from_mapping(data, origin=ex.origin, default_id=path.stem)
    printed = [""] * len(entries)
    if answers:
        values = true_values(sheet)  # the checker's own replay of the worksheet
        for i, entry in enumerate(entries):
            printed[i] = _answer(entry, values[i], decimals, ex.origin)
    blocks = [_entry_text(e, p) for e, p in zip(entries, printed)]
    heading = (
        "# Every quantity of the setup, in textbook order: forward values, the loss, the gradients\n"
        "# backwards, the updates. "
        + ("The replay's values, as an answer key.\n" if answers else 'Fill in each printed = "".\n')
    )
    return setup.rstrip() + "\n\n" + heading + "\n" + "\n".join(blocks)


# ---- the setup as written -----------------------------------------------------------------------

_HEADER = re.compile(r"\[\[?\s*([\w.\-\"' ]+?)\s*\]\]?\s*(?:#.*)?")
_PRINTED = re.compile(r"\[\[\s*printed\s*\]\]\s*(?:#.*)?")


def setup_text(text: str, origin: str = "<text>") -> str:
    """The file's text without its ``[[printed]]`` tables, comments kept; rebuilt from the parsed
    file (without comments) when the text cannot be cut that way (``printed = [...]`` inline)."""
    data = tomllib.loads(text)
    data.pop("printed", None)
    kept = _without_printed(text)
    try:
        if tomllib.loads(kept) == data:
            return kept
    except tomllib.TOMLDecodeError:
        pass
    return f"# The setup of {Path(origin).name}, rebuilt without its comments.\n" + to_toml(data)


def _without_printed(text: str) -> str:
    """The lines outside ``[[printed]]`` tables; the comments just above the table that follows
    one are kept with that table."""
    out: list[str] = []
    skipping = False
    held: list[str] = []  # comment lines inside a skipped table, kept if a table follows them
    for line, header in _lines(text):
        if header:
            skipping = bool(_PRINTED.fullmatch(line.rstrip()))
            if not skipping:
                out += held
            held = []
        if not skipping:
            out.append(line)
        elif line.lstrip().startswith("#"):
            held.append(line)
        else:
            held = []
    return "".join(out)


def _lines(text: str) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it is a table header (outside a multi-line string)."""
    inside: str | None = None
    for line in text.splitlines(keepends=True):
        header = inside is None and bool(_HEADER.fullmatch(line.rstrip()))
        for quote in re.findall(r'"""|\'\'\'', line):
            if inside is None:
                inside = quote
            elif inside == quote:
                inside = None
        yield line, header


def to_toml(data: dict[str, Any]) -> str:
    """A parsed TOML document written back as TOML (without comments).

    >>> text = to_toml({"id": "x", "network": {"inputs": 1, "layers": [{"weights": [[0.5]]}]}})
    >>> print(text)
    id = "x"
    <BLANKLINE>
    [network]
    inputs = 1
    <BLANKLINE>
    [[network.layers]]
    weights = [[0.5]]
    <BLANKLINE>
    >>> tomllib.loads(text)["network"]["layers"][0]["weights"]
    [[0.5]]
    """
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(data: dict[str, Any], path: list[str], lines: list[str]) -> None:
    nested = {k: v for k, v in data.items() if isinstance(v, dict) or _tables(v)}
    for key, value in data.items():
        if key not in nested:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in nested.items():
        name = ".".join(_key(k) for k in [*path, key])
        for table in [value] if isinstance(value, dict) else value:
            lines += ["", f"[{name}]" if isinstance(value, dict) else f"[[{name}]]"]
            _table(table, [*path, key], lines)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as TOML")


# ---- the quantities, in textbook order --------------------------------------------------------


def _mark(q: int) -> str:
    """After q steps, as the reference language writes it: '' ' '' ''' @4."""
    return "'" * q if q <= 3 else f"@{q}"


def _plural(q: int) -> str:
    return f"after {q} step{'s' if q > 1 else ''}"


def worksheet_entries(ex: WorkedExample) -> list[Entry]:
    """Every quantity the setup defines, each once, in textbook order: for each optimizer run,
    forward values, the loss, the gradients backwards and the updates, step by step, then the
    forward values and loss after the last step (and where a training loop stopped); then the
    same for each [[variant]]. Quantities before any step belong to every run: listed once."""
    out: list[Entry] = []
    for variant_name, setup in [("", ex), *ex.variants.items()]:
        out += _entries(setup, variant_name)
    return out


def _entries(ex: WorkedExample, variant: str) -> list[Entry]:
    several = len(ex.optimizers) > 1
    seen: set[tuple[Any, Key]] = set()
    out: list[Entry] = []
    for run in ex.optimizers:
        ledger = ledger_for(ex, run)
        writer = _Writer(ex, ledger)
        for where, text in writer.quantities():
            try:
                key = ledger.key(text)
            except (QuantityError, ReferenceError_) as exc:
                raise TemplateError(
                    f"{ex.origin}: cannot write a worksheet: the quantity {text!r} ({where}) does not "
                    f"read back ({exc}); name the setup's nodes with plain names (letters, digits, _)"
                ) from exc
            later = _after_steps(key)
            ident = (run.name if later else None, key)
            if ident in seen:
                continue
            seen.add(ident)
            out.append(Entry(text, where, run.name if several and later else "", variant))
    return out


class _Writer:
    """The quantities of one run of a setup, written in the file's names."""

    def __init__(self, ex: WorkedExample, ledger: Ledger) -> None:
        self.ex = ex
        self.ledger = ledger
        self.run: OptimizerSpec = ledger.run
        self.steps = ex.steps

    def quantities(self) -> Iterator[tuple[str, str]]:
        for q in range(self.steps + 1):
            yield from self.forward(q)
            if q < self.steps:
                yield from self.backward(q)
                yield from self.update(q)
        if not self.steps:
            yield from self.backward(0)
        if self.ex.loop is not None:
            yield "training loop", f"{self.ex.loss.name}@stop"
            yield "training loop", "epoch@stop"

    def _group(self, name: str, q: int) -> str:
        return name if q == 0 else f"{name} {_plural(q)}"

    # ---- a layered network, or an expression graph

    def forward(self, q: int) -> Iterator[tuple[str, str]]:
        if self.ex.graph is not None:
            for name, _ in self.ex.graph.nodes:
                yield self._group("forward", q), name + _mark(q)
            return
        ex, m = self.ex, _mark(q)
        for s in range(ex.batch):
            for layer in ex.layers:
                for j in range(layer.width):
                    yield self._group("forward", q), self._node(layer.z_names[j], m, s)
                    if layer.activation != "identity":
                        yield self._group("forward", q), self._node(layer.a_names[j], m, s)
        loss = self._group("loss", q)
        for s in range(ex.batch):
            if ex.layers[-1].width > 1:
                for name in ex.loss.term_names:
                    yield loss, self._node(name, m, s)
            if ex.batch > 1:
                yield loss, f"{ex.loss.name}{m}[{s + 1}]"
        yield loss, ex.loss.name + m

    def _node(self, name: str, mark: str, s: int) -> str:
        return f"{name}{mark}[{s + 1}]" if self.ex.batch > 1 else name + mark

    def _top(self, q: int) -> str:
        """The loss the optimizer minimises at step q (one sample's, per sample)."""
        key = self.ledger.total(q)
        if self.ex.graph is not None:
            return self.ex.graph.output + _mark(q)
        if key[0] == "Es":
            return f"{self.ex.loss.name}{_mark(q)}[{key[1] + 1}]"
        return self.ex.loss.name + _mark(q)

    def backward(self, q: int) -> Iterator[tuple[str, str]]:
        group, m, top = self._group("backward", q), _mark(q), self._top(q)
        if self.ex.graph is not None:
            graph = self.ex.graph
            ancestors = self.ledger.ancestors(self.ledger.total(q))
            for name, _ in reversed(graph.nodes):
                if ("n", name, q) in ancestors:
                    yield group, f"d{top}/d{name}{m}"
            for name in graph.inputs:
                if self.ledger.param(("in", name), q) in ancestors:
                    yield group, f"d{top}/d{name}{m}"
            return
        ex = self.ex
        key = self.ledger.total(q)
        samples = [key[1]] if key[0] == "Es" else range(ex.batch)
        for li in reversed(range(len(ex.layers))):
            layer = ex.layers[li]
            for s in samples:
                for j in range(layer.width):
                    if layer.activation != "identity":
                        yield group, f"d{top}/d{self._node(layer.a_names[j], m, s)}"
                    yield group, f"d{top}/d{self._node(layer.z_names[j], m, s)}"
            for name, _ in self._parameters(li):
                yield group, f"d{top}/d{name}{m}"

    def _parameters(self, li: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """A layer's trainable parameters: its weights, then its bias(es)."""
        layer = self.ex.layers[li]
        if "weights" not in layer.frozen:
            for j, row in enumerate(layer.weight_names):
                for k, name in enumerate(row):
                    yield name, ("w", li, j, k)
        if layer.bias is not None and "bias" not in layer.frozen:
            if layer.shared_bias:
                yield layer.bias_names[0], ("b", li)
            else:
                for j, name in enumerate(layer.bias_names):
                    yield name, ("b", li, j)

    def update(self, q: int) -> Iterator[tuple[str, str]]:
        group = "update" if self.steps == 1 else f"update {q + 1}"
        if self.ex.graph is not None:
            for name in self.ex.graph.inputs:
                if name in self.run.parameters:
                    yield group, name + _mark(q + 1)
            return
        for li in range(len(self.ex.layers)):
            for name, _ in self._parameters(li):
                yield group, name + _mark(q + 1)


# ---- writing the entries ----------------------------------------------------------------------


def _entry_table(entry: Entry, printed: str) -> dict[str, str]:
    table = {"quantity": entry.quantity, "where": entry.where, "printed": printed}
    if entry.run:
        table["run"] = entry.run
    if entry.variant:
        table["variant"] = entry.variant
    return table


def _entry_text(entry: Entry, printed: str) -> str:
    body = "\n".join(f"{key} = {_string(value)}" for key, value in _entry_table(entry, printed).items())
    return f"[[printed]]\n{body}\n"


def _answer(entry: Entry, value: float, decimals: int, origin: str) -> str:
    """The value as an answer key prints it: ``decimals`` places (a count as a whole number)."""
    if not math.isfinite(value):
        raise TemplateError(f"{origin}: {entry.quantity} ({entry.where}) has no finite value ({value!r})")
    if entry.quantity.startswith("epoch"):
        return str(round(value))
    text = f"{value:.{decimals}f}"
    return text[1:] if re.fullmatch(r"-0\.?0*", text) else text

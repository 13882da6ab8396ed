"""Check a hand-worked backpropagation example: which printed numbers are right, which step
first went wrong, and why — computed, never typed.

A worked example is a TOML file (``docs/worked-example-format.md``): the network, data, loss,
optimizer and steps, then every number the document printed, each naming the quantity it claims
to be. ``check`` replays the setup with chainrule and classifies every printed number.

>>> report = check("000")
>>> report.counts["wrong"] > 0, report.first_wrong is not None
(True, True)
>>> report.items[0].printed.quantity, report.items[0].cls
('z_h1[1]', 'exact')
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .arithmetic import PRECISE
from .classify import CLASSES, WRONG, Judge, Verdict
from .engine_run import EngineMismatch, EngineRun
from .graph_ledger import ledger_for
from .ledger import Key, Ledger, QuantityError
from .refs import ReferenceError_
from .rules import Mistake, load_catalogue
from .spec import (
    CheckerError,
    PrintedSpec,
    WorkedExample,
    WorkedExampleError,
    checker_failed,
    from_mapping,
    read,
)

EXAMPLES_DIR = Path(__file__).with_name("examples")


def shipped() -> list[str]:
    """The ids of the worked examples that come with chainrule."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))


@dataclass
class Report:
    """A checked worked example: every printed number with its verdict, the values of the
    quantities its report shows without a printed number (``shown``, by their text), and the
    loss epoch by epoch when it has a training loop."""

    example: WorkedExample
    items: list[Verdict]
    shown: dict[str, float] = dataclasses.field(default_factory=dict)
    loss_curve: list[float] = dataclasses.field(default_factory=list)

    @property
    def id(self) -> str:
        return self.example.id

    @property
    def title(self) -> str:
        return self.example.title

    @property
    def counts(self) -> dict[str, int]:
        """How many numbers fall in each class; ``wrong`` adds up slip, typo, inherited and
        conceptual; ``numbers`` counts the distinct quantities printed (a repeat, even a wrongly
        copied one, is not a new number; a wrongly copied one is a typo all the same)."""
        counts = {cls: sum(v.cls == cls for v in self.items) for cls in CLASSES}
        counts["wrong"] = sum(counts[c] for c in WRONG)
        counts["numbers"] = sum(v.repeat_of is None for v in self.items)
        return counts

    @property
    def blank(self) -> list[PrintedSpec]:
        """The entries not filled in yet (``printed = ""``): named, never checked."""
        return self.example.blank

    @property
    def first_wrong(self) -> Verdict | None:
        """The first wrong number in document order: where the calculation first went wrong."""
        return next((v for v in self.items if v.wrong), None)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able data; ``blank`` lists the entries not filled in yet, when
        there are any."""
        first = self.first_wrong
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "items": [
                {
                    "index": v.printed.index,
                    "quantity": v.printed.quantity,
                    "where": v.printed.where,
                    "printed": v.printed.shown,
                    "value": v.value,
                    "units_off": round(v.units_off, 3),
                    "class": v.cls,
                    "inherits_from": v.inherits_from,
                    "mistake": v.mistake.id if v.mistake else None,
                    "repeat_of": v.repeat_of,
                    "explanation": v.explanation,
                }
                for v in self.items
            ],
            "counts": self.counts,
            "first_wrong": None if first is None else first.printed.index,
        }
        if self.blank:
            data["blank"] = [{"index": p.index, "quantity": p.quantity, "where": p.where} for p in self.blank]
        return data


def load(source: str | Path | Mapping[str, Any] | WorkedExample) -> WorkedExample:
    """A worked example from a file path, a shipped id (``"000"``), an already-parsed mapping,
    or an already-read example."""
    if isinstance(source, WorkedExample):
        return source
    if isinstance(source, Mapping):
        return from_mapping(source)
    path = Path(source)
    if not path.exists() and isinstance(source, str) and (EXAMPLES_DIR / f"{source}.toml").exists():
        path = EXAMPLES_DIR / f"{source}.toml"
    elif not path.exists():
        known = ", ".join(shipped())
        raise WorkedExampleError(f"{source}: no such file, and not a shipped example ({known})")
    return read(path)


def _facts(ex: WorkedExample, ledger: Ledger) -> dict[str, Any]:
    """What the mistakes' ``when`` conditions read of a setup."""
    if ex.graph is not None:
        return {
            "setup": "graph",
            "optimizer": ledger.run.kind,
            "bias_correction": ledger.run.bias_correction,
            "steps": ex.steps,
        }
    return {
        "setup": "network",
        "loss": ex.loss.kind,
        "half": ex.loss.half,
        "optimizer": ledger.run.kind,
        "bias_correction": ledger.run.bias_correction,
        "shared_bias": any(layer.shared_bias for layer in ex.layers),
        "batch": ex.batch,
        "outputs": ex.layers[-1].width,
        "layers": len(ex.layers),
        "steps": ex.steps,
    }


def _walk(key: Key) -> list[Key]:
    if key[0] == "fn":
        return [key] + [k for arg in key[2:] for k in _walk(arg)]
    return [key]


def check(source: str | Path | Mapping[str, Any], catalogue: list[Mistake] | None = None) -> Report:
    """Replay a worked example with chainrule and classify every number it printed.

    ``source`` is a TOML file, a shipped example's id, or the file's content as a mapping.

    A file that cannot be checked raises ``WorkedExampleError``; a failure of the checker
    itself on a valid file raises ``CheckerError``, naming the file and the entry.

    >>> report = check("000")
    >>> [(v.printed.quantity, v.mistake.id) for v in report.items if v.cls == "conceptual"]
    [('dE/db1', 'shared_bias_averaged')]
    """
    ex = load(source)
    try:
        return _check_variants(ex, catalogue) if ex.variants else _check(ex, catalogue)
    except (WorkedExampleError, CheckerError):
        raise
    except Exception as exc:
        raise CheckerError(f"{ex.origin}: {checker_failed(exc)}") from exc


def _by_variant(ex: WorkedExample) -> list[tuple[WorkedExample, str]]:
    """The setup without its variants, then each [[variant]]: each replayed on its own, with
    the printed numbers and blank entries that name it (``""``: the setup's own)."""

    def own(entries: list[PrintedSpec], name: str) -> list[PrintedSpec]:
        return [p for p in entries if p.variant == name]

    base = dataclasses.replace(ex, printed=own(ex.printed, ""), blank=own(ex.blank, ""), variants={})
    out = [(base, "")]
    for name, variant in ex.variants.items():
        out.append(
            (dataclasses.replace(variant, printed=own(ex.printed, name), blank=own(ex.blank, name)), name)
        )
    return out


def _check_variants(ex: WorkedExample, catalogue: list[Mistake] | None) -> Report:
    """Each [[variant]] is its own replay: its printed numbers are judged by it alone."""
    (base_ex, _), *others = _by_variant(ex)
    base = _check(base_ex, catalogue)
    items = list(base.items)
    for variant, _ in others:
        if variant.printed or variant.blank:
            items += _check(variant, catalogue).items
    return Report(ex, sorted(items, key=lambda v: v.printed.index), base.shown, base.loss_curve)


def true_values(source: str | Path | Mapping[str, Any] | WorkedExample) -> dict[int, float]:
    """The replay's value of the quantity of every entry of a worked example, printed or blank,
    by the entry's index: the truth the checker compares printed numbers with.

    >>> values = true_values("examples/tanh_neuron_check.toml")
    >>> round(values[1], 4)  # o = tanh(0.8814)
    0.7071
    """
    ex = load(source)
    try:
        out: dict[int, float] = {}
        for sub, _ in _by_variant(ex):
            entries = [*sub.printed, *sub.blank]
            if not entries:
                continue
            ledgers = {run.name: ledger_for(sub, run) for run in sub.optimizers}
            keys, formulas = _keys(sub, ledgers, entries)
            engines = _engine_runs(ledgers, entries, keys, formulas, [])
            for item, key in zip(entries, keys):
                values = engines[item.run].values
                out[item.index] = values[key] if key in values else ledgers[item.run].truth(key)
        return out
    except (WorkedExampleError, CheckerError):
        raise
    except Exception as exc:
        raise CheckerError(f"{ex.origin}: {checker_failed(exc)}") from exc


def _keys(
    ex: WorkedExample, ledgers: dict[str, Ledger], entries: list[PrintedSpec]
) -> tuple[list[Key], list[Key | None]]:
    """The keys of the entries' quantities and formulas; a name that names nothing is the
    file's error, naming the entry."""
    keys: list[Key] = []
    formulas: list[Key | None] = []
    for item in entries:
        ledger = ledgers[item.run]
        for field, text, out in (("quantity", item.quantity, keys), ("formula", item.formula, formulas)):
            if field == "formula" and not text:
                formulas.append(None)
                continue
            try:
                out.append(ledger.key(text))
            except (QuantityError, ReferenceError_) as exc:
                raise WorkedExampleError(f"{ex.origin}: {item.label()}: {field}: {exc}") from exc
    return keys, formulas


def _engine_runs(
    ledgers: dict[str, Ledger],
    entries: list[PrintedSpec],
    keys: list[Key],
    formulas: list[Key | None],
    extra: list[Key],
) -> dict[str, EngineRun]:
    """Each run through the engine, for the quantities the entries (and ``extra``, of the first
    run) read; each cross-checked with the ledger's rules."""
    first = next(iter(ledgers.values()))
    truths: dict[str, EngineRun] = {}
    for name, ledger in ledgers.items():
        needed = [k for i, key in enumerate(keys) if entries[i].run == name for k in _walk(key)]
        needed += [k for i, key in enumerate(formulas) if key and entries[i].run == name for k in _walk(key)]
        if ledger is first:
            needed += [k for key in extra for k in _walk(key)]
        engine = truths[name] = EngineRun(ledger, needed)
        ledger.given.update({k: v for k, v in engine.values.items() if k[0] in ("stop", "epoch")})
        engine.cross_check()
    return truths


def _check(ex: WorkedExample, catalogue: list[Mistake] | None) -> Report:
    ledgers = {run.name: ledger_for(ex, run) for run in ex.optimizers}
    keys, formulas = _keys(ex, ledgers, ex.printed)
    _keys(ex, ledgers, ex.blank)  # not filled in yet: its names are checked all the same
    first = ledgers[ex.optimizers[0].name]
    extra = _report_quantities(ex, first)
    truths = _engine_runs(ledgers, ex.printed, keys, formulas, list(extra.values()))
    catalogue = load_catalogue() if catalogue is None else catalogue
    variants = {}
    for name, ledger in ledgers.items():
        facts = _facts(ex, ledger)
        variants[name] = [ledger_for(ex, ledger.run, m) for m in catalogue if m.applies(facts)]
        for variant in variants[name]:
            variant.given.update(ledger.given)

    def replayed(run: str, key: Key) -> float:
        engine = truths[run].values
        return engine[key] if key in engine else ledgers[run].truth(key)

    precise = _precise_truths(ex, keys, ledgers, replayed)

    def truth(run: str, key: Key) -> float:
        return precise.get((run, key), replayed(run, key))

    judge = Judge(ex.printed, keys, formulas, ledgers, variants, truth)
    verdicts = judge.run(ex.origin)
    for v in verdicts:
        if (v.printed.run, v.key) in precise:
            v.explanation += ("; " if v.explanation else "") + PRECISE_NOTE
    run = ex.optimizers[0].name
    shown = {text: replayed(run, key) for text, key in extra.items()}
    return Report(ex, verdicts, shown, truths[run].loss_curve)


PRECISE_NOTE = "float64 keeps too few digits for this print: its truth is computed with 50 digits"
FLOAT64_DIGITS_NEEDED = 0.05  # of a unit in the printed digit: float64 must be this close


def _precise_truths(
    ex: WorkedExample, keys: list[Key], ledgers: dict[str, Ledger], replayed: Callable[[str, Key], float]
) -> dict[tuple[str, Key], float]:
    """The printed quantities whose float64 replay is too far from the value computed with 50
    significant digits for the digits printed (cancellation), with that value, where the print
    is nearer to it: a page may print either (a float64 program's 1.1e-16 where the decimal
    arithmetic gives 0, or 1 − σ(16) to 15 digits)."""
    precise = {name: ledger_for(ex, ledger.run, arithmetic=PRECISE) for name, ledger in ledgers.items()}
    out: dict[tuple[str, Key], float] = {}
    for item, key in zip(ex.printed, keys):
        if key[0] in ("stop", "epoch"):
            continue  # where a training loop stopped: the replay's own float64 run
        if (item.run, key) in out:
            continue
        value, float64 = precise[item.run].truth(key), replayed(item.run, key)
        if not math.isfinite(value) or abs(float64 - value) <= FLOAT64_DIGITS_NEEDED * item.unit:
            continue
        if abs(item.number - value) < abs(item.number - float64):
            out[(item.run, key)] = float(value)
    return out


def _report_quantities(ex: WorkedExample, ledger: Ledger) -> dict[str, Key]:
    """The keys of the quantities the report's sections show, by their text. Those it shows and
    explains are checked as the printed quantities are; an explained one must be a derivative."""
    keys: dict[str, Key] = {}
    highlight = ex.report.highlight
    if highlight is not None:
        try:
            key = ledger.key(highlight)
        except (QuantityError, ReferenceError_) as exc:
            raise WorkedExampleError(f"{ex.origin}: [report] highlight: {exc}") from exc
        if key[0] not in ("p", "x"):
            raise WorkedExampleError(
                f"{ex.origin}: [report] highlight: {highlight!r} is not a parameter or an input"
            )
    for n, section in enumerate(ex.report.sections, start=1):
        for part, texts in (("explain", section.explain), ("show", section.show)):
            for i, text in enumerate(texts):
                where = f"{ex.origin}: [[report.sections]] {n} {part}[{i}]"
                try:
                    key = ledger.key(text)
                except (QuantityError, ReferenceError_) as exc:
                    raise WorkedExampleError(f"{where}: {exc}") from exc
                if part == "explain" and key[0] not in ("D", "L"):
                    raise WorkedExampleError(
                        f"{where}: {text!r} is not a derivative; explain takes one such as dE/dw1"
                    )
                if part == "show":
                    keys[text] = key
    return keys


ReplayMismatch = EngineMismatch
"""The former name of ``EngineMismatch``, kept so that code catching it keeps working."""

__all__ = [
    "CLASSES",
    "WRONG",
    "CheckerError",
    "EngineMismatch",
    "Mistake",
    "QuantityError",
    "ReplayMismatch",
    "Report",
    "Verdict",
    "WorkedExample",
    "WorkedExampleError",
    "check",
    "load",
    "load_catalogue",
    "shipped",
    "true_values",
]

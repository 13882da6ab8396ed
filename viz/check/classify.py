"""Every printed number gets one class, by computation:

- ``exact``: within half a unit of its last printed digit; ``rounding``: within one unit;
- ``inherited``: wrong, but what the document's own printed inputs give (the graph cut at the
  numbers it printed before, or its stated formula);
- ``conceptual``: reproduced only by a mistake from the catalogue, one that moves the number by
  more than ``MISTAKE_MOVES`` units of its last digit from the true value, and from what the
  document's own inputs give (a smaller move is no evidence);
- ``slip``: none of these; a ``typo`` when it is one digit-level edit of the right value
  (a power of ten, a dropped, doubled or swapped digit) and later steps use the right value, or
  when it restates a given of the setup wrongly (a copy error, such as a digit replaced);
- ``repeat``: a quantity printed again (a repeat that disagrees with its original is a ``typo``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from .ledger import STATE_KINDS, Key, Ledger
from .rules import Mistake
from .spec import CheckerError, PrintedSpec, checker_failed

WRONG = ("slip", "typo", "inherited", "conceptual")
MISTAKE_MOVES = 20  # a mistake is named only if it moves the number this many units (else: a slip)
CLASSES = ("exact", "rounding", *WRONG, "repeat")


@dataclass
class Verdict:
    """One printed number, judged."""

    printed: PrintedSpec
    key: Key
    value: float  # the replay's value
    redo: float  # what this step gives from the document's own printed inputs
    cls: str = "exact"
    inherits_from: list[int] = field(default_factory=list)  # indices of printed items
    mistake: Mistake | None = None
    repeat_of: int | None = None
    typo_kind: str = ""
    used: list[int] = field(default_factory=list)  # the printed items this step read
    explanation: str = ""

    @property
    def units_off(self) -> float:
        return abs(self.printed.number - self.value) / self.printed.unit

    @property
    def wrong(self) -> bool:
        return self.cls in WRONG


# A program's printed output carries its own float rounding: this many units in the last place of
# the float format it came from (float64 by default, or the entry's ``precision``).
PROGRAM_ULPS = 8
EPSILON = {"float64": 2.0**-52, "float32": 2.0**-23}


def within(printed: PrintedSpec, value: float, units: float) -> bool:
    """Whether ``value`` lies within ``units`` units of the printed number's last digit, give or
    take the rounding of the float format the print came from (``PROGRAM_ULPS`` units in its
    last place: it matters only for prints of about 15 digits, or 7 from float32)."""
    if not math.isfinite(value):
        return False
    slack = 1e-9 * printed.unit + PROGRAM_ULPS * EPSILON[printed.precision] * abs(value)
    return abs(printed.number - value) <= units * printed.unit + slack


def fmt(x: float, like: PrintedSpec | None = None) -> str:
    """A value with a few more digits than the printed number it is compared with."""
    if like is not None:
        decimals = max(0, -round(math.log10(like.unit))) + 2
        if 0 < abs(x) < 1e-3 or abs(x) >= 1e6:
            return f"{x:.{max(3, decimals - 2)}g}"
        return f"{x:.{decimals}f}"
    return f"{x:.7g}"


def _shown_digits(text: str) -> str:
    """The significant digits of a printed number, trailing zeros kept."""
    mantissa = text.lower().split("e")[0]
    return re.sub(r"[^0-9]", "", mantissa).lstrip("0")


def _digits(x: float, n: int) -> str:
    """``n`` significant digits of |x|."""
    return f"{abs(x):.{max(n - 1, 0)}e}".split("e")[0].replace(".", "")


def digit_edit(printed: PrintedSpec, right: float) -> str:
    """How the printed number is one digit-level edit of ``right``: a power of ten, a dropped,
    doubled or swapped digit; or ""."""
    p = printed.number
    shown = _shown_digits(printed.text)
    if not math.isfinite(right) or right == 0 or p == 0 or (p < 0) != (right < 0) or len(shown) < 2:
        return ""
    k = round(math.log10(abs(p) / abs(right)))
    core = shown.rstrip("0") or shown
    if k != 0 and len(core) >= 2 and abs(int(core) - int(_digits(right, len(core)))) <= 1:
        return "ten times too large" if k == 1 else "ten times too small" if k == -1 else f"off by 10^{k}"
    text = printed.text.lower().lstrip("-−")
    if "e" in text:  # compare significant digits

        def written(extra: int) -> str:
            return _digits(right, len(shown) + extra)

    else:  # compare digits at fixed decimal places, leading zeros included
        decimals = len(text.split(".")[1]) if "." in text else 0
        shown = re.sub(r"[^0-9]", "", text)

        def written(extra: int) -> str:
            return re.sub(r"[^0-9]", "", f"{abs(right):.{max(decimals + extra, 0)}f}")

    def same(a: str, b: str) -> bool:
        return a.lstrip("0") == b.lstrip("0")

    longer = written(1)
    if any(same(longer[:i] + longer[i + 1 :], shown) for i in range(len(longer))):
        return "a dropped digit"
    shorter = written(-1)
    if any(
        shown[i] == shown[i - 1] and same(shown[:i] + shown[i + 1 :], shorter) for i in range(1, len(shown))
    ):
        return "a doubled digit"
    equal = written(0)
    for i in range(len(equal) - 1):
        if equal[i] != equal[i + 1] and same(equal[:i] + equal[i + 1] + equal[i] + equal[i + 2 :], shown):
            return "two digits swapped"
    return ""


@dataclass
class Judge:
    """Classifies the printed numbers of one example, in document order."""

    items: list[PrintedSpec]
    keys: list[Key]
    formulas: list[Key | None]
    ledgers: dict[str, Ledger]  # by run
    variants: dict[str, list[Ledger]]  # by run: one ledger per applicable mistake
    truth: Callable[[str, Key], float]
    verdicts: list[Verdict] = field(default_factory=list)
    meant: dict[int, float] = field(default_factory=dict)  # typos: the value later steps use
    _first: dict[tuple[Any, Key], int] = field(default_factory=dict)  # first printing by identity

    def identity(self, i: int) -> tuple[Any, Key]:
        key = self.keys[i]
        return (self.items[i].run if _after_steps(key) else None, key)

    def printed_before(self, i: int, most_precise: bool = False) -> dict[Key, tuple[float, int]]:
        """The latest printed number of each quantity before item ``i``, in its run (for a typo,
        the value the document meant: the one its later steps use). With ``most_precise``, a
        later printing of the same number to fewer digits does not replace a more precise one."""
        run = self.items[i].run
        seen: dict[Key, tuple[float, int]] = {}
        for j in range(i):
            other = self.items[j]
            if _after_steps(self.keys[j]) and other.run != run:
                continue
            earlier = seen.get(self.keys[j])
            if (
                most_precise
                and earlier is not None
                and j not in self.meant
                and self._less_precise(j, *earlier)
            ):
                continue
            seen[self.keys[j]] = (self.meant.get(j, other.number), j)
        for key, (number, j) in list(seen.items()):
            if key[0] == "fn" and key[1] == "neg" and key[2] not in seen:
                seen[key[2]] = (-number, j)  # a page's δ = −∂E/∂z also tells ∂E/∂z
        return seen

    def _less_precise(self, j: int, number: float, k: int) -> bool:
        """Whether item ``j`` prints the same number as item ``k`` (``number``), to fewer digits."""
        return self.items[j].unit > self.items[k].unit and within(self.items[j], number, 1.0)

    def redo(
        self,
        i: int,
        ledger: Ledger,
        overrides: dict[Key, float] | None = None,
        cut: bool = True,
        use_formula: bool = True,
        ignore: AbstractSet[Key] = frozenset(),
    ) -> tuple[float, list[int]]:
        """Item ``i``'s quantity computed by ``ledger`` from the numbers printed before it (by
        the document's formula if it states one and ``use_formula``, else by the textbook rule;
        the printed numbers in ``ignore`` are recomputed instead). A quantity printed twice is
        read at its latest printing, or at its most precise one when only that reproduces the
        number (a long program print computed from a value the page also rounded)."""
        value, used = self._redo(i, ledger, overrides, cut, use_formula, ignore, False)
        if cut and not within(self.items[i], value, 1.0):
            # A number printed again to fewer digits: the step may have read its precise printing.
            precise, read = self._redo(i, ledger, overrides, cut, use_formula, ignore, True)
            if within(self.items[i], precise, 1.0):
                return precise, read
        return value, used

    def _redo(
        self,
        i: int,
        ledger: Ledger,
        overrides: dict[Key, float] | None,
        cut: bool,
        use_formula: bool,
        ignore: AbstractSet[Key],
        most_precise: bool,
    ) -> tuple[float, list[int]]:
        before = self.printed_before(i, most_precise) if cut else {}
        before = {k: v for k, v in before.items() if k not in ignore}
        printed = {k: v for k, (v, _) in before.items()}
        if overrides:
            printed.update(overrides)
        key = self.keys[i]
        formula = self.formulas[i] if use_formula else None
        if formula is not None:
            value, used = ledger.evaluate(formula, printed)
        else:
            value, used = ledger.evaluate(key, printed, target=key)
        return value, sorted(before[k][1] for k in used if k in before)

    def run(self, origin: str = "<mapping>") -> list[Verdict]:
        """Every item's verdict, in document order. A failure of the checker itself is a
        ``CheckerError`` naming the file (``origin``) and the item."""
        for i, item in enumerate(self.items):
            try:
                self._classify(i)
            except CheckerError:
                raise
            except Exception as exc:
                raise CheckerError(f"{origin}: {item.label()}: {checker_failed(exc)}") from exc
        for v in self.verdicts:  # positions in this list, as the printed numbers' own indices
            v.used = [self.items[j].index for j in v.used]
            v.inherits_from = [self.items[j].index for j in v.inherits_from]
            if v.repeat_of is not None:
                v.repeat_of = self.items[v.repeat_of].index
        return self.verdicts

    def _classify(self, i: int) -> None:
        item = self.items[i]
        ident = self.identity(i)
        value = self.truth(item.run, self.keys[i])
        redo, used = self.redo(i, self.ledgers[item.run])
        verdict = Verdict(item, self.keys[i], value, redo, used=used)
        self.verdicts.append(verdict)
        if ident in self._first:
            self._repeat(i, verdict, self._first[ident])
        else:
            self._first[ident] = i
            self._judge(i, verdict)

    def _repeat(self, i: int, v: Verdict, first: int) -> None:
        """Item ``i`` prints again the quantity item ``first`` printed (positions in the list)."""
        original = self.verdicts[first]
        v.repeat_of = first  # a position until run() ends
        same = v.printed.text == original.printed.text or within(v.printed, original.printed.number, 1.0)
        if same or within(v.printed, v.value, 1.0):
            v.cls = "repeat"
            if not same:
                v.explanation = f"right here ({fmt(v.value, v.printed)}), unlike its first printing"
            elif original.wrong:
                v.explanation = (
                    f"repeats a wrong number ({original.cls}; the replay gives {fmt(v.value, v.printed)})"
                )
            elif v.printed.text != original.printed.text:
                v.explanation = "the same number, printed to other digits"
            return
        v.cls, v.typo_kind = "typo", "copied wrong"
        v.explanation = f"copied wrong: first printed as {original.printed.shown} ({original.printed.where})"
        # Later steps that read this quantity are judged from what the document meant, unless one
        # of them used the miscopied number.
        meant = self.meant.get(first, original.printed.number)
        readers = self._readers(i)
        if not any(
            within(self.items[j], self.redo(j, ledger)[0], 1.0)
            and not within(self.items[j], self.redo(j, ledger, overrides={v.key: meant})[0], 1.0)
            for j, ledger in readers
        ):
            self.meant[i] = meant

    def _judge(self, i: int, v: Verdict) -> None:
        p = v.printed
        if within(p, v.value, 0.5):
            v.cls = "exact"
            return
        if within(p, v.value, 1.0):
            v.cls = "rounding"
            carried = v.used and within(p, v.redo, 0.5)
            v.explanation = (
                f"rounding carried in: its printed inputs give {fmt(v.redo, p)}"
                if carried
                else f"mis-rounded here: {fmt(v.value, p)} rounds to {_rounded(v.value, p)}"
            )
            return
        wrong_formula = self._wrong_formula(i, v)
        if v.used and within(p, v.redo, 1.0) and wrong_formula is None:
            v.cls = "inherited"
            v.inherits_from = self._wrong_inputs(v.used)
            if v.inherits_from:
                names = self._named(v.inherits_from)
                v.explanation = (
                    f"right from its printed inputs (they give {fmt(v.redo, p)}); inherits from {names}"
                )
            else:
                v.explanation = (
                    f"too many digits for its inputs: its printed inputs, rounded as printed, give "
                    f"{fmt(v.redo, p)} (the replay: {fmt(v.value, p)})"
                )
            return
        if _given(v.key):
            self._restated_given(i, v)
            return
        # The document's own printed inputs first: a mistake that reproduces the number from them
        # is better evidence than one that needs the replay's values. A printed factor that the
        # mistake itself changes (∂a/∂z when it is forgotten) is recomputed the mistaken way: the
        # document printed it, then computed as if it were not there.
        # What the printed inputs give by the textbook rule: a wrong formula is no baseline.
        baseline = (
            v.redo if wrong_formula is None else self.redo(i, self.ledgers[p.run], use_formula=False)[0]
        )
        variants = self.variants.get(p.run, [])
        touched = {id(ledger): self._touched(i, ledger) for ledger in variants}
        formula = [True, False] if self.formulas[i] else [False]
        ways = (
            [(f, True, False) for f in formula] + [(f, True, True) for f in formula] + [(False, False, False)]
        )
        for use_formula, cut, recompute in ways:
            for ledger in variants:
                assert ledger.mistake is not None
                ignore = touched[id(ledger)] if recompute else frozenset()
                if recompute and not ignore:
                    continue
                candidate, read = self.redo(i, ledger, cut=cut, use_formula=use_formula, ignore=ignore)
                redone = v.redo if use_formula else baseline  # the mistake must change the step
                if within(p, candidate, 1.0) and _moves(candidate, v.value, redone, p):
                    v.cls, v.mistake = "conceptual", ledger.mistake
                    gives = f"that gives {fmt(candidate, p)} (the replay: {fmt(v.value, p)})"
                    v.explanation = f"{ledger.mistake.title}: {gives}"
                    # Computed from earlier wrong numbers: it carries their error too.
                    v.inherits_from = self._wrong_inputs(read)
                    if v.inherits_from:
                        v.explanation += (
                            f"; it also carries the earlier error of {self._named(v.inherits_from)}: "
                            f"the right rule on its printed inputs gives {fmt(redone, p)}, so fixing "
                            "this step alone does not give the replay's value"
                        )
                    return
        v.cls = "slip"
        if wrong_formula is not None:
            v.explanation = (
                f"the formula itself is wrong: on the true values it gives {fmt(wrong_formula, p)}, "
                f"but the quantity is {fmt(v.value, p)}"
            )
            return
        own = f"its own printed inputs give {fmt(v.redo, p)}" if v.used else "it has no printed inputs"
        v.explanation = f"{own}; the replay gives {fmt(v.value, p)}"
        kind = digit_edit(p, v.value) or digit_edit(p, v.redo)
        meant = self._value_later_steps_use(i, v) if kind else None
        if meant is not None:
            self.meant[i] = meant
            v.cls, v.typo_kind = "typo", kind
            v.explanation = (
                f"{kind}: later steps use the right value, {meant:.12g} (the replay: {fmt(v.value, p)})"
            )
        elif digit_edit(p, v.value):
            v.explanation += f" (it looks like {digit_edit(p, v.value)})"

    def _wrong_formula(self, i: int, v: Verdict) -> float | None:
        """What the document's formula gives on the true values, when that is not the quantity
        it claims to compute (the formula is evidence of how the page computed, not a
        definition of what is right); None when it has no formula or the formula is right."""
        formula = self.formulas[i]
        if formula is None:
            return None
        value, _ = self.ledgers[v.printed.run].evaluate(formula, {})
        tolerance = max(v.printed.unit, 1e-9 * abs(v.value))  # a formula's float64 rounding is no mistake
        right = not math.isfinite(value) or abs(value - v.value) <= tolerance
        return None if right else value

    def _restated_given(self, i: int, v: Verdict) -> None:
        """A given of the setup (an input, a target, a starting parameter) restated wrongly: a
        copy error. Later steps are judged from the given itself, unless one of them used the
        number as restated."""
        p = v.printed
        v.cls, v.typo_kind = "typo", digit_edit(p, v.value) or _replaced_digit(p, v.value) or "copied wrong"
        v.explanation = f"a given restated wrongly ({v.typo_kind}): the setup gives {v.value:.12g}"
        if not any(within(self.items[j], self.redo(j, ledger)[0], 1.0) for j, ledger in self._readers(i)):
            self.meant[i] = v.value

    def _touched(self, i: int, variant: Ledger) -> set[Key]:
        """The numbers printed before item ``i`` that ``variant``'s mistake computes differently
        from the same printed inputs."""
        before = self.printed_before(i)
        printed = {k: v for k, (v, _) in before.items()}
        standard = self.ledgers[self.items[i].run]
        out = set()
        for key in before:
            if key[0] in ("num", "x", "t"):
                continue
            right, _ = standard.evaluate(key, printed, target=key)
            mistaken, _ = variant.evaluate(key, printed, target=key)
            if not math.isclose(right, mistaken, rel_tol=1e-9, abs_tol=1e-15):
                out.add(key)
        return out

    def _wrong_inputs(self, used: list[int]) -> list[int]:
        """The wrong numbers among the printed items a step read (positions; a repeat named by
        its first printing): off by more than a unit from the replay, as the document meant them."""
        return sorted(
            {
                self._first_printing(j)
                for j in used
                if abs(self.meant.get(j, self.items[j].number) - self.verdicts[j].value)
                > self.items[j].unit * (1 + 1e-9)
            }
        )

    def _named(self, positions: list[int]) -> str:
        """Printed items as the document wrote them: ``dE/do = -0.3929``."""
        return ", ".join(f"{self.items[j].quantity} = {self.items[j].shown}" for j in positions)

    def _first_printing(self, j: int) -> int:
        """Item ``j``, or the item it repeats when it repeats the same number."""
        v = self.verdicts[j]
        return v.repeat_of if v.repeat_of is not None and v.cls == "repeat" else j

    def _readers(self, i: int) -> list[tuple[int, Ledger]]:
        """The later items computed from item ``i`` (its own later printings excluded), each with
        its run's ledger."""
        out = []
        for j in range(i + 1, len(self.items)):
            if self.keys[j] == self.keys[i]:
                continue
            ledger = self.ledgers[self.items[j].run]
            if i in self.redo(j, ledger)[1]:
                out.append((j, ledger))
        return out

    def _pending_typos(self, i: int, j: int, ledger: Ledger) -> dict[Key, float]:
        """The other numbers that item ``j`` reads, printed after item ``i`` (not judged yet), that
        are one digit-level edit away from their replayed value: each replaced by that value, so
        that two typos feeding one later step can be recognised together."""
        out = {}
        for k in self.redo(j, ledger)[1]:
            if k <= i:
                continue
            right = self.truth(self.items[k].run, self.keys[k])
            if not within(self.items[k], right, 1.0) and digit_edit(self.items[k], right):
                out[self.keys[k]] = right
        return out

    def _value_later_steps_use(self, i: int, v: Verdict) -> float | None:
        """The right value (as the document would have written it, or the replay's) if a later
        number reads this one and needs that value rather than the printed one; else None."""
        key = self.keys[i]
        again = [j for j in range(i + 1, len(self.items)) if self.keys[j] == key]  # later printings
        readers = [(j, ledger, self._pending_typos(i, j, ledger)) for j, ledger in self._readers(i)]
        # What the document would have written: as many significant digits as it printed (one more
        # or fewer for a dropped or doubled digit), or as many decimals.
        n = len(_shown_digits(v.printed.text).rstrip("0"))
        candidates = [float(f"{x:.{d - 1}e}") for x in (v.redo, v.value) for d in (n, n + 1, n - 1) if d > 0]
        if "e" not in v.printed.text.lower():
            decimals = len(v.printed.text.split(".")[1]) if "." in v.printed.text else 0
            candidates += [round(x, d) for x in (v.redo, v.value) for d in (decimals, decimals + 1)]
        best, best_score = None, 0
        for right in [*candidates, v.redo, v.value]:
            if not math.isfinite(right):
                continue
            score, telling = 0, False
            for j in again:
                if within(self.items[j], right, 1.0):
                    score, telling = score + 1, True
            for j, ledger, others in readers:
                alone = {key: right}
                if any(
                    within(self.items[j], self.redo(j, ledger, overrides=o)[0], 1.0)
                    for o in ([alone, {**others, **alone}] if others else [alone])
                ):
                    score += 1
                    telling = telling or not within(self.items[j], self.redo(j, ledger)[0], 1.0)
            if telling and score > best_score:
                best, best_score = right, score
        return best


def _moves(candidate: float, true: float, redone: float, printed: PrintedSpec) -> bool:
    """Whether a mistake's value is evidence: it must lie more than ``MISTAKE_MOVES`` units of the
    printed digit from the true value, and from what the document's own inputs give by the rule."""
    limit = MISTAKE_MOVES * printed.unit
    return abs(candidate - true) > limit and abs(candidate - redone) > limit


def _given(key: Key) -> bool:
    """Whether a key is a given of the setup: an input, a target or a starting parameter."""
    return key[0] in ("x", "t") or (key[0] == "p" and key[2] == 0)


def _replaced_digit(printed: PrintedSpec, right: float) -> str:
    """ "a digit replaced" when the printed number differs from ``right``, written to the same
    decimals, in exactly one digit; else ""."""
    text = printed.text.replace("−", "-").lower()
    if "e" in text or not math.isfinite(right):
        return ""
    decimals = len(text.split(".")[1]) if "." in text else 0
    shown, meant = text.lstrip("-"), f"{abs(right):.{decimals}f}"
    if (right < 0) != text.startswith("-") or len(shown) != len(meant):
        return ""
    return "a digit replaced" if sum(a != b for a, b in zip(shown, meant)) == 1 else ""


def _rounded(value: float, printed: PrintedSpec) -> str:
    decimals = max(0, -round(math.log10(printed.unit)))
    if "e" in printed.text.lower():
        mantissa_digits = len(printed.text.lower().split("e")[0].split(".")[-1]) if "." in printed.text else 0
        return f"{value:.{mantissa_digits}e}"
    return f"{value:.{decimals}f}"


def _after_steps(key: Key) -> bool:
    """Whether a quantity depends on the optimizer run (taken after one step or more)."""
    if key[0] in ("stop", "epoch"):
        return True
    if key[0] in STATE_KINDS:
        return True
    if key[0] == "p":
        return bool(key[2])
    if key[0] in ("z", "a", "term", "Es", "E"):
        return bool(key[-1])
    if key[0] in ("D", "L"):
        return _after_steps(key[1]) or _after_steps(key[2])
    if key[0] == "fn":
        return any(_after_steps(k) for k in key[2:])
    return False

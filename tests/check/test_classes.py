"""Every class the checker gives, on hand-worked examples made to have a known answer."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from viz.check import WRONG, Report, check

from .synthetic import Hand, Setup, Values, setups, text_of, truncated_text, unit_of

FEW = settings(max_examples=25)


def run(hand: Hand, printed: list[dict[str, str]]) -> Report:
    return check(hand.setup.mapping(printed))


@FEW
@given(setups())
def test_a_correctly_rounded_document_is_all_exact(setup: Setup) -> None:
    hand = Hand(setup)
    report = run(hand, hand.document(step_by_step=False))
    assert [v.cls for v in report.items] == ["exact"] * len(report.items)
    assert report.first_wrong is None and report.counts["wrong"] == 0


@FEW
@given(setups())
def test_truncated_numbers_are_rounding_not_wrong(setup: Setup) -> None:
    hand = Hand(setup)
    report = run(hand, hand.document(truncated_text, step_by_step=False))
    assert {v.cls for v in report.items} <= {"exact", "rounding"}
    truncated = [v for v in report.items if v.cls == "rounding"]
    assert all(("mis-rounded here" in v.explanation) != ("carried in" in v.explanation) for v in truncated)


@FEW
@given(setups())
def test_rounding_carried_step_by_step_is_never_a_slip(setup: Setup) -> None:
    hand = Hand(setup)
    report = run(hand, hand.document())
    assert not {v.cls for v in report.items} & {"slip", "typo", "conceptual"}
    for v in report.items:  # whatever is off is off because of what was printed before it
        if v.cls == "inherited":
            assert v.used and all(j < v.printed.index for j in v.used)


@settings(max_examples=40)
@given(setups(), st.data())
def test_a_slip_at_step_k_is_a_slip_and_what_is_computed_from_it_inherits(
    setup: Setup, data: st.DataObject
) -> None:
    hand = Hand(setup)
    exact = hand.exact()
    k = data.draw(st.integers(0, len(hand.steps) - 1), label="k")
    units = data.draw(st.sampled_from([-9, -7, -5, 5, 7, 9]), label="units")
    printed = hand.document(slip=(k, units))
    slipped = printed[k]
    truth = exact[hand.steps[k].quantity]
    assume(abs(float(slipped["printed"]) - truth) > 2 * unit_of(slipped["printed"]))
    report = run(hand, printed)
    classes = [v.cls for v in report.items]
    assert classes[k] == "slip", report.items[k]
    assert report.first_wrong is report.items[k] or all(
        v.cls == "inherited" for v in report.items[:k] if v.wrong
    )
    assert [i for i, c in enumerate(classes) if c in ("slip", "typo", "conceptual")] == [k]
    downstream = [v for v in report.items[k + 1 :] if k in v.inherits_from]
    for v in downstream:
        assert v.cls == "inherited"
    # A number read straight from the slipped one and pushed past a unit inherits from it by name.
    readers = [v for v in report.items[k + 1 :] if k in v.used and v.wrong]
    assert all(v.cls == "inherited" for v in readers)


def _mistakes() -> list[tuple[str, dict[str, object], str, Callable[[Hand], Callable[[Values], float]]]]:
    """(mistake id, fixed setup fields, the quantity done wrong, the wrong rule)."""

    def no_two(hand: Hand) -> Callable[[Values], float]:
        t = hand.setup.targets[0][0]
        return lambda P: P["a2_1[1]"] - t

    def averaged(hand: Hand) -> Callable[[Values], float]:
        B = len(hand.setup.inputs)
        scale = 1 / B if hand.setup.batch == "mean" else 1.0
        return lambda P: (
            scale * sum(P[f"dE[{i}]/dz1_1[{i}]"] + P[f"dE[{i}]/dz1_2[{i}]"] for i in range(1, B + 1)) / 2
        )

    def forgotten(hand: Hand) -> Callable[[Values], float]:
        return lambda P: P["dE[1]/da2_1[1]"]

    def no_correction(hand: Hand) -> Callable[[Values], float]:
        w = hand.setup.w2[0][0]
        return lambda P: w - hand.setup.lr * P["m(W2_11)"] / (math.sqrt(P["v(W2_11)"]) + 1e-8)

    def no_division(hand: Hand) -> Callable[[Values], float]:
        w = hand.setup.w2[0][0]
        return lambda P: w - hand.setup.lr * P["m(W2_11)"] / 0.1

    def flipped(hand: Hand) -> Callable[[Values], float]:
        w = hand.setup.w2[0][0]
        return lambda P: w + hand.setup.lr * P["dE/dW2_11"]

    def summed(hand: Hand) -> Callable[[Values], float]:
        return lambda P: P["dE[1]/dz2_1[1]"] * P["a1_1[1]"] + P["dE[2]/dz2_1[2]"] * P["a1_1[2]"]

    def output_sum(hand: Hand) -> Callable[[Values], float]:
        t = hand.setup.targets[0]
        return lambda P: sum(0.5 * (P[f"a2_{m}[1]"] - t[m - 1]) ** 2 for m in (1, 2))

    one = {"batch_size": 1, "n_out": 1}
    return [
        ("factor_two_dropped", {**one, "half": False, "outputs": "sum"}, "dE[1]/da2_1[1]", no_two),
        ("shared_bias_averaged", {"shared": True}, "dE/db1", averaged),
        ("activation_derivative_forgotten", one, "dE[1]/dz2_1[1]", forgotten),
        (
            "adam_without_bias_correction",
            {**one, "optimizer": "adam", "bias_correction": True},
            "W2_11'",
            no_correction,
        ),
        (
            "adam_without_division",
            {**one, "optimizer": "adam", "bias_correction": True},
            "W2_11'",
            no_division,
        ),
        ("update_sign_flipped", {**one, "optimizer": "sgd"}, "W2_11'", flipped),
        ("batch_mean_sum_confused", {"batch_size": 2, "batch": "mean"}, "dE/dW2_11", summed),
        (
            "output_mean_sum_confused",
            {"batch_size": 1, "n_out": 2, "outputs": "mean", "half": True},
            "E[1]",
            output_sum,
        ),
    ]


MISTAKES = _mistakes()


@settings(max_examples=10)
@given(st.sampled_from(MISTAKES), st.data())
def test_each_catalogue_mistake_is_named(case: tuple, data: st.DataObject) -> None:  # type: ignore[type-arg]
    mistake, fixed, quantity, wrong = case
    hand = Hand(data.draw(setups(**fixed), label="setup"))
    k = hand.index(quantity)
    printed = hand.document(wrong_rule=(quantity, wrong(hand)))
    exact = hand.exact()[quantity]
    assume(abs(float(printed[k]["printed"]) - exact) > 3 * unit_of(printed[k]["printed"]))
    report = run(hand, printed)
    v = report.items[k]
    assert (v.cls, v.mistake.id if v.mistake else None) == ("conceptual", mistake), v
    assert [i for i, x in enumerate(report.items) if x.cls in ("slip", "typo", "conceptual")] == [k]
    assert all(x.cls == "inherited" for x in report.items[k + 1 :] if k in x.used and x.wrong)


def test_updated_weights_in_backprop_is_named() -> None:
    """The hidden layer's error computed through the output weights already updated."""
    setup = Setup(((0.15, 0.2), (0.25, 0.3)), 0.35, ((0.4, 0.45),), (0.6,), ((0.05, 0.1),), ((0.01,),))
    hand = Hand(setup)
    early = ["dE/dW2_11", "dE/dW2_12", "W2_11'", "W2_12'"]  # the output layer updated first ...
    moved = [hand.steps[hand.index(q)] for q in early]
    hand.steps = [s for s in hand.steps if s.quantity not in early]
    at = hand.index("dE[1]/da1_1[1]")
    hand.steps[at:at] = moved
    rule = lambda P: P["dE[1]/dz2_1[1]"] * P["W2_11'"]  # noqa: E731  ... then used to backpropagate
    report = run(hand, hand.document(wrong_rule=("dE[1]/da1_1[1]", rule)))
    k = hand.index("dE[1]/da1_1[1]")
    v = report.items[k]
    assert (
        v.cls == "conceptual" and v.mistake is not None and v.mistake.id == "updated_weights_in_backprop"
    ), v
    assert [i for i, x in enumerate(report.items) if x.cls in ("slip", "typo", "conceptual")] == [k]


@settings(max_examples=30)
@given(setups(batch_size=1), st.data())
def test_a_garbled_number_is_a_typo_when_later_steps_use_the_right_value(
    setup: Setup, data: st.DataObject
) -> None:
    hand = Hand(setup)
    honest = hand.document()

    def reads(formula: str, quantity: str) -> bool:
        return re.search(rf"(?<![\w/]){re.escape(quantity)}(?![\w'])", formula) is not None

    read = [
        k
        for k, step in enumerate(hand.steps)
        if any(reads(p["formula"], step.quantity) for p in honest[k + 1 :])
        and "e" not in honest[k]["printed"]
        and len(honest[k]["printed"].lstrip("-").replace(".", "").lstrip("0")) >= 4
    ]
    assume(read)
    k = data.draw(st.sampled_from(read), label="k")
    right = honest[k]["printed"]
    kind = data.draw(st.sampled_from(["swap", "drop", "ten"]), label="kind")
    if kind == "ten":
        garbled = text_of(float(right) * 10)
    else:
        at = data.draw(st.integers(len(right) - 5, len(right) - 3), label="at")
        assume("." not in right[at : at + 2])
        if kind == "swap":
            assume(right[at] != right[at + 1])
            garbled = right[:at] + right[at + 1] + right[at] + right[at + 2 :]
        else:
            garbled = right[:at] + right[at + 1 :]
    truth = hand.exact()[hand.steps[k].quantity]
    assume(abs(float(garbled) - truth) > 2 * unit_of(garbled))
    # One significant digit left (0.060002 → 0.00002) is one edit away from too many numbers to
    # be evidence of a typo.
    assume(len(garbled.lstrip("-").replace(".", "").lstrip("0")) >= 2)
    # Whether a later step that reads it tells the two apart: had the garbled value been carried
    # forward, that step would have come out more than a unit different.
    carried = hand.document(slip=(k, round((float(garbled) - float(right)) / unit_of(right))))
    moved = [
        abs(float(a["printed"]) - float(b["printed"])) / unit_of(a["printed"])
        for a, b in zip(honest[k + 1 :], carried[k + 1 :])
        if reads(a["formula"], hand.steps[k].quantity)
    ]
    telling = max(moved) > 3
    assume(telling or max(moved) == 0)  # no borderline cases: a reader moves clearly or not at all
    report = run(hand, hand.document(garble=(k, garbled)))
    assert report.items[k].cls == ("typo" if telling else "slip"), report.items[k]
    assert report.items[k].typo_kind or "(it looks like" in report.items[k].explanation
    others = [v.cls for i, v in enumerate(report.items) if i != k]
    assert not {"slip", "typo", "conceptual"} & set(others)


def test_a_garbled_number_that_later_steps_use_is_a_slip() -> None:
    setup = Setup(((0.15, 0.2), (0.25, 0.3)), 0.35, ((0.4, 0.45),), (0.6,), ((0.05, 0.1),), ((0.01,),))
    hand = Hand(setup)
    k = hand.index("a1_1[1]")
    right = hand.document()[k]["printed"]
    garbled = right[:3] + right[4] + right[3] + right[5:]
    printed = hand.document(garble=(k, garbled))
    printed[k]["printed"] = garbled
    report = run(hand, hand.document(slip=(k, round((float(garbled) - float(right)) / 1e-6))))
    assert report.items[k].cls == "slip" and "two digits swapped" in report.items[k].explanation
    assert run(hand, printed).items[k].cls == "typo"


def test_repeats_are_folded_and_a_disagreeing_repeat_is_a_typo() -> None:
    setup = Setup(((0.15, 0.2), (0.25, 0.3)), 0.35, ((0.4, 0.45),), (0.6,), ((0.05, 0.1),), ((0.01,),))
    hand = Hand(setup)
    printed = hand.document()
    again = dict(printed[3], where="again")
    rounded = dict(printed[3], where="rounded", printed=f"{float(printed[3]['printed']):.3f}")
    wrong = dict(printed[3], where="copied", printed=f"{float(printed[3]['printed']) + 0.01:.6f}")
    report = run(hand, [*printed, again, rounded, wrong])
    *_, v_again, v_rounded, v_wrong = report.items
    assert (v_again.cls, v_again.repeat_of) == ("repeat", 3)
    assert (v_rounded.cls, v_rounded.repeat_of) == ("repeat", 3)
    assert (v_wrong.cls, v_wrong.repeat_of) == ("typo", 3)
    counts = run(hand, printed).counts
    assert report.counts["numbers"] == counts["numbers"] and report.counts["wrong"] == counts["wrong"] + 1


def test_too_many_digits_for_the_inputs_is_inherited_without_a_source() -> None:
    setup = Setup(((0.15, 0.2), (0.25, 0.3)), 0.35, ((0.4, 0.45),), (0.6,), ((0.05, 0.1),), ((0.01,),))
    hand = Hand(setup)
    k = hand.index("dE[1]/da2_1[1]")
    coarse = hand.document(lambda x: f"{x:.3f}")  # 3 digits everywhere ...
    fine = hand.document()
    # ... but this one step printed with 6 digits from 3-digit inputs.
    a = float(coarse[hand.index("a2_1[1]")]["printed"])
    coarse[k] = dict(fine[k], printed=f"{2 * 0.5 * (a - 0.01):.6f}")
    report = run(hand, coarse)
    v = report.items[k]
    exact = hand.exact()["dE[1]/da2_1[1]"]
    assume_far = abs(float(coarse[k]["printed"]) - exact) > 1e-6
    assert assume_far and v.cls == "inherited" and v.inherits_from == [], v
    assert "too many digits" in v.explanation


def test_wrong_classes_are_the_counted_ones() -> None:
    assert set(WRONG) == {"slip", "typo", "inherited", "conceptual"}

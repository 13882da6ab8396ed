"""The four worked documents as data files: every printed number's value against the independent
hand calculation in ``tests/walkthrough/truth.py`` (plain floats, no chainrule), its class against
the distance the hand calculation gives, and verdicts worked out by hand for the notable ones."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from viz.check import WRONG, Report, check

from ..walkthrough.truth import TRUTH, training_loop_003

Truth = dict[str, float]
Source = str | Callable[[Truth], float]

MAP_000: dict[str, Source] = {
    "z_h1[1]": "z_h1[1]",
    "a_h1[1]": "a_h1[1]",
    "z_h2[1]": "z_h2[1]",
    "a_h2[1]": "a_h2[1]",
    "a_o1[1]": "y[1]",
    "E[1]": "E[1]",
    "a_o1[2]": "y[2]",
    "E[2]": "E[2]",
    "E": "E_total",
    "dE[1]/da_o1[1]": "dE/dy[1]",
    "da_o1[1]/dz_o1[1]": "dy/dz_o1[1]",
    "delta_o1[1]": "delta_o1[1]",
    "dE[2]/da_o1[2]": "dE/dy[2]",
    "da_o1[2]/dz_o1[2]": "dy/dz_o1[2]",
    "delta_o1[2]": "delta_o1[2]",
    "dE[1]/dw5": "dE/dw5[1]",
    "a_h1[2]": "a_h1[2]",
    "dE[2]/dw5": "dE/dw5[2]",
    "dE/dw5": "dE_total/dw5",
    "dE/dw6": "dE_total/dw6",
    "dE/db2": "dE_total/db2",
    "dE[1]/da_h1[1]": "dE/da_h1[1]",
    "da_h1[1]/dz_h1[1]": "da_h1/dz_h1[1]",
    "delta_h1[1]": "delta_h1[1]",
    "delta_h1[2]": "delta_h1[2]",
    "delta_h2[1]": "delta_h2[1]",
    "delta_h2[2]": "delta_h2[2]",
    "dE[1]/dw1": "dE/dw1[1]",
    "dE[2]/dw1": "dE/dw1[2]",
    **{f"dE/d{p}": f"dE_total/d{p}" for p in ("w1", "w2", "w3", "w4", "b1")},
    **{f"{p}'": f"{p}+" for p in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2")},
    "a_o1'[1]": "y_new[1]",
    "E'[1]": "E_new[1]",
}

MAP_001: dict[str, Source] = {
    **{q: q for q in ("z_h1", "a_h1", "z_h2", "a_h2", "z_o1", "a_o1", "z_o2", "a_o2")},
    **{q: q for q in ("E_o1", "E_o2", "E_total", "dE_o1/da_h1", "dE_o2/da_h1")},
    "dE_total/da_o1": "dE/da_o1",
    "da_o1/dz_o1": "da_o1/dz_o1",
    "dz_o1/dw5": "dz_o1/dw5",
    "dE_total/dw5": "dE/dw5",
    "dE_total/da_h1": "dE/da_h1",
    "da_h1/dz_h1": "da_h1/dz_h1",
    "dz_h1/dw1": "dz_h1/dw1",
    "dE_total/dw1": "dE/dw1",
    **{f"w{k}'": f"w{k}+" for k in range(1, 9)},
}

MAP_002: dict[str, Source] = {
    **{f"W1_{j}{k}*x{k}": f"W1_{j}{k}*x{k}" for j in (1, 2) for k in (1, 2, 3)},
    **{q: q for q in ("z1", "z2", "a1", "a2", "W2_1*a1", "W2_2*a2", "C", "dC/da", "da/dz", "dz/db2")},
    **{q: q for q in ("dC/dW2_1", "dC/dW2_2", "dC/db2")},
    "z": "z_out",
    "a": "a_out",
    **{f"{p}'": f"sgd {p}" for p in ("W2_1", "W2_2", "b2")},
    **{f"adam:{p}'": f"adam {p}" for p in ("W2_1", "W2_2", "b2")},
    **{f"adam:{s}({p})": f"adam {s} {p}" for s in ("m", "v") for p in ("W2_1", "W2_2", "b2")},
    # The hidden layer is frozen: its values after the step are the same as before.
    **{f"{q}'": q for q in ("z1", "z2", "a1", "a2")},
    "W2_1'*a1'": "new W2_1*a1",
    "W2_2'*a2'": "new W2_2*a2",
    "z'": "new z_out",
    "a'": "new a_out",
    "C'": "new C",
}

MAP_003: dict[str, Source] = {
    **{f"z2_{k}": f"z2_{k}" for k in (1, 2)},
    **{f"a2_{k}": f"a2_{k}" for k in (1, 2)},
    **{f"z3_{j}": f"z3_{j}" for j in (1, 2, 3)},
    **{f"exp(z3_{j})": f"exp_z3_{j}" for j in (1, 2, 3)},
    "exp(z3_1) + exp(z3_2) + exp(z3_3)": "sum_exp",
    **{f"a3_{j}": f"a3_{j}" for j in (1, 2, 3)},
    "L": "L",
    **{f"delta3_{j}": f"delta3_{j}" for j in (1, 2, 3)},
    **{f"dL/dW2_{j}{k}": f"dW2_{j}{k}" for j in (1, 2, 3) for k in (1, 2)},
    **{f"dL/db2_{j}": f"db2_{j}" for j in (1, 2, 3)},
    **{f"dL/da2_{k}": f"W2T_delta3_{k}" for k in (1, 2)},
    **{f"1 - a2_{k}": f"1-a2_{k}" for k in (1, 2)},
    **{f"da2_{k}/dz2_{k}": f"sigma'_{k}" for k in (1, 2)},
    **{f"delta2_{k}": f"delta2_{k}" for k in (1, 2)},
    **{f"dL/dW1_{k}{m}": f"dW1_{k}{m}" for k in (1, 2) for m in (1, 2, 3)},
    **{f"dL/db1_{k}": f"db1_{k}" for k in (1, 2)},
    **{f"W2_{j}{k}'": f"W2_{j}{k}+" for j in (1, 2, 3) for k in (1, 2)},
    **{f"W2_{j}{k}' - W2_{j}{k}": f"W2_{j}{k} change" for j in (1, 2, 3) for k in (1, 2)},
}

MAPS: dict[str, dict[str, Source]] = {"000": MAP_000, "001": MAP_001, "002": MAP_002, "003": MAP_003}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {doc: check(doc) for doc in MAPS}


def truth_of(doc: str, quantity: str, run: str, truth: Truth) -> float:
    source = MAPS[doc].get(f"{run}:{quantity}", MAPS[doc].get(quantity))
    assert source is not None, f"{doc}: no hand calculation for {quantity!r} ({run})"
    return truth[source] if isinstance(source, str) else source(truth)


@pytest.mark.parametrize("doc", sorted(MAPS))
def test_every_printed_number_is_replayed_as_the_hand_calculation_says(
    doc: str, reports: dict[str, Report]
) -> None:
    truth = TRUTH[doc]()
    for v in reports[doc].items:
        expected = truth_of(doc, v.printed.quantity, v.printed.run, truth)
        assert v.value == pytest.approx(expected, rel=1e-9, abs=1e-15), v.printed


@pytest.mark.parametrize("doc", sorted(MAPS))
def test_every_class_agrees_with_the_hand_calculations_distance(doc: str, reports: dict[str, Report]) -> None:
    truth = TRUTH[doc]()
    for v in reports[doc].items:
        expected = truth_of(doc, v.printed.quantity, v.printed.run, truth)
        units = abs(v.printed.number - expected) / v.printed.unit
        if v.repeat_of is not None:
            assert v.cls in ("repeat", "typo"), v.printed
        elif units <= 0.5 + 1e-6:
            assert v.cls == "exact", v.printed
        elif units <= 1.0 + 1e-6:
            assert v.cls == "rounding", v.printed
        else:
            assert v.cls in WRONG, v.printed


def verdicts(report: Report) -> dict[str, tuple[str, str | None]]:
    return {
        v.printed.quantity: (v.cls, v.mistake.id if v.mistake else None)
        for v in report.items
        if v.repeat_of is None
    }


def test_000_verdicts_worked_out_by_hand(reports: dict[str, Report]) -> None:
    r = reports["000"]
    got = verdicts(r)
    # ½(0.01 − 0.75136)² is 0.274807, not 0.27483: a slip at this step, the first wrong one.
    assert got["E[1]"] == ("slip", None)
    assert r.first_wrong is not None and r.first_wrong.printed.quantity == "E[1]"
    # (0.27483 + 0.02692)/2 = 0.150875 exactly: right from the wrong E[1].
    assert got["E"] == ("inherited", None)
    # The shared bias gets BOTH neurons' δ; the document averaged over the neurons too.
    assert got["dE/db1"] == ("conceptual", "shared_bias_averaged")
    assert got["b1'"] == ("inherited", None)
    # δ_h2[1] = 0.01499 is within one unit: truncated, not wrong.
    assert got["delta_h2[1]"][0] == "rounding"
    # w1' = 0.15 + 0.5·0.00127 = 0.150635 from a 3-digit gradient that is itself fine.
    w1 = next(v for v in r.items if v.printed.quantity == "w1'")
    assert w1.cls == "inherited" and w1.inherits_from == [] and "too many digits" in w1.explanation
    # The conclusion table repeats two numbers: folded, not counted twice.
    assert r.counts["repeat"] == 3 and r.counts["numbers"] == len(r.items) - 3


def test_001_verdicts_worked_out_by_hand(reports: dict[str, Report]) -> None:
    r = reports["001"]
    got = {v.printed.index: v for v in r.items}
    by_quantity = verdicts(r)
    # σ(0.3775) = 0.59327, printed 0.0593269992; the next steps use 0.593269992.
    assert by_quantity["a_h1"][0] == "typo" and got[2].typo_kind == "ten times too small"
    assert r.first_wrong is not None and r.first_wrong.printed.quantity == "a_h1"
    # a_o2 = 0.77292846 is copied into E_o2's formula as 0.72928465.
    copied = [v for v in r.items if v.printed.quantity == "a_o2" and v.repeat_of is not None and v.wrong]
    assert [v.typo_kind for v in copied] == ["copied wrong"]
    # a_o1(1 − a_o1) = 0.751365 × 0.248635 = 0.186816, printed 0.18685062: no digit edit explains it.
    assert by_quantity["da_o1/dz_o1"] == ("slip", None)
    # 0.0055399425 (÷10) and −0.19049119 (×10) are summed as 0.05539942 − 0.01904912 = 0.03635031:
    # two typos that only together give the printed sum.
    assert by_quantity["dE_o1/da_h1"][0] == by_quantity["dE_o2/da_h1"][0] == "typo"
    assert by_quantity["dE_total/da_h1"] == ("exact", None)


def test_002_verdicts_worked_out_by_hand(reports: dict[str, Report]) -> None:
    r = reports["002"]
    sgd = {v.printed.quantity: v for v in r.items if v.printed.run == "sgd" and v.repeat_of is None}
    adam = {v.printed.quantity: v for v in r.items if v.printed.run == "adam" and v.repeat_of is None}
    # C = (a − y)² without ½: ∂C/∂W = 2(a − y)·a(1 − a)·a1 = −0.0575; the document printed −0.0287.
    assert (sgd["dC/dW2_1"].cls, sgd["dC/dW2_1"].mistake.id) == ("conceptual", "factor_two_dropped")  # type: ignore[union-attr]
    assert r.first_wrong is not None and r.first_wrong.printed.quantity == "dC/dW2_1"
    # W2_1' = 0.5 − 0.1·(−0.0287) = 0.50287: right from the wrong gradient.
    assert sgd["W2_1'"].cls == "inherited" and sgd["W2_1'"].inherits_from == [sgd["dC/dW2_1"].printed.index]
    # Adam: 0.5 − 0.1·m with m = 0.1·(−0.0287) gives 0.5003: m is not divided by √v + ε.
    assert (adam["W2_1'"].cls, adam["W2_1'"].mistake.id) == ("conceptual", "adam_without_division")  # type: ignore[union-attr]
    # The output layer's gradients are repeated for Adam: folded into their first printing, whose
    # inheritors point at it (not at the repeat).
    assert adam["m(W2_1)"].inherits_from == [sgd["dC/dW2_1"].printed.index]
    repeated = next(v for v in r.items if v.printed.run == "adam" and v.printed.quantity == "dC/dW2_1")
    assert repeated.cls == "repeat" and "repeats a wrong number" in repeated.explanation


def test_003_verdicts_worked_out_by_hand(reports: dict[str, Report]) -> None:
    r = reports["003"]
    got = verdicts(r)
    # z3_3 = 1.1·0.66819 + 1.2·0.83202 + 0.2 = 1.93343, printed 1.9324: the first wrong step.
    assert got["z3_3"] == ("slip", None)
    assert r.first_wrong is not None and r.first_wrong.printed.quantity == "z3_3"
    # 3.793 + 5.120 + 6.909 = 15.822: right from two wrong exponentials.
    assert got["exp(z3_1) + exp(z3_2) + exp(z3_3)"] == ("inherited", None)
    # −ln 0.2397 = 1.4284, printed 1.434.
    assert got["L"] == ("slip", None)
    # 0.8320 × 0.1680 = 0.139776: six digits from four-digit factors.
    sigma = next(v for v in r.items if v.printed.quantity == "da2_2/dz2_2")
    assert sigma.cls == "inherited" and sigma.inherits_from == [] and "too many digits" in sigma.explanation
    # The step sizes the document prints are right.
    assert got["W2_11' - W2_11"][0] == got["W2_12' - W2_12"][0] == "exact"


def test_counts_add_up(reports: dict[str, Report]) -> None:
    for r in reports.values():
        c = r.counts
        assert c["wrong"] == sum(c[k] for k in WRONG)
        assert c["exact"] + c["rounding"] + c["wrong"] + c["repeat"] == len(r.items)
        assert all(math.isfinite(v.value) for v in r.items)


def test_where_003s_training_loop_stops_is_checked_against_the_independent_loop() -> None:
    from viz.check.spec import tomllib

    data = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "viz/check/examples/003.toml").read_text("utf-8")
    )
    epoch, loss = training_loop_003()
    data["printed"] = [
        {"quantity": "epoch@stop", "where": "loop", "printed": str(epoch)},
        {"quantity": "L@stop", "where": "loop", "printed": f"{loss:.6f}"},
        {"quantity": "epoch@stop", "where": "loop, misread", "printed": str(epoch + 40)},
        {"quantity": "L@stop", "where": "loop, misread", "printed": f"{loss + 0.001:.6f}"},
    ]
    report = check(data)
    assert [v.value for v in report.items] == pytest.approx([epoch, loss, epoch, loss], rel=1e-9)
    assert [v.cls for v in report.items] == ["exact", "exact", "typo", "typo"]  # repeats that disagree

"""Printed numbers in every common scientific form: the last printed digit decides the unit, and
the report shows the number as it was printed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viz.check import WorkedExampleError, check
from viz.check.report import text
from viz.check.spec import plain_number

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
FORMS = [
    "{m}e{e}",
    "{m}E{e}",
    "{m} * 10^{e}",
    "{m}×10^{e}",
    "{m} · 10^{{{e}}}",
    "{m}·10**{e}",
    "{m}×10{sup}",
]


def written(form: str, mantissa: str, exponent: int) -> str:
    return form.format(m=mantissa, e=exponent, sup=str(exponent).translate(SUPERSCRIPT)).replace("-", "−", 1)


@given(
    st.integers(1000, 9999),
    st.integers(-12, 5),
    st.sampled_from(FORMS),
    st.booleans(),
)
def test_every_form_reads_as_the_plain_number(digits: int, exponent: int, form: str, negative: bool) -> None:
    mantissa = ("-" if negative else "") + f"{digits / 1000:.3f}"
    plain = plain_number(written(form, mantissa, exponent))
    assert plain is not None
    assert math.isclose(float(plain), float(f"{mantissa}e{exponent}"), rel_tol=1e-15)


def tiny(printed: str) -> dict[str, object]:
    """One sigmoid neuron: a = σ(−8) ≈ 3.3535e-4, printed in some form."""
    return {
        "network": {"inputs": 1, "layers": [{"activation": "sigmoid", "weights": [[-8.0]]}]},
        "data": {"inputs": [1.0], "targets": [0.0]},
        "loss": {"kind": "squared_error"},
        "training": {"steps": 0},
        "printed": [{"quantity": "a1_1", "where": "forward", "printed": printed}],
    }


@pytest.mark.parametrize("form", FORMS)
def test_the_last_printed_digit_decides_the_unit(form: str) -> None:
    a = 1.0 / (1.0 + math.exp(8.0))  # 3.353501304664781e-4
    right, off = written(form, f"{a * 1e4:.4f}", -4), written(form, f"{a * 1e4 + 0.0003:.4f}", -4)
    assert check(tiny(right)).items[0].cls == "exact"
    report = check(tiny(off))  # three units of the fourth decimal of the mantissa off
    assert report.items[0].cls == "slip" and round(report.items[0].units_off) == 3
    assert off in text(report)  # shown as printed


@pytest.mark.parametrize("bad", ["3.35 × 10", "3.35e", "10^-4", "3.35 × 10^-4.5", "3.35 ×× 10^-4"])
def test_what_is_not_a_number_is_named(bad: str) -> None:
    with pytest.raises(
        WorkedExampleError, match=r"printed\[0\] \(a1_1\): printed must be a number as printed"
    ):
        check(tiny(bad))

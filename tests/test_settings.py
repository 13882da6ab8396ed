"""The root conftest's settings: ops a test defines do not outlive it, and hypothesis runs with
the project's profile everywhere (doctests too)."""

from __future__ import annotations

import math

from hypothesis import settings

import autograd
from autograd import OPS, define_op

NAME = "scratch_op_of_the_settings_test"


def test_1_an_op_defined_here_is_in_the_table() -> None:
    define_op(
        NAME, math.sin, lambda x, out: autograd.cos(x), formula="scratch(x)", local_formulas=("cos(x)",)
    )
    assert NAME in OPS


def test_2_and_gone_in_the_next_test() -> None:
    assert NAME not in OPS
    assert {"add", "mul", "tanh", "sin", "cos"} <= set(OPS)  # the built-in rows stay


def test_the_profile_is_loaded() -> None:
    assert settings().deadline is None

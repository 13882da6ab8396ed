"""Fail at import, clearly, when the ``autograd`` on the path is not chainrule's engine."""

from __future__ import annotations

import importlib


def require_chainrule_autograd(importer: str) -> None:
    """Raise ImportError naming the clash if ``import autograd`` finds another package
    (the PyPI package ``autograd`` by HIPS uses the same import name)."""
    engine = importlib.import_module("autograd")
    if not getattr(engine, "CHAINRULE_ENGINE", False):
        where = getattr(engine, "__file__", None) or "an unknown location"
        raise ImportError(
            f"{importer} needs chainrule's 'autograd' package, but 'import autograd' found another one "
            f"at {where} (the PyPI package 'autograd' by HIPS uses the same name). Install chainrule "
            "in its own virtual environment, or uninstall the other 'autograd'."
        )

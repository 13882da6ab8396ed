"""Every public function of the three packages has a docstring with a runnable example (the
examples themselves run as doctests), and every public class and method has a docstring."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = ["autograd", "autograd.testing", "nn", "viz"]


def public_objects() -> list[tuple[str, object]]:
    found = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            found.append((f"{package}.{name}", getattr(module, name)))
    return found


@pytest.mark.parametrize(("name", "obj"), public_objects(), ids=[n for n, _ in public_objects()])
def test_public_api_is_documented(name: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or (callable(obj) and not inspect.isclass(obj)):
        assert ">>>" in doc, f"{name}: the docstring has no example"
    if inspect.isclass(obj):
        for attr, member in vars(obj).items():
            if attr.startswith("_"):
                continue
            target = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            if inspect.isfunction(target):
                assert inspect.getdoc(target), f"{name}.{attr} has no docstring"

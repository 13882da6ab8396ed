"""Every public function of the three packages has a docstring with a runnable example (the
examples themselves run as doctests), and every public class and method has a docstring."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PACKAGES = ["autograd", "autograd.testing", "nn", "viz"]


def public_objects() -> list[tuple[str, object]]:
    found = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            found.append((f"{package}.{name}", getattr(module, name)))
    return found


def compiled_definition(obj: object) -> ast.FunctionDef | ast.ClassDef | None:
    """The definition of ``obj`` in its module's ``.py`` source when that module is compiled
    (mypyc keeps signatures, not docstrings); None for an interpreted object."""
    obj = getattr(obj, "__wrapped__", obj)  # a context manager's function
    owner = getattr(obj, "__objclass__", obj)  # a method of a compiled class
    module = importlib.import_module(getattr(owner, "__module__", "") or "builtins")
    file = getattr(module, "__file__", None) or ".py"
    if file.endswith(".py"):
        return None
    package, *rest = module.__name__.split(".")  # (a compiled module's __file__ can be off)
    source = Path(importlib.import_module(package).__path__[0], *rest).with_suffix(".py")
    tree: ast.AST = ast.parse(source.read_text(encoding="utf-8"))
    for part in getattr(obj, "__qualname__", "").split("."):
        # the last definition of the name: an overloaded function's implementation
        tree = [n for n in ast.iter_child_nodes(tree) if getattr(n, "name", None) == part][-1]
    assert isinstance(tree, (ast.FunctionDef, ast.ClassDef))
    return tree


def docstring(obj: object) -> str:
    """``obj``'s docstring, read from the source for an object of a compiled module."""
    definition = compiled_definition(obj)
    return (inspect.getdoc(obj) if definition is None else ast.get_docstring(definition)) or ""


@pytest.mark.parametrize(("name", "obj"), public_objects(), ids=[n for n, _ in public_objects()])
def test_public_api_is_documented(name: str, obj: object) -> None:
    doc = docstring(obj)
    assert doc, f"{name} has no docstring"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or (callable(obj) and not inspect.isclass(obj)):
        assert ">>>" in doc, f"{name}: the docstring has no example"
    definition = compiled_definition(obj)
    if isinstance(definition, ast.ClassDef):
        for method in definition.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            setter = any(getattr(d, "attr", "") == "setter" for d in method.decorator_list)
            if not method.name.startswith("_") and not setter:
                assert ast.get_docstring(method), f"{name}.{method.name} has no docstring"
    elif inspect.isclass(obj):
        for attr, member in vars(obj).items():
            if attr.startswith("_"):
                continue
            target = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            if inspect.isfunction(target):
                assert inspect.getdoc(target), f"{name}.{attr} has no docstring"

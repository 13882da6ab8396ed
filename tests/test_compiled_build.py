"""The optional compiled build (setup.py): it compiles the modules it names with the mypy that CI
type-checks with, the interpreted engine keeps object's own allocator and hash (its fast path),
and a compiled run compiles what setup.py says and skips only those modules' doctests."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

from autograd import Value
from autograd.value import COMPILED

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def setup_constants() -> dict[str, object]:
    """setup.py's top-level constants, read without running it."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    return {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_the_build_uses_the_mypy_ci_type_checks_with() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = pyproject["project"]["optional-dependencies"]["lint"]
    assert setup_constants()["MYPYC"] in lint


def test_the_build_compiles_modules_of_the_engine_that_exist() -> None:
    core = setup_constants()["CORE"]
    assert isinstance(core, list) and core
    for path in core:
        assert path.startswith("autograd/") and (ROOT / path).is_file(), path


def test_each_module_is_compiled_or_not_as_the_build_says() -> None:
    core = setup_constants()["CORE"]
    assert isinstance(core, list)
    for path in core:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert str(module.__file__).endswith(".py") is not COMPILED, module.__file__


def test_interpreted_values_use_objects_own_allocator_and_hash() -> None:
    if COMPILED:
        assert Value.__new__ is not object.__new__  # the compiled class allocates nodes itself
    else:
        assert Value.__new__ is object.__new__ and Value.__hash__ is object.__hash__
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2 and hash(a) == hash(a)  # identity, whatever the build


def test_a_compiled_run_skips_only_the_compiled_modules_doctests() -> None:
    from conftest import collect_ignore

    core = setup_constants()["CORE"]
    assert isinstance(core, list)
    expected = {str(ROOT / path) for path in core} if COMPILED else set()
    assert set(collect_ignore) == expected

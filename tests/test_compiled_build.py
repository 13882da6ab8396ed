"""The optional compiled build (setup.py): it compiles the modules it names with the mypy that CI
type-checks with, the interpreted engine keeps object's own allocator and hash (its fast path),
and a compiled run compiles what setup.py says and skips only those modules' doctests."""

from __future__ import annotations

import ast
import copy
import importlib
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, backward_events, grad
from autograd.value import COMPILED

from .builds import assigned

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


def test_every_node_has_a_label_and_a_label_is_safe_to_set_and_delete() -> None:
    a = Value(1.0, label="a")
    made = [Value(2.0), a * a, a + 1, 1 - a, a.tanh(), Value.sum([a, a]), Value(2.0, (a,), (1.0,))]
    assert a.label == "a" and all(node.label == "" for node in made)
    a.label = "b"
    assert a.label == "b"
    if assigned(a, "label", 5):  # the interpreted engine takes it; a new Value made from it does not
        assert a.label == 5  # type: ignore[comparison-overlap]
        with pytest.raises(TypeError, match="label must be a str, got int 5"):
            a.detach()
    if COMPILED:
        with pytest.raises(AttributeError, match="cannot be deleted"):
            del a.label
    else:
        del a.label
        with pytest.raises(AttributeError):
            _ = a.label


def test_a_backward_event_copies_and_pickles_in_every_build() -> None:
    x = Value(3.0, label="x")
    event = next(e for e in backward_events(x * 2) if e.parent is x)
    again = pickle.loads(pickle.dumps(event))
    assert copy.copy(event) == event
    assert (again.parent.label, again.local, again.after) == ("x", 2.0, 2.0)


def test_arguments_the_engine_checks_itself_get_its_messages_in_every_build() -> None:
    x = Value(2.0)
    y = x * x
    assert grad(y, [x], create_graph=1)[0].data == 4.0  # type: ignore[call-overload]
    for bad in (True, None, "1.0"):
        with pytest.raises(TypeError, match="backward: expected a Value, int or float"):
            y.backward(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="grad: expected a Value, int or float"):
            grad(y, [x], grad_output=bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="leaky_relu: expected a Value, int or float"):
            x.leaky_relu(bad)  # type: ignore[arg-type]
    with pytest.raises(OverflowError, match="backward: an int of about 401 digits"):
        y.backward(10**400)


def test_the_engine_imports_the_same_from_outside_the_checkout(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import autograd.value as v; print(v.COMPILED)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(COMPILED)

"""Which program lays out the graphs, and what happens when there is none."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphviz.backend import dot_command

import viz
from autograd import Value
from viz import engine
from viz.engine import EngineNotFoundError, find_engine, run_dot

from .conftest import pure_dot, system_dot


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No CHAINRULE_DOT, graphviz's default DOT_BINARY, and a PATH with no dot on it."""
    monkeypatch.delenv(engine.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("dot"))
    monkeypatch.setattr(engine, "_set_by_us", set())
    return monkeypatch


def fake_dot(folder: Path) -> Path:
    """An executable called ``dot`` in ``folder`` (never run: only found on PATH)."""
    program = folder / "dot"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in dot is a shell script")


@posix_only
def test_env_var_wins_over_everything(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pure = pure_dot()
    fake_dot(tmp_path)  # a dot on PATH, which the variable beats
    clean_env.setenv(engine.ENV_VAR, pure)
    found = find_engine()
    assert (found.path, found.how) == (pure, "CHAINRULE_DOT")
    clean_env.setenv(engine.ENV_VAR, "graphviz-pure")  # by name, even off PATH
    assert find_engine() == found


def test_env_var_naming_no_program_is_an_error_not_a_fallback(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv(engine.ENV_VAR, "/no/such/dot")
    with pytest.raises(EngineNotFoundError, match="CHAINRULE_DOT='/no/such/dot'"):
        find_engine()


@posix_only
def test_dot_on_path_comes_before_graphviz_pure(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pure_dot()
    dot = fake_dot(tmp_path)
    found = find_engine()
    assert (found.path, found.how) == (str(dot), "PATH")


def test_graphviz_pure_is_found_beside_the_interpreter_without_path(
    clean_env: pytest.MonkeyPatch,
) -> None:
    # `.venv/bin/python script.py` leaves .venv/bin off PATH: graphviz-pure must still be found.
    pure = pure_dot()
    found = find_engine()
    assert (found.path, found.how) == (pure, "graphviz-pure")
    assert Path(pure).name.startswith("graphviz-pure")


def test_no_engine_says_how_to_get_one_and_the_source_stays_available(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setattr(engine, "graphviz_pure_path", lambda: None)
    y = Value(2.0, label="x") * 3
    with pytest.raises(EngineNotFoundError) as caught:
        viz.to_svg(y)
    message = str(caught.value)
    hints = ("pip install graphviz-pure", "apt-get install graphviz", "CHAINRULE_DOT", ".source")
    for hint in hints:
        assert hint in message
    assert "digraph chainrule" in viz.draw(y).source


def test_run_dot_reports_the_engines_error(dot: str) -> None:
    with pytest.raises(RuntimeError, match="failed"):
        run_dot("digraph { a -> }", dot=dot)


@posix_only
def test_a_layout_that_takes_too_long_raises_instead_of_hanging(tmp_path: Path) -> None:
    slow = tmp_path / "slow-dot"
    slow.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(5)\n")
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(RuntimeError, match="did not finish"):
        run_dot("digraph { a }", dot=slow, timeout=0.2)


def test_draw_points_graphviz_at_graphviz_pure_so_jupyter_can_display(
    clean_env: pytest.MonkeyPatch,
) -> None:
    pure = pure_dot()
    graph = viz.draw(Value(2.0, label="x").tanh())
    assert Path(dot_command.DOT_BINARY) == Path(pure)
    bundle = graph._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_a_dot_binary_set_by_the_user_is_left_alone(clean_env: pytest.MonkeyPatch) -> None:
    pure_dot()
    mine = Path("/opt/my/dot")
    clean_env.setattr(dot_command, "DOT_BINARY", mine)
    viz.draw(Value(1.0, label="x") + 1)
    assert mine == dot_command.DOT_BINARY


def test_with_a_system_dot_graphviz_keeps_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    dot = system_dot()
    monkeypatch.delenv(engine.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(Path(dot).parent) + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("dot"))
    graph = viz.draw(Value(1.0, label="x") * 2)
    assert Path("dot") == dot_command.DOT_BINARY
    assert "<svg" in graph._repr_mimebundle_()["image/svg+xml"]


# ---- a renderer in this process (Pyodide in a web page, with a WebAssembly Graphviz) ----------


@pytest.fixture
def in_process() -> Iterator[None]:
    """Whatever a test installs with use_renderer is removed after it."""
    yield None
    engine.use_renderer(None)


def test_a_renderer_in_this_process_draws_every_picture(
    clean_env: pytest.MonkeyPatch, in_process: None
) -> None:
    """With no program on PATH, the renderer lays out what viz.draw and to_svg give it."""
    seen: list[tuple[str, str]] = []

    def render(source: str, format: str) -> str:
        seen.append((source, format))
        return f"<svg xmlns='http://www.w3.org/2000/svg'><text>{len(source)}</text></svg>"

    engine.use_renderer(render, "test renderer")
    assert find_engine() == engine.Engine("test renderer", "renderer")
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    svg = viz.to_svg(y)
    assert len(seen) == 1 and seen[0][1] == "svg" and "tanh" in seen[0][0]
    assert svg.endswith(f"<text>{len(seen[0][0])}</text></svg>")
    assert viz.draw(y).pipe("svg") == svg.encode()
    assert engine.use_for_graphviz() == engine.Engine("test renderer", "renderer")


def test_a_renderer_that_fails_or_writes_no_svg_is_named(in_process: None) -> None:
    def broken(source: str, format: str) -> str:
        raise RuntimeError("out of memory")

    engine.use_renderer(broken, "wasm graphviz")
    with pytest.raises(engine.EngineError, match="the renderer wasm graphviz failed: out of memory"):
        run_dot("digraph { a -> b }")
    engine.use_renderer(lambda source, format: "not svg", "wasm graphviz")
    with pytest.raises(engine.EngineError, match="wasm graphviz wrote something that is not SVG"):
        run_dot("digraph { a -> b }")
    engine.use_renderer(lambda source, format: 42, "wasm graphviz")  # type: ignore[arg-type,return-value]
    with pytest.raises(engine.EngineError, match="returned int"):
        run_dot("digraph { a -> b }")


def test_a_renderer_renders_only_its_formats(in_process: None) -> None:
    engine.use_renderer(lambda source, format: b"%PDF-1.4", "svg-only", formats=["svg"])
    with pytest.raises(ValueError, match="svg-only cannot render 'pdf'; it renders: svg"):
        engine.check_format("pdf")
    with pytest.raises(engine.EngineError, match="cannot render 'pdf'"):
        run_dot("digraph {}", "pdf")
    with pytest.raises(TypeError, match="render must be a function, not str"):
        engine.use_renderer("dot")  # type: ignore[arg-type]


def test_without_a_renderer_the_program_is_back(in_process: None) -> None:
    engine.use_renderer(lambda source, format: "<svg/>", "gone")
    engine.use_renderer(None)
    assert find_engine().how != "renderer"

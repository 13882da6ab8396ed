"""Pictures that would take Graphviz minutes are refused (or shown as text) at once, and an
engine that hangs is stopped after one time limit, with every process it started."""

from __future__ import annotations

import math
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import viz
from autograd import Value
from viz import engine
from viz.dot import MAX_EDGES
from viz.engine import ENV_VAR, TIMEOUT_ENV_VAR, EngineError, run_dot
from viz.jupyter import DISPLAY_MAX_EDGES, DISPLAY_MAX_NODES, display_svg

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in engine is a shell script")

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


@pytest.fixture
def renderer() -> Iterator[list[str]]:
    """A renderer in this process that records the DOT sources it is asked to lay out."""
    seen: list[str] = []

    def render(source: str, format: str) -> str:
        seen.append(source)
        return SVG

    engine.use_renderer(render, "recording renderer")
    yield seen
    engine.use_renderer(None)


@pytest.fixture
def default_timeout() -> Iterator[None]:
    """Whatever a test sets with set_timeout is undone after it."""
    yield None
    engine.set_timeout(None)


def parallel_sum(edges: int) -> Value:
    """Two nodes, ``edges`` edges: x added to itself ``edges`` times in one node."""
    return Value.sum([Value(1.0, label="x")] * edges)


# ---- how many edges -----------------------------------------------------------------------------


def test_jupyter_shows_text_for_few_nodes_with_many_edges_without_asking_the_engine(
    renderer: list[str],
) -> None:
    big = parallel_sum(20_000)
    start = time.perf_counter()
    assert display_svg(big) is None
    assert big._repr_mimebundle_() == {"text/plain": repr(big)}
    assert time.perf_counter() - start < 2.0
    assert renderer == []  # the engine was never asked


def test_the_display_edge_limit_is_the_documented_one(renderer: list[str]) -> None:
    assert DISPLAY_MAX_NODES >= 2  # the picture of two nodes is under the node limit
    assert display_svg(parallel_sum(DISPLAY_MAX_EDGES)) == SVG
    assert display_svg(parallel_sum(DISPLAY_MAX_EDGES + 1)) is None
    assert len(renderer) == 1


def test_draw_refuses_too_many_edges_and_says_how_to_draw_them_anyway(renderer: list[str]) -> None:
    big = parallel_sum(MAX_EDGES + 1)
    for call in (viz.draw, viz.to_svg):
        with pytest.raises(
            ValueError, match=rf"{MAX_EDGES + 1} edges .*max_edges={MAX_EDGES}.*max_edges=None"
        ):
            call(big)
    assert renderer == []
    assert viz.draw(big, max_edges=None).source.count(" -> ") == MAX_EDGES + 1
    assert viz.to_svg(parallel_sum(MAX_EDGES)) == SVG


@pytest.mark.parametrize("limit", [-1, 2.5, "10", True])
def test_a_size_limit_that_is_not_a_count_is_named(limit: object) -> None:
    with pytest.raises(ValueError, match=r"max_edges must be an int >= 0 or None"):
        viz.draw(parallel_sum(2), max_edges=limit)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"max_nodes must be an int >= 0 or None"):
        viz.draw(parallel_sum(2), max_nodes=limit)  # type: ignore[arg-type]


# ---- how long -----------------------------------------------------------------------------------


def hanging_engine(folder: Path) -> Path:
    """A script that starts a child which would sleep for a minute, writes the child's pid to
    ``child.pid``, logs each start to ``starts``, and waits for the child."""
    script = folder / "hanging-dot"
    script.write_text(
        f"#!/bin/sh\necho started >> '{folder}/starts'\nsleep 60 &\necho $! > '{folder}/child.pid'\nwait\n"
    )
    script.chmod(0o755)
    return script


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a killed one waiting to be reaped is not)."""
    if Path("/proc/self/status").exists():  # Linux: a zombie still answers os.kill
        try:
            return "(zombie)" not in Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def child_pid(tmp_path: Path) -> Iterator[Path]:
    """Where the hanging engine writes its child's pid; a child still running after the test
    (as it would be with only the script killed) is stopped here."""
    where = tmp_path / "child.pid"
    yield where
    if where.exists():
        pid = int(where.read_text())
        if running(pid):
            os.kill(pid, signal.SIGKILL)


def gone_soon(pid: int, within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while running(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


@posix_only
def test_a_timeout_stops_the_engine_and_everything_it_started(
    tmp_path: Path, child_pid: Path, default_timeout: None
) -> None:
    engine.set_timeout(0.5)
    start = time.perf_counter()
    with pytest.raises(EngineError, match=r"hanging-dot did not finish .* within 0.5 s"):
        run_dot("digraph { a }", dot=hanging_engine(tmp_path))
    assert time.perf_counter() - start < 5.0
    assert gone_soon(int(child_pid.read_text()))


@posix_only
def test_a_hanging_engine_costs_one_time_limit_not_two(
    tmp_path: Path, child_pid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """to_svg asks the engine for its formats, then for the picture: an engine that hangs on
    the first is not started again for the second."""
    monkeypatch.setenv(ENV_VAR, str(hanging_engine(tmp_path)))
    monkeypatch.setenv(TIMEOUT_ENV_VAR, "0.5")
    start = time.perf_counter()
    with pytest.raises(EngineError, match=r"hanging-dot did not answer within 0.5 s"):
        viz.to_svg(Value(2.0, label="x") * 3)
    assert time.perf_counter() - start < 5.0
    assert (tmp_path / "starts").read_text().splitlines() == ["started"]
    assert gone_soon(int(child_pid.read_text()))


@posix_only
def test_jupyter_shows_text_when_the_engine_hangs(
    tmp_path: Path, child_pid: Path, monkeypatch: pytest.MonkeyPatch, default_timeout: None
) -> None:
    monkeypatch.setenv(ENV_VAR, str(hanging_engine(tmp_path)))
    engine.set_timeout(0.5)
    assert display_svg(Value(2.0, label="x") * 3) is None
    assert gone_soon(int(child_pid.read_text()))


def test_the_time_limit_is_settable_and_set_timeout_wins_over_the_variable(
    monkeypatch: pytest.MonkeyPatch, default_timeout: None
) -> None:
    monkeypatch.delenv(TIMEOUT_ENV_VAR, raising=False)
    assert engine.get_timeout() == engine.TIMEOUT
    monkeypatch.setenv(TIMEOUT_ENV_VAR, "7.5")
    assert engine.get_timeout() == 7.5
    engine.set_timeout(3)
    assert engine.get_timeout() == 3.0
    engine.set_timeout(None)
    assert engine.get_timeout() == 7.5


@pytest.mark.parametrize("seconds", [0, -1, math.nan, math.inf, pytest.param(10**400, id="huge-int")])
def test_a_time_limit_that_is_not_a_positive_number_is_refused(seconds: float, default_timeout: None) -> None:
    with pytest.raises(ValueError, match=r"set_timeout: seconds must be a finite number of seconds > 0"):
        engine.set_timeout(seconds)
    with pytest.raises(ValueError, match=r"run_dot: timeout must be a finite number of seconds > 0"):
        run_dot("digraph { a }", timeout=seconds)
    assert engine.get_timeout() > 0


def test_a_time_limit_of_the_wrong_type_is_a_type_error(default_timeout: None) -> None:
    with pytest.raises(TypeError, match=r"set_timeout: seconds must be a number of seconds, got str '5'"):
        engine.set_timeout("5")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["abc", "0", "-3", "nan", "inf"])
def test_a_bad_timeout_variable_is_named(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv(TIMEOUT_ENV_VAR, text)
    with pytest.raises(ValueError, match=rf"{TIMEOUT_ENV_VAR}='{text}' is not a number of seconds > 0"):
        run_dot("digraph { a }")


def test_the_time_limit_and_its_variable_are_documented() -> None:
    doc = engine.__doc__ or ""
    for word in (TIMEOUT_ENV_VAR, "set_timeout", "process group"):
        assert word in doc

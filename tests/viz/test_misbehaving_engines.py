"""A Graphviz program that misbehaves in any way is one ``EngineError`` naming the program, and
Jupyter shows text instead of crashing or showing a broken picture."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

import viz
from autograd import Value
from viz import EngineError, EngineNotFoundError, display_svg
from viz.engine import ENV_VAR, run_dot

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in programs are scripts")

# name -> (script body, what the message says besides the program's path)
MISBEHAVING = {
    "garbage": ("print('garbage')", "not SVG"),
    "html": ("print('<html><body>hi</body></html>')", "not <svg>"),
    "not-utf8": ("import sys; sys.stdout.buffer.write(b'\\xff\\xfe<svg/>')", "not UTF-8"),
    "empty": ("pass", "not SVG"),
    "fails": ("import sys; sys.stderr.write('boom: bad graph'); sys.exit(3)", "exit status 3"),
}


def program(folder: Path, name: str, body: str, executable: bool = True) -> Path:
    path = folder / f"fake-dot-{name}"
    path.write_text(f"#!{sys.executable}\nimport sys\nsys.stdin.read()\n{body}\n")
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def y() -> Value:
    out = Value(2.0, label="x") * 3
    out.label = "y"
    return out


@posix_only
@pytest.mark.parametrize("name", sorted(MISBEHAVING))
def test_a_misbehaving_engine_is_one_error_naming_the_program(tmp_path: Path, name: str) -> None:
    body, says = MISBEHAVING[name]
    fake = program(tmp_path, name, body)
    with pytest.raises(EngineError) as caught:
        viz.to_svg(y(), dot=fake)
    assert str(fake) in str(caught.value) and says in str(caught.value)
    with pytest.raises(EngineError, match="fake-dot"):
        viz.render(y(), tmp_path / "out.svg", dot=fake)


@posix_only
def test_an_engine_that_writes_no_png_is_an_error(tmp_path: Path) -> None:
    fake = program(tmp_path, "png", "print('<svg/>')")
    with pytest.raises(EngineError, match=r"fake-dot-png .*not PNG"):
        run_dot("digraph { a }", "png", fake)


@posix_only
def test_a_program_that_is_not_executable_is_an_engine_error(tmp_path: Path) -> None:
    fake = program(tmp_path, "noexec", "print('<svg/>')", executable=False)
    with pytest.raises(EngineError, match=r"cannot run the Graphviz engine .*fake-dot-noexec"):
        run_dot("digraph { a }", dot=fake)


@posix_only
def test_a_layout_that_takes_too_long_is_an_engine_error(tmp_path: Path) -> None:
    fake = program(tmp_path, "slow", "import time; time.sleep(5)")
    with pytest.raises(EngineError, match="fake-dot-slow did not finish"):
        run_dot("digraph { a }", dot=fake, timeout=0.2)


def test_no_engine_is_an_engine_error_too() -> None:
    assert issubclass(EngineNotFoundError, EngineError)
    assert issubclass(EngineError, RuntimeError)  # as before: callers catching RuntimeError still do
    with pytest.raises(EngineError, match="/no/such/dot"):
        run_dot("digraph { a }", dot="/no/such/dot")


@posix_only
@pytest.mark.parametrize("name", [*sorted(MISBEHAVING), "noexec"])
def test_jupyter_shows_text_whatever_the_engine_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    body = MISBEHAVING.get(name, ("print('<svg/>')", ""))[0]
    fake = program(tmp_path, name, body, executable=name != "noexec")
    monkeypatch.setenv(ENV_VAR, str(fake))
    value = y()
    assert display_svg(value) is None
    assert value._repr_mimebundle_() == {"text/plain": repr(value)}
    bundle = viz.draw(value)._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert str(fake) in bundle["text/plain"]  # says which program failed


def test_a_working_engine_still_gives_checked_svg(dot: str) -> None:
    bundle = viz.draw(y())._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert b"<svg" in run_dot("digraph { a -> b }", dot=dot)


@posix_only
@pytest.mark.parametrize("name", sorted(MISBEHAVING))
def test_draws_own_render_and_pipe_go_through_the_checked_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """``draw(v).render('gout')``, the lecture's call, fails as to_svg does and writes nothing."""
    body, says = MISBEHAVING[name]
    fake = program(tmp_path, name, body)
    monkeypatch.setenv(ENV_VAR, str(fake))
    picture = viz.draw(y())
    with pytest.raises(EngineError, match=f"fake-dot-{name}.*{says}"):
        picture.render(str(tmp_path / "gout"))
    assert not (tmp_path / "gout.svg").exists() and not (tmp_path / "gout").exists()
    with pytest.raises(EngineError, match=f"fake-dot-{name}"):
        picture.pipe()


def test_draws_render_writes_the_source_and_a_checked_picture(tmp_path: Path) -> None:
    picture = viz.draw(y())
    written = picture.render(tmp_path / "gout")
    assert written == str(tmp_path / "gout.svg")
    assert (tmp_path / "gout").read_text() == picture.source
    assert (tmp_path / "gout.svg").read_bytes() == picture.pipe()
    assert picture.pipe(encoding="utf-8").lstrip().startswith("<?xml")  # type: ignore[union-attr]
    assert picture.render(tmp_path / "again", cleanup=True, quiet=True) == str(tmp_path / "again.svg")
    assert not (tmp_path / "again").exists()
    with pytest.raises(TypeError, match=r"render: renderer not supported.*CHAINRULE_DOT"):
        picture.render(tmp_path / "x", renderer="cairo")

"""Finding and running a Graphviz ``dot`` program to lay out and render graphs.

The first of these wins:

1. the environment variable ``CHAINRULE_DOT``: a path to a dot-compatible program, or a
   command name on ``PATH``;
2. a ``dot`` on ``PATH`` (a system Graphviz: ``apt-get install graphviz``);
3. ``graphviz-pure`` (``pip install graphviz-pure``, a dependency of chainrule): a
   self-contained Graphviz whose wheel installs one program, ``graphviz-pure``, into the
   environment's scripts directory (``bin/`` or ``Scripts\\``). It takes ``dot``'s own flags
   (``graphviz-pure -Kdot -Tsvg < graph.gv``); there is no ``dot`` sub-command.

``viz`` runs the chosen program itself (``run_dot``), and ``use_for_graphviz`` points the
``graphviz`` package at it, so a ``Digraph`` from ``viz.draw`` also displays in Jupyter when
graphviz-pure is the only engine.

Where no program can be started (Python in a web page, under Pyodide), ``use_renderer`` installs
a function that lays graphs out in this process instead, a WebAssembly Graphviz say; it wins over
all three, and every picture of ``viz`` goes through it.

Time limit: a program that has not finished within ``get_timeout()`` seconds (120 by default) is
stopped, with its whole process group (a wrapper script's children too), and the picture is an
``EngineError``. The limit is one for the whole call: a program that does not answer when asked
which formats it renders is not asked again to lay the graph out. Set it with
``set_timeout(seconds)`` (``set_timeout(None)``: back to the default), or with the environment
variable ``CHAINRULE_DOT_TIMEOUT`` (seconds); ``set_timeout`` wins over the variable. A renderer
installed by ``use_renderer`` runs in this process and is not timed.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

ENV_VAR = "CHAINRULE_DOT"
TIMEOUT_ENV_VAR = "CHAINRULE_DOT_TIMEOUT"
PURE = "graphviz-pure"
TIMEOUT = 120.0
"""The default time limit in seconds; a layout that takes longer is a graph too big to look at."""

HOW_TO_INSTALL = (
    "install a Graphviz engine, for example:\n"
    "    pip install graphviz-pure       (self-contained, no system packages needed)\n"
    "    apt-get install graphviz        (or: brew install graphviz, conda install graphviz)\n"
    f"or set {ENV_VAR} to the path of a dot program. Without an engine the DOT source is still "
    "available: viz.draw(root).source"
)


class EngineError(RuntimeError):
    """The Graphviz program could not render a graph: it cannot be run, it failed, it took too
    long, or what it wrote is not the format asked for (not SVG, say). The message names the
    program."""


class EngineNotFoundError(EngineError):
    """No program to lay out graphs was found; the message says how to get one."""


@dataclass(frozen=True)
class Engine:
    """A dot-compatible program: its ``path`` and where it was found (``how``)."""

    path: str
    how: str  # "CHAINRULE_DOT", "PATH", "graphviz-pure", or "renderer" (then path is its name)


Renderer = Callable[[str, str], "str | bytes"]
"""Lays out DOT source in this process: ``render(source, format)`` returns the rendered file."""


@dataclass(frozen=True)
class _InProcess:
    name: str
    render: Renderer
    formats: frozenset[str]


_in_process: _InProcess | None = None


def use_renderer(render: Renderer | None, name: str = "renderer", formats: Iterable[str] = ("svg",)) -> None:
    """Lay graphs out by calling ``render(source, format)`` in this process (it returns the SVG
    text, or the file's bytes) instead of running a ``dot`` program: for a Python that cannot
    start programs, such as Pyodide in a web page with a WebAssembly Graphviz. ``name`` names it
    in messages; ``formats`` are those it renders. ``use_renderer(None)`` goes back to programs.

    >>> use_renderer(lambda source, format: "<svg xmlns='http://www.w3.org/2000/svg'/>", "fake")
    >>> find_engine(), run_dot("digraph { a -> b }")
    (Engine(path='fake', how='renderer'), b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    >>> use_renderer(None)
    """
    global _in_process
    if render is None:
        _in_process = None
        return
    if not callable(render):
        raise TypeError(f"viz.engine.use_renderer: render must be a function, not {type(render).__name__}")
    _in_process = _InProcess(str(name), render, frozenset(formats))


def _render_in_process(chosen: _InProcess, source: str, format: str) -> bytes:
    if format not in chosen.formats:
        raise EngineError(
            f"viz: the renderer {chosen.name} cannot render {format!r}; it renders: "
            + ", ".join(sorted(chosen.formats))
        )
    try:
        out = chosen.render(source, format)
    except Exception as exc:
        raise EngineError(f"viz: the renderer {chosen.name} failed: {_clip(str(exc))}") from exc
    data = out.encode("utf-8") if isinstance(out, str) else out
    if not isinstance(data, bytes):
        raise EngineError(
            f"viz: the renderer {chosen.name} returned {type(out).__name__}, not the {format} text or bytes"
        )
    check_output(data, format, chosen.name)
    return data


def find_engine() -> Engine:
    """What ``viz`` renders with: a renderer set by ``use_renderer``, else the program
    ``$CHAINRULE_DOT``, else ``dot``, else graphviz-pure.

    Raises ``EngineNotFoundError`` (saying how to install one) when there is none.

    >>> engine = find_engine()
    >>> engine.how in ("CHAINRULE_DOT", "PATH", "graphviz-pure") or engine.how
    True
    """
    if _in_process is not None:
        return Engine(_in_process.name, "renderer")
    requested = os.environ.get(ENV_VAR, "").strip()
    if requested:
        found = shutil.which(requested) or (graphviz_pure_path() if requested == PURE else None)
        if found is None:
            raise EngineNotFoundError(
                f"{ENV_VAR}={requested!r} is not an executable program; point it at a dot "
                f"binary, or unset it to use dot from PATH or graphviz-pure. Or {HOW_TO_INSTALL}"
            )
        return Engine(found, ENV_VAR)
    dot = shutil.which("dot")
    if dot is not None:
        return Engine(dot, "PATH")
    pure = graphviz_pure_path()
    if pure is not None:
        return Engine(pure, PURE)
    raise EngineNotFoundError(f"viz: no Graphviz engine to render the graph; {HOW_TO_INSTALL}")


def graphviz_pure_path() -> str | None:
    """Where the ``graphviz-pure`` program is, or None.

    It is looked for beside this interpreter first (a virtual environment's ``bin/`` is often
    not on ``PATH``: ``.venv/bin/python script.py``), then in the user scripts directory, then on
    ``PATH``.
    """
    name = PURE + (".exe" if os.name == "nt" else "")
    places = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        places.append(sysconfig.get_path("scripts", user_scheme))
    for place in places:
        candidate = Path(place) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(PURE)


def run_dot(
    source: str,
    format: str = "svg",
    dot: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> bytes:
    """Lay out DOT ``source`` with the ``dot`` layout and return the rendered bytes.

    ``dot`` is the program to run (default: ``find_engine()``). Whatever goes wrong (the
    program cannot be run, exits with an error, takes longer than ``timeout`` seconds
    (default: ``get_timeout()``), or writes something that is not ``format``: SVG is parsed,
    PNG and PDF must start as those files do) raises ``EngineError`` naming the program.

    >>> b'<svg' in run_dot('digraph { a -> b }')
    True
    """
    limit = get_timeout() if timeout is None else _seconds(timeout, "run_dot: timeout")
    if dot is None and _in_process is not None:
        return _render_in_process(_in_process, source, format)
    program = os.fspath(dot) if dot is not None else find_engine().path
    command = [program, "-Kdot", f"-T{format}"]
    try:
        done = _run(command, source.encode("utf-8"), limit)
    except FileNotFoundError:
        raise EngineNotFoundError(f"viz: cannot run {program!r}: no such program; {HOW_TO_INSTALL}") from None
    except subprocess.TimeoutExpired:
        raise EngineError(
            f"viz: {program} did not finish laying out the graph within {limit:g} s and was stopped; "
            f"draw a smaller part of the graph (a sub-expression as the root), or {_MORE_TIME}"
        ) from None
    except OSError as exc:  # not executable, not a program at all, ...
        raise EngineError(
            f"viz: cannot run the Graphviz engine {program!r}: {exc.strerror or exc}; point "
            f"{ENV_VAR} at a dot program, or unset it"
        ) from None
    if done.returncode != 0:
        raise EngineError(
            f"viz: {' '.join(command)} failed (exit status {done.returncode}):\n"
            + _clip(done.stderr.decode("utf-8", "replace").strip())
        )
    check_output(done.stdout, format, program)
    return done.stdout


_timeout: float | None = None
_MORE_TIME = f"allow more time: viz.engine.set_timeout(seconds) or the environment variable {TIMEOUT_ENV_VAR}"


def set_timeout(seconds: float | None) -> None:
    """Stop a Graphviz program that has not finished after ``seconds`` (a finite number > 0);
    ``None`` goes back to ``$CHAINRULE_DOT_TIMEOUT``, else ``TIMEOUT``.

    >>> set_timeout(30); get_timeout()
    30.0
    >>> set_timeout(None)
    """
    global _timeout
    _timeout = None if seconds is None else _seconds(seconds, "set_timeout: seconds")


def get_timeout() -> float:
    """The time limit in seconds: ``set_timeout``'s, else ``$CHAINRULE_DOT_TIMEOUT``, else
    ``TIMEOUT``. A variable that is not a number of seconds > 0 is a ``ValueError`` naming it."""
    if _timeout is not None:
        return _timeout
    text = os.environ.get(TIMEOUT_ENV_VAR, "").strip()
    if not text:
        return TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"viz: {TIMEOUT_ENV_VAR}={_clip(text, 60)!r} is not a number of seconds > 0; set it to one "
            f"(such as 30), or unset it for the default {TIMEOUT:g} s"
        )
    return value


def _seconds(value: object, what: str) -> float:
    """``value`` as a time limit: a finite number of seconds > 0, else an error naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"viz: {what} must be a number of seconds, got {type(value).__name__} {_clip(repr(value), 60)}"
        )
    try:
        good = math.isfinite(value) and value > 0
    except OverflowError:  # an int beyond the float range
        good = False
    if not good:
        raise ValueError(f"viz: {what} must be a finite number of seconds > 0, got {_clip(repr(value), 60)}")
    return float(value)


def _run(command: list[str], data: bytes, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` with ``data`` on its input. Past ``timeout`` seconds (or on any
    interruption) the program is killed with its whole process group, so the children of a
    wrapper script go too, and ``subprocess.TimeoutExpired`` is raised."""
    posix = os.name == "posix"
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=posix,  # its own process group, which a timeout kills whole
    ) as process:
        try:
            stdout, stderr = process.communicate(data, timeout=timeout)
        except BaseException:  # the timeout, or Ctrl-C: never leave the engine running
            _kill_all(process, posix)
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_all(process: subprocess.Popen[bytes], posix: bool) -> None:
    """Kill ``process`` and everything it started (its process group, on POSIX; its tree, on
    Windows), then reap it."""
    if posix:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
            os.killpg(process.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    process.kill()
    process.wait()


_MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "pdf": b"%PDF-",
    "gif": b"GIF8",
    "jpg": b"\xff\xd8",
    "jpeg": b"\xff\xd8",
}
_SVG = "{http://www.w3.org/2000/svg}svg"


def check_output(data: bytes, format: str, program: str) -> None:
    """Raise ``EngineError`` naming ``program`` unless ``data`` is a ``format`` file: SVG must
    be UTF-8 XML whose root is an ``<svg>`` element; PNG, PDF, GIF and JPEG start with their
    signature; any other format must at least not be empty.

    >>> check_output(b"hello", "svg", "/usr/bin/fake-dot")
    Traceback (most recent call last):
    ...
    viz.engine.EngineError: viz: the Graphviz engine /usr/bin/fake-dot wrote ... not SVG (not XML: ...
    """
    if format == "svg":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            _not(format, program, data, f"bytes that are not UTF-8 at byte {exc.start}")
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            _not(format, program, data, f"not XML: {exc}")
        if root.tag != _SVG:
            _not(format, program, data, f"its root element is <{root.tag}>, not <svg>")
        return
    magic = _MAGIC.get(format, b"")
    if not data or not data.startswith(magic):
        _not(format, program, data, "no output" if not data else f"no {format.upper()} signature")


def _not(format: str, program: str, data: bytes, why: str) -> NoReturn:
    start = data[:80].decode("utf-8", "replace")
    raise EngineError(
        f"viz: the Graphviz engine {program} wrote something that is not {format.upper()} ({why}); "
        f"its output starts: {start!r}"
    )


def _clip(text: str, limit: int = 2000) -> str:
    """An engine's message, at most ``limit`` characters (a huge graph can echo megabytes)."""
    return text if len(text) <= limit else text[:limit] + f" ... ({len(text) - limit} more characters)"


@functools.lru_cache(maxsize=8)
def formats(program: str) -> frozenset[str] | None:
    """The output formats ``program`` renders (graphviz-pure has no PDF, say), from its own
    list; None when it does not say. A program that does not answer within the time limit is
    an ``EngineError`` (it would hang laying the graph out too)."""
    limit = get_timeout()
    try:
        done = _run([program, "-Kdot", "-T?"], b"digraph {}", limit)
    except OSError:
        return None
    except subprocess.TimeoutExpired:
        raise EngineError(
            f"viz: {program} did not answer within {limit:g} s when asked which formats it renders "
            f"(-T?) and was stopped; point {ENV_VAR} at a working dot program, or {_MORE_TIME}"
        ) from None
    said = done.stderr.decode("utf-8", "replace")
    if "Use one of:" not in said:
        return None
    return frozenset(said.split("Use one of:", 1)[1].split())


def check_format(format: str, dot: str | os.PathLike[str] | None = None) -> None:
    """Raise ValueError, naming the formats there are, if the engine cannot render ``format``.
    Without any engine nothing is checked (the DOT source needs none); an engine that does not
    answer within the time limit is an ``EngineError``.

    >>> check_format("svg")
    >>> check_format("nope")
    Traceback (most recent call last):
    ...
    ValueError: viz: the Graphviz engine ... cannot render 'nope'; it renders: ...
    """
    known: frozenset[str] | None
    if dot is None and _in_process is not None:
        program, known = _in_process.name, _in_process.formats
    else:
        try:
            program = os.fspath(dot) if dot is not None else find_engine().path
        except EngineNotFoundError:
            return
        known = formats(program)
    if known is not None and format not in known:
        raise ValueError(
            f"viz: the Graphviz engine {program} cannot render {format!r}; it renders: "
            f"{', '.join(sorted(known))} (svg always works; for PDF and more, install a system "
            "Graphviz: apt-get install graphviz)"
        )


_GRAPHVIZ_DEFAULT = Path("dot")


def use_for_graphviz() -> Engine | None:
    """Point the ``graphviz`` package at our engine when its default ``dot`` is not the one.

    Sets ``graphviz.backend.dot_command.DOT_BINARY`` (the module global that graphviz 0.20 and
    0.21 read each time they run ``dot``) to ``$CHAINRULE_DOT`` or graphviz-pure, so that a
    ``Digraph``'s ``pipe``, ``render`` and Jupyter display work too. A value someone else has
    set is left alone. Returns the engine, or None when there is none.
    """
    from graphviz.backend import dot_command  # type: ignore[import-untyped]

    try:
        engine = find_engine()
    except EngineNotFoundError:
        return None
    if engine.how == "renderer":  # viz renders through it; the graphviz package has no program to run
        return engine
    current = Path(dot_command.DOT_BINARY)
    if current != _GRAPHVIZ_DEFAULT and current not in _set_by_us:
        return engine
    wanted = _GRAPHVIZ_DEFAULT if engine.how == "PATH" else Path(engine.path)
    if wanted != _GRAPHVIZ_DEFAULT:
        _set_by_us.add(wanted)
    dot_command.DOT_BINARY = wanted
    return engine


_set_by_us: set[Path] = set()

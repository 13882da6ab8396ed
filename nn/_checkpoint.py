"""Checkpoint files: written atomically, read with an error that names the file and the problem.

Writing never leaves a half-written file where a good one was: the JSON text is made in
memory first, written to a temporary file in the same folder, flushed and synced to disk, and
only then renamed over the target (``os.replace`` is atomic). A crash or a kill at any moment
leaves either the old file or the new one; a failure removes the temporary file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from typing import Any

from ._messages import short

PathLike = str | os.PathLike[str]


def write_json(path: PathLike, data: Any, where: str) -> None:
    """Write ``data`` as JSON to ``path`` atomically (old file or new file, never a mix)."""
    text = json.dumps(data, indent=1, sort_keys=True, allow_nan=False)
    target = os.path.realpath(path)  # through a symlink, replace the file it points to
    folder, name = os.path.split(target)
    if os.path.exists(target) and not os.access(target, os.W_OK):  # as open(path, "w") would
        raise PermissionError(13, f"{where}: {os.fspath(path)!r} is read-only; it was left as it is")
    temp, fd = _create_temp(folder, name, where)
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            pass
        else:
            os.chmod(temp, mode)  # the new file keeps the old one's permissions
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _create_temp(folder: str, name: str, where: str) -> tuple[str, int]:
    """A new temporary file next to the target (same file system, so the rename is atomic)."""
    while True:
        temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise type(error)(
                error.errno, f"{where}: cannot write {name!r} in {folder!r}: {error.strerror}"
            ) from None


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable, where the system allows syncing a folder."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: PathLike, where: str) -> Any:
    """The JSON value in ``path``, or a ``ValueError`` naming the file and what is wrong."""
    with open(path, "rb") as file:
        raw = file.read()
    shown = os.fspath(path)
    if not raw.strip():
        raise ValueError(f"{where}: {shown!r} is empty, not a checkpoint")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{where}: {shown!r} is not UTF-8 text (bad byte at offset {error.start}), "
            "so not a checkpoint written by save"
        ) from None
    try:
        data = json.loads(text, parse_constant=_Constant)
    except json.JSONDecodeError as error:
        ends_early = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        end = "truncated (the JSON ends early)" if ends_early else "damaged"
        raise ValueError(
            f"{where}: {shown!r} is not a complete checkpoint: {end}; {error.msg} at line "
            f"{error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise ValueError(f"{where}: {shown!r} nests too deeply to be a checkpoint") from None
    except ValueError as error:  # an int too long to read
        detail = str(error) if len(str(error)) <= 200 else str(error)[:197] + "..."
        raise ValueError(f"{where}: {shown!r} is not a valid checkpoint: {detail}") from None
    constants = _constants(data)
    if constants:
        entry, name = constants[0]
        more = f" (and {len(constants) - 1} more entries hold NaN or Infinity)" if len(constants) > 1 else ""
        raise ValueError(
            f"{where}: {shown!r} is not a valid checkpoint: its entry {entry} holds {name}, which is not "
            f"a finite number (nor standard JSON){more}; save never writes one: fix or remove the "
            "entry, or load an earlier checkpoint"
        )
    return data


class _Constant(float):
    """A NaN, Infinity or -Infinity read from the file, which remembers how it was written."""

    def __new__(cls, name: str) -> _Constant:
        value = super().__new__(cls, name.replace("Infinity", "inf"))
        value.written = name
        return value

    written: str


def _constants(data: Any) -> list[tuple[str, str]]:
    """(where, how it was written) of every NaN or Infinity in ``data``, in file order: a
    top-level key (a parameter's name), then ``[index]`` or ``[key]`` below it."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, _Constant):
            shown = path if len(path) <= 100 else path[:97] + "..."
            found.append((shown or "(the whole file)", item.written))
        elif isinstance(item, dict):
            inner = [(f"{path}[{short(k)}]" if path else short(k), v) for k, v in item.items()]
            stack.extend(reversed(inner))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{path}[{i}]", v) for i, v in enumerate(item)]))
    return found

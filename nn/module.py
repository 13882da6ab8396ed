"""``Module``: named parameters, freezing, zeroing and JSON state for anything built of Values."""

from __future__ import annotations

import fnmatch
import math
import os
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from autograd import Value

from ._checkpoint import read_json, write_json
from ._messages import few, short

StateDict = dict[str, float]
M = TypeVar("M", bound="Module")


class Module:
    """Base class of every model part. Parameters are found by walking attributes in order:
    a ``Value`` attribute is a parameter, a ``Module`` a child, and lists or tuples of them are
    numbered (``layers.0.neurons.1.w.0``). Attributes starting with ``_`` are private.

    A module reached twice (a shared layer, a reference back to a parent) is walked once, under
    the name it was first reached by; cycles and trees of any depth are walked without
    recursion. A dict or set holding Values or Modules is refused with a ``TypeError`` naming
    the attribute (its keys would make no stable names, and a dict of non-parameters, a cache
    say, belongs in a private ``_`` attribute): keep parameters in attributes, lists or tuples.

    ``parameters()`` lists what an optimizer should update, so frozen parameters are left out;
    ``named_parameters()`` lists everything, frozen or not.
    """

    # Frozen parameters, by identity: a parameter shared by several modules (a layer's one bias)
    # is frozen wherever it is reached from, whichever module froze it.
    _frozen: dict[int, Value]

    # --- walking --------------------------------------------------------------------------------
    def _children(self, prefix: str = "", strict: bool = True) -> Iterator[tuple[str, Any]]:
        for name, value in vars(self).items():
            if not name.startswith("_"):
                yield from _flatten(self, prefix + name, value, strict)

    def _named_all(self, prefix: str = "", strict: bool = True) -> Iterator[tuple[str, Value | Module]]:
        """Every parameter and sub-module below this one, with its dotted name, depth first in
        attribute order, each module once (never this one again); without recursion."""
        seen = {id(self)}
        stack = [self._children(prefix, strict)]
        while stack:
            for name, child in stack[-1]:
                if isinstance(child, Module):
                    if id(child) in seen:
                        continue
                    seen.add(id(child))
                    yield name, child
                    stack.append(child._children(name + ".", strict))
                    break
                yield name, child
            else:
                stack.pop()

    def _walk(self, strict: bool = True) -> Iterator[tuple[str, Value, bool]]:
        """(dotted name, parameter, frozen?) for every parameter, each once, in order."""
        everything = list(self._named_all(strict=strict))
        frozen: set[int] = set(getattr(self, "_frozen", {}))
        for _, child in everything:
            if isinstance(child, Module):
                frozen.update(getattr(child, "_frozen", {}))
        seen: set[int] = set()
        for name, child in everything:
            if isinstance(child, Value) and id(child) not in seen:
                seen.add(id(child))
                yield name, child, id(child) in frozen

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, frozen ones included, in a stable order."""
        return [(name, param) for name, param, _ in self._walk()]

    def parameters(self) -> list[Value]:
        """The trainable parameters: what an optimizer should update (frozen ones left out)."""
        return [param for _, param, frozen in self._walk() if not frozen]

    def frozen_names(self) -> list[str]:
        """Names of the parameters that ``parameters()`` leaves out."""
        return [name for name, _, frozen in self._walk() if frozen]

    # --- freezing -------------------------------------------------------------------------------
    def freeze(self: M, *patterns: str) -> M:
        """Exclude parameters from ``parameters()`` (so from optimizers); returns ``self``.

        Patterns are shell-style over dotted names (``"layers.0.*"``, ``"*.b"``); no pattern
        freezes everything. A pattern that matches nothing is an error, not a silent no-op.
        """
        params = dict(self.named_parameters())
        chosen = _match(list(params), patterns, "freeze")
        if "_frozen" not in vars(self):
            self._frozen = {}
        self._frozen.update((id(params[name]), params[name]) for name in chosen)
        return self

    def unfreeze(self: M, *patterns: str) -> M:
        """Undo ``freeze`` for the matching parameters (all, with no pattern), whichever module
        below this one froze them; returns ``self``."""
        params = dict(self.named_parameters())
        chosen = {id(params[name]) for name in _match(list(params), patterns, "unfreeze")}
        modules = [self] + [child for _, child in self._named_all() if isinstance(child, Module)]
        for module in modules:
            for key in chosen & set(getattr(module, "_frozen", {})):
                del module._frozen[key]
        return self

    # --- gradients and labels -------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0, frozen ones included."""
        for _, param in self.named_parameters():
            param.grad = 0.0

    def label_parameters(self, prefix: str = "") -> None:
        """Label every parameter with its dotted name (``layers.0.neurons.1.w.0``), instead of
        the textbook labels layers give their parameters (``w1_2,1``)."""
        for name, param in self.named_parameters():
            param.label = prefix + name

    # --- state ----------------------------------------------------------------------------------
    def state_dict(self) -> StateDict:
        """Parameter values by name: plain JSON-compatible data."""
        return {name: param.data for name, param in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set parameters from ``state``; any missing, extra or non-number entry is an error,
        and then nothing is changed. The error lists a few names of each kind, and how many more."""
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state]
        extra = [key for key in state if key not in params]
        problems = []
        if missing:
            problems.append(f"missing [{few(missing)}]")
        if extra:
            problems.append(f"unexpected [{few(extra)}]")
        bad = [
            (name, reason)
            for name in params
            if name in state and (reason := _not_a_finite_number(state[name])) is not None
        ]
        for name, reason in bad[:_SHOWN]:
            problems.append(f"{name!r} must be a finite number, got {reason}")
        if len(bad) > _SHOWN:
            problems.append(f"and {len(bad) - _SHOWN} more parameter(s) that are not finite numbers")
        if problems:
            raise ValueError(f"load_state_dict: {'; '.join(problems)}; nothing was loaded")
        for name, param in params.items():
            param.data = float(state[name])

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state as JSON, atomically: the file on disk is always a complete
        checkpoint, the old one or the new one, even if the process is killed while saving.

        Every parameter must be a finite number; otherwise nothing is written and the error
        names the parameter (an ``inf`` after a diverged step would make a file ``load``
        refuses).
        """
        state: dict[str, float] = {}
        for name, param in self.named_parameters():
            reason = _not_a_finite_number(param.data)
            if reason is not None:
                number = _is_number(param.data)
                kind = "" if number else f" (a {type(param.data).__name__})"
                raise (ValueError if number else TypeError)(
                    f"save: parameter {name!r} is {reason}{kind}, not a finite number; "
                    f"{os.fspath(path)!r} was not written"
                )
            state[name] = float(param.data)
        write_json(path, state, "save")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read a state written by ``save`` (checked like ``load_state_dict``). An empty,
        truncated, non-UTF-8 or otherwise malformed file is a ``ValueError`` naming the file and
        what is wrong with it; then nothing is changed."""
        state = read_json(path, "load")
        if not isinstance(state, dict):
            raise ValueError(
                f"load: {os.fspath(path)!r} holds a JSON {_json_kind(state)}, not a checkpoint "
                "(an object of parameter names to numbers)"
            )
        try:
            self.load_state_dict(state)
        except ValueError as error:
            raise ValueError(f"load: {os.fspath(path)!r}: {error}") from None

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Frozen parameters are kept by identity: re-key them for the copy (pickle, deepcopy).
        vars(self).update(state)
        if "_frozen" in state:
            self._frozen = {id(param): param for param in state["_frozen"].values()}

    def __repr__(self) -> str:
        n = sum(1 for _ in self._walk(strict=False))  # a repr never raises
        return f"{type(self).__name__}({n} parameters)"


_SHOWN = 5  # bad entries an error message lists before "and N more"


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _not_a_finite_number(x: object) -> str | None:
    """None for a finite int or float; otherwise what ``x`` is, shortly."""
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return short(x)
    try:
        finite = math.isfinite(x)
    except OverflowError:  # an int beyond the float range
        return f"an int of {int(x).bit_length()} bits, too large for a float"
    return None if finite else repr(x)


def _json_kind(x: object) -> str:
    kinds = {list: "list", str: "string", bool: "boolean", type(None): "null"}
    return kinds.get(type(x), "number")


def _flatten(owner: Module, name: str, value: Any, strict: bool) -> Iterator[tuple[str, Any]]:
    """The Values and Modules in attribute ``name``: itself, or the items of a list or tuple
    (nested ones too, numbered), each list once; a dict or set that holds any is an error."""
    stack: list[tuple[str, Any]] = [(name, value)]
    seen: set[int] = set()
    while stack:
        name, value = stack.pop()
        if isinstance(value, (Value, Module)):
            yield name, value
        elif isinstance(value, (list, tuple)):
            if id(value) not in seen:  # a list that holds itself
                seen.add(id(value))
                stack.extend(reversed([(f"{name}.{i}", item) for i, item in enumerate(value)]))
        elif strict and isinstance(value, (dict, set, frozenset)):
            _refuse_unnamed(owner, name, value)


def _refuse_unnamed(owner: Module, name: str, container: dict[Any, Any] | set[Any] | frozenset[Any]) -> None:
    """Raise TypeError naming the attribute if ``container`` holds a Value or a Module
    anywhere (such a parameter would silently be neither trained, frozen nor saved)."""
    stack: list[tuple[str, Any]] = [("", container)]
    seen: set[int] = set()
    while stack:
        path, item = stack.pop()
        if isinstance(item, (Value, Module)):
            kind = "Value" if isinstance(item, Value) else f"Module ({type(item).__name__})"
            what = "a dict" if isinstance(container, dict) else "a set"
            private = "_" + name.rsplit(".", 1)[-1]
            raise TypeError(
                f"{type(owner).__name__}: attribute {name!r} is {what} holding a {kind} "
                f"(at {_clip(name + path)}); parameters are found only in attributes, lists and "
                "tuples, so it would be neither trained, frozen nor saved. Keep it in a list or a "
                f"tuple, or as an attribute of its own; if it is not a parameter, name the attribute "
                f"{private!r} (private)"
            )
        if id(item) in seen:
            continue
        if isinstance(item, dict):
            seen.add(id(item))
            stack.extend(reversed([(f"{path}[{short(k, 40)}]", v) for k, v in item.items()]))
        elif isinstance(item, (list, tuple, set, frozenset)):
            seen.add(id(item))
            stack.extend(reversed([(f"{path}[{i}]", v) for i, v in enumerate(item)]))


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _match(names: list[str], patterns: tuple[str, ...], where: str) -> set[str]:
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise TypeError(
                f"{where}: patterns must be strings, shell-style over dotted names (such as '*.b' "
                f"or 'layers.0.*'), got {type(pattern).__name__} {short(pattern)}"
            )
    if not patterns:
        return set(names)
    chosen: set[str] = set()
    for pattern in patterns:
        hits = fnmatch.filter(names, pattern)
        if not hits:
            raise ValueError(
                f"{where}: pattern {pattern!r} matches no parameter; names look like {names[:3]}"
            )
        chosen.update(hits)
    return chosen

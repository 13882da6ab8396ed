"""Saved state is never lost nor silently wrong: atomic checkpoints, files that ``load`` explains
when they are broken, optimizers whose moments cannot overflow unnoticed, and ``fit`` that
refuses to train nothing."""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, enable_grad, no_grad
from nn import MLP, SGD, Adam, AdamW, Module, fit, half_squared_error

from ..builds import assigned

MESSAGE_LIMIT = 400  # characters: an error message stays readable whatever the file holds


def net() -> MLP:
    return MLP(2, [3, 1], seed=0)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- save: checked first, then atomic -------------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "error", "shown"),
    [
        (math.inf, ValueError, "inf"),
        (-math.inf, ValueError, "-inf"),
        (math.nan, ValueError, "nan"),
        ("0.5", TypeError, r"'0\.5' \(a str\)"),
        (None, TypeError, r"None \(a NoneType\)"),
        (10**400, ValueError, r"an int of 1329 bits, too large for a float"),
    ],
    ids=["inf", "-inf", "nan", "str", "None", "huge int"],
)
def test_save_refuses_a_bad_parameter_before_touching_the_file(
    tmp_path: Path, bad: Any, error: type[Exception], shown: str
) -> None:
    model = net()
    path = tmp_path / "model.json"
    model.save(path)
    before = path.read_bytes()
    if not assigned(model.layers[1].neurons[0].w[2], "data", bad):
        return
    with pytest.raises(
        error, match=rf"save: parameter 'layers\.1\.neurons\.0\.w\.2' is {shown}.*not written"
    ):
        model.save(path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_save_that_fails_midway_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    model = net()
    path = tmp_path / "model.json"
    model.save(path)
    before = path.read_bytes()
    for p in model.parameters():
        p.data += 1.0

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    if failing == "write":  # the disk fills up after half the text is written
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self.file = real_fdopen(*args, **kwargs)

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *exc: object) -> None:
                self.file.close()

            def write(self, text: str) -> int:
                self.file.write(text[: len(text) // 2])
                self.file.flush()
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fdopen", HalfWriter)
    else:
        monkeypatch.setattr(os, failing, broken)
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_save_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    model = net()
    path = tmp_path / "model.json"
    path.write_text("old")
    path.chmod(0o640)
    model.save(path)
    assert path.stat().st_mode & 0o777 == 0o640
    fresh = net()
    for p in fresh.parameters():
        p.data = 0.0
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()
    assert leftovers(tmp_path) == []


def test_save_leaves_a_read_only_checkpoint_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file its owner may not write (as ``open(path, "w")`` would refuse) is never replaced,
    although a rename could replace it. The system's answer is stood in for: as root, every
    file is writable."""
    path = tmp_path / "model.json"
    net().save(path)
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode))
    changed = net()
    changed.parameters()[0].data = 123.0
    with pytest.raises(PermissionError, match=r"save: .*model.json' is read-only"):
        changed.save(path)
    assert path.read_bytes() == before and leftovers(tmp_path) == []


def test_saving_through_a_symlink_updates_the_target(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    net().save(target)
    link.symlink_to(target)
    model = net()
    model.layers[0].neurons[0].b.data = 7.0  # type: ignore[union-attr]
    model.save(link)
    assert link.is_symlink()
    assert json.loads(target.read_text())["layers.0.neurons.0.b"] == 7.0


# --- kill -9 while saving ---------------------------------------------------------------------------
# The child saves version 1, says so, then saves versions 2, 3, ... until it is killed. With
# "slow-sync" it then stalls in its next fsync (a slow disk), so that the kill is sure to land
# after the new checkpoint is written but before it replaces the old one.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from autograd import Value
    from nn import Module

    class Big(Module):
        def __init__(self, n):
            self.w = [Value(0.0) for _ in range(n)]

    def slow_fsync(fd, real=os.fsync):
        print("syncing", flush=True)
        time.sleep(60)
        real(fd)

    model = Big(int(sys.argv[2]))
    version = 0
    while True:
        version += 1
        for p in model.w:
            p.data = float(version)
        model.save(sys.argv[1])
        if version == 1:
            print("saved", flush=True)
            if sys.argv[3] == "slow-sync":
                os.fsync = slow_fsync
    """
)


def test_a_process_killed_while_saving_always_leaves_a_complete_checkpoint(tmp_path: Path) -> None:
    size = 40_000  # a save then takes a good part of a tenth of a second
    path = tmp_path / "big.json"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    rng = random.Random(0)
    for mode in ["random"] * 6 + ["slow-sync"] * 2:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(size), mode], stdout=subprocess.PIPE, env=env
        )
        assert child.stdout is not None
        watchdog = threading.Timer(20.0, child.kill)  # a child that never says so fails the test
        watchdog.start()
        try:
            assert child.stdout.readline() == b"saved\n"
            if mode == "random":
                time.sleep(rng.uniform(0.0, 0.3))
            else:
                assert child.stdout.readline() == b"syncing\n"
        finally:
            watchdog.cancel()
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        state = json.loads(path.read_text(encoding="utf-8"))  # complete JSON, never a torn file
        assert len(state) == size
        versions = set(state.values())
        assert len(versions) == 1  # all of one version: the old file or the new one
        if mode == "slow-sync":
            assert versions == {1.0}  # killed before the rename: the previous checkpoint
    # What a kill inside a save leaves is its hidden temporary file, next to the checkpoint.
    assert len(leftovers(tmp_path)) >= 2
    assert {p.name for p in tmp_path.iterdir()} - set(leftovers(tmp_path)) == {"big.json"}


# --- load: every malformed file is named, with what is wrong --------------------------------------
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b'{"layers.0.neurons.0.w.0": 0.5, "layers', r"not a complete checkpoint: truncated"),
        (b'{"a": 1} trailing', r"not a complete checkpoint: damaged; Extra data"),
        (b"\xff\xfe{}", r"not UTF-8 text \(bad byte at offset 0\)"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nests too deeply"),
        (b"[1, 2]", "holds a JSON list, not a checkpoint"),
        (b'"text"', "holds a JSON string, not a checkpoint"),
        (b"null", "holds a JSON null, not a checkpoint"),
        (b"3.5", "holds a JSON number, not a checkpoint"),
        (b'{"a": NaN}', "holds NaN, which is not a finite number"),
        (b'{"a": Infinity}', "holds Infinity, which is not a finite number"),
        (b'{"a": ' + b"7" * 5000 + b"}", r"not a valid checkpoint: Exceeds the limit"),
        (b'{"a": 1e999}', r"missing \['layers\.0\.neurons\.0\.b', .* and 8 more\]; unexpected \['a'\]"),
    ],
    ids=lambda x: x[:40] if isinstance(x, bytes) else None,
)
def test_load_names_the_file_and_the_problem(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    model = net()
    before = model.state_dict()
    with pytest.raises(ValueError, match=problem) as caught:
        model.load(path)
    message = str(caught.value)
    assert message.startswith(f"load: {str(path)!r}")
    assert len(message) <= MESSAGE_LIMIT
    assert model.state_dict() == before


def test_load_of_a_wrong_value_names_the_parameter(tmp_path: Path) -> None:
    model = net()
    state: dict[str, Any] = dict(model.state_dict())
    state["layers.0.neurons.1.w.0"] = "OVERFLOW"
    state["layers.1.neurons.0.b"] = {"nested": [1, 2]}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(state).replace('"OVERFLOW"', "1e999"))  # a number JSON reads as inf
    with pytest.raises(ValueError) as caught:
        model.load(path)
    message = str(caught.value)
    assert "'layers.0.neurons.1.w.0' must be a finite number, got inf" in message
    assert "'layers.1.neurons.0.b' must be a finite number, got {'nested': [1, 2]}" in message


def test_saving_into_a_missing_folder_names_the_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"save: cannot write 'model\.json' in '.*nowhere'"):
        net().save(tmp_path / "nowhere" / "model.json")


def test_a_missing_file_is_an_os_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(FileNotFoundError, match=r"nowhere\.json"):
        net().load(path)


def test_huge_numbers_of_extra_keys_give_a_short_message(tmp_path: Path) -> None:
    model = net()
    state: dict[str, Any] = dict(model.state_dict())
    state.update({f"extra.{i}": float(i) for i in range(200_000)})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match=r"unexpected \['extra\.0', .* and 199995 more\]") as caught:
        model.load(path)
    assert len(str(caught.value)) <= MESSAGE_LIMIT


def test_mixed_type_and_huge_keys_give_a_short_message_naming_them() -> None:
    model = net()
    state: dict[Any, Any] = dict(model.state_dict())
    del state["layers.0.neurons.0.b"]
    state.update({1: 2.0, None: 3.0, ("a", 1): 4.0, "k" * 1_000_000: 5.0, "x": "y" * 1_000_000})
    with pytest.raises(ValueError) as caught:
        model.load_state_dict(state)
    message = str(caught.value)
    assert "missing ['layers.0.neurons.0.b']" in message
    assert "1, None" in message and "('a', 1)" in message and "'kkkk" in message
    assert len(message) <= MESSAGE_LIMIT


def test_many_bad_values_are_counted_not_all_listed() -> None:
    model = MLP(4, [50, 50, 1], seed=0)
    state = {name: "bad" for name in model.state_dict()}
    with pytest.raises(
        ValueError, match=r"and \d+ more parameter\(s\) that are not finite numbers"
    ) as caught:
        model.load_state_dict(state)
    assert len(str(caught.value)) <= MESSAGE_LIMIT


def test_optimizer_state_with_mixed_type_keys_names_them() -> None:
    opt = Adam(net().parameters())
    state: dict[Any, Any] = opt.state_dict()
    del state["m"]
    state.update({1: 2, None: 3})
    with pytest.raises(ValueError, match=r"Adam\.load_state_dict: .*missing \['m'\]; unexpected \[1, None\]"):
        opt.load_state_dict(state)


def test_optimizer_state_with_many_keys_gives_a_short_message() -> None:
    opt = Adam(net().parameters())
    state: dict[Any, Any] = opt.state_dict()
    state.update({f"k{i}": i for i in range(100_000)})
    with pytest.raises(ValueError, match=r"unexpected \['k0', .* and 99995 more\]") as caught:
        opt.load_state_dict(state)
    assert len(str(caught.value)) <= MESSAGE_LIMIT


def test_optimizer_state_with_a_huge_buffer_gives_a_short_message() -> None:
    opt = SGD(net().parameters(), lr=0.1, momentum=0.9)
    state = opt.state_dict()
    state["velocity"] = [0.0] * 1_000_000
    with pytest.raises(ValueError, match=r"'velocity' needs 13 numbers, got 1000000 numbers") as caught:
        opt.load_state_dict(state)
    assert len(str(caught.value)) <= MESSAGE_LIMIT


# --- optimizers: moments and parameters never overflow silently -----------------------------------
@pytest.mark.parametrize(
    ("make", "where", "what"),
    [
        (lambda ps: Adam(ps), r"Adam step 1", "the v buffer would overflow"),
        (lambda ps: AdamW(ps), r"AdamW step 1", "the v buffer would overflow"),
        (lambda ps: SGD(ps, lr=1e200), r"SGD", "its new value would overflow"),
        (lambda ps: SGD(ps, lr=1e200, momentum=0.9), r"SGD", "its new value would overflow"),
    ],
    ids=["Adam", "AdamW", "SGD", "SGD+momentum"],
)
def test_a_huge_finite_gradient_is_a_clear_error_and_changes_nothing(
    make: Any, where: str, what: str
) -> None:
    params = [Value(1.0, label="w1"), Value(2.0, label="w2")]
    opt = make(params)
    params[0].grad, params[1].grad = 0.5, 1e200
    before = (opt.state_dict(), [p.data for p in params])
    with pytest.raises(OverflowError, match=rf"{where}: parameter params\[1\] \('w2'\): {what}"):
        opt.step()
    assert (opt.state_dict(), [p.data for p in params]) == before
    json.dumps(opt.state_dict(), allow_nan=False)  # the state stays finite, so it can be saved


def test_a_non_finite_gradient_is_named() -> None:
    p = Value(1.0)
    p.grad = math.nan
    with pytest.raises(OverflowError, match=r"Adam step 1: parameter params\[0\]: its gradient is nan"):
        Adam([p]).step()


@given(grads=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=4))
def test_adam_state_is_finite_or_the_step_is_refused(grads: list[float]) -> None:
    params = [Value(0.5) for _ in grads]
    opt = Adam(params, lr=0.1)
    for _ in range(2):
        for p, g in zip(params, grads):
            p.grad = g
        before = (opt.state_dict(), [p.data for p in params])
        try:
            opt.step()
        except OverflowError:
            assert (opt.state_dict(), [p.data for p in params]) == before
        state = opt.state_dict()
        assert all(map(math.isfinite, state["m"] + state["v"] + [p.data for p in params]))


# --- fit under no_grad --------------------------------------------------------------------------------
def test_fit_under_no_grad_is_a_clear_error() -> None:
    model = MLP(1, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    with no_grad(), pytest.raises(RuntimeError, match=r"fit: called inside no_grad\(\).*enable_grad"):
        fit(model, [[1.0]], [[2.0]], half_squared_error, opt, epochs=2, progress=False)
    assert model.state_dict() == before


def test_fit_under_enable_grad_inside_no_grad_trains() -> None:
    model = MLP(1, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    with no_grad(), enable_grad():
        history = fit(model, [[1.0]], [[2.0]], half_squared_error, opt, epochs=5, progress=False)
    assert history.loss[-1] < history.loss[0]


# --- a Module of a user's own: the same guarantees -------------------------------------------------
class Pair(Module):
    def __init__(self) -> None:
        self.a = Value(1.0)
        self.b = Value(2.0)


def test_a_user_module_round_trips_through_a_file(tmp_path: Path) -> None:
    model = Pair()
    model.b.data = -3.25
    model.save(tmp_path / "pair.json")
    loaded = Pair()
    loaded.load(tmp_path / "pair.json")
    assert loaded.state_dict() == {"a": 1.0, "b": -3.25}

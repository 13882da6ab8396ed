"""``no_grad``: nothing recorded inside, per thread; ``fast_build``: the collector paused inside."""

from __future__ import annotations

import threading

import pytest

from autograd import Value, enable_grad, is_recording, no_grad


def test_no_grad_records_no_graph() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_recording()
        y = (x * 3).tanh() + Value.linear([x], [1.0], 0.5)
    assert is_recording()
    assert y.parents == () and y.local_grads == () and y.is_leaf
    y.backward()
    assert x.grad == 0.0


def test_enable_grad_inside_no_grad() -> None:
    with no_grad(), enable_grad():
        y = Value(2.0) * 3
    assert y.op == "mul"


def test_no_grad_is_restored_after_an_exception() -> None:
    try:
        with no_grad():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert is_recording()


def test_no_grad_in_one_thread_does_not_affect_another() -> None:
    inside = threading.Event()
    release = threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with no_grad():
            inside.set()
            release.wait(5)
            seen.append(is_recording())

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    y = Value(1.0) * 2  # main thread still records
    release.set()
    thread.join(5)
    assert y.op == "mul" and seen == [False]


def test_fast_build_pauses_the_collector_and_restores_the_users_setting() -> None:
    import gc

    from autograd import fast_build

    assert gc.isenabled()
    with fast_build():
        assert not gc.isenabled()
        with fast_build():  # nested: the inner block restores what it found (paused)
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), fast_build():
        Value(1.0) / 0
    assert gc.isenabled()  # restored on an exception too
    gc.disable()
    try:
        with fast_build():
            pass
        assert not gc.isenabled()  # a user who had it off keeps it off
    finally:
        gc.enable()

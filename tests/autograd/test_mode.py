"""``no_grad``: nothing recorded inside, per thread."""

from __future__ import annotations

import threading

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

"""Optimizers: ``SGD`` (with momentum and weight decay), ``Adam`` and ``AdamW``.

Each updates the ``data`` of the parameters it was given from their ``grad``, keeps its state
as plain numbers (``state_dict`` / ``load_state_dict``), and names PyTorch's methods:
``step()`` and ``zero_grad()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Value

from ._checks import is_count, is_finite_number
from ._messages import few, short

_isfinite = math.isfinite
_MAX_COUNT = 2**53  # a step counter beyond this is no count of real steps (nor exact as a float)


def _positive(x: float, name: str, where: str, allow_zero: bool = False) -> float:
    if not is_finite_number(x) or x < 0 or (x == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{where}: {name} must be a finite number {bound}, got {short(x)}")
    return float(x)


class Optimizer:
    """Holds the parameters and the learning rate; subclasses define ``step``."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        where = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{where}: got no parameters to optimize")
        seen: set[int] = set()
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{where}: parameters must be Values, got {type(p).__name__} {short(p)}")
            if id(p) in seen:
                raise ValueError(f"{where}: parameter {p!r} is listed twice")
            seen.add(id(p))
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate: a finite number > 0, checked whenever it is set (by hand, or by
        ``fit``'s ``lr_schedule``); a refused value leaves the old one."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _positive(value, "lr", type(self).__name__)

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its gradient."""
        raise NotImplementedError

    def _refuse_step(
        self, buffers: dict[str, list[float]], values: list[float], step: int | None = None
    ) -> None:
        """Raise the error for a step whose new state is not finite, naming the first parameter
        concerned and what overflowed; the step has changed nothing."""
        where = type(self).__name__ if step is None else f"{type(self).__name__} step {step}"
        for i, p in enumerate(self.params):
            name = f"params[{i}]" + (f" ({p.label!r})" if p.label else "")
            if not _isfinite(p.grad):
                problem = f"its gradient is {p.grad!r}"
            else:
                broken = [k for k, buffer in buffers.items() if not _isfinite(buffer[i])]
                if broken:
                    problem = (
                        f"the {' and '.join(broken)} buffer would overflow a float "
                        f"(gradient {p.grad!r}, value {p.data!r})"
                    )
                elif not _isfinite(values[i]):
                    problem = f"its new value would overflow a float (gradient {p.grad!r})"
                else:
                    continue
            raise OverflowError(
                f"{where}: parameter {name}: {problem}; nothing was updated. A gradient this "
                "large usually means training diverged: lower lr, or clip or rescale the loss"
            )

    # State: the constructor's hyper-parameters, step counters and per-parameter buffers, all
    # plain numbers. Loading builds a fresh optimizer from the hyper-parameters first, so the
    # constructor's own checks vet them before anything is assigned.
    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def _counters(self) -> dict[str, int]:
        return {}

    def _buffers(self) -> dict[str, list[float]]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        """Hyper-parameters, counters and buffers, JSON-compatible."""
        return {
            "type": type(self).__name__,
            **self._hyper(),
            **self._counters(),
            **{k: list(v) for k, v in self._buffers().items()},
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a state from ``state_dict`` (checked first; on error nothing changes)."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where}: expected a mapping, got {type(state).__name__}")
        if state.get("type") != type(self).__name__:
            raise ValueError(f"{where}: state is for {short(state.get('type'))}, not {type(self).__name__!r}")
        expected = {"type", *self._hyper(), *self._counters(), *self._buffers()}
        if set(state) != expected:
            missing = [k for k in expected if k not in state]
            extra = [k for k in state if k not in expected]
            found = "; ".join(
                f"{kind} [{few(keys)}]"
                for kind, keys in (("missing", missing), ("unexpected", extra))
                if keys
            )
            raise ValueError(f"{where}: expected keys [{few(expected, len(expected))}]; {found}")
        try:
            fresh = type(self)(self.params, **{k: state[k] for k in self._hyper()})
        except (TypeError, ValueError) as error:
            raise ValueError(f"{where}: {error}") from None
        for key in self._counters():
            count = state[key]
            if not is_count(count, 0):
                raise ValueError(f"{where}: {key!r} must be an int >= 0, got {short(count)}")
            if count > _MAX_COUNT:
                raise ValueError(
                    f"{where}: {key!r} must be at most 2**53 (it counts steps, and no training takes "
                    f"that many), got {short(count)}; was the state edited by hand?"
                )
        for key in self._buffers():
            buffer = state[key]
            if not isinstance(buffer, list) or len(buffer) != len(self.params):
                got = f"{len(buffer)} numbers" if isinstance(buffer, list) else short(buffer)
                raise ValueError(f"{where}: {key!r} needs {len(self.params)} numbers, got {got}")
            for i, x in enumerate(buffer):
                if not is_finite_number(x):
                    raise ValueError(f"{where}: {key!r}[{i}] holds {short(x)}, not a finite number")
        for key in self._hyper():
            setattr(self, key, getattr(fresh, key))
        for key in self._counters():
            setattr(self, key, state[key])
        for key in self._buffers():
            setattr(self, key, [float(x) for x in state[key]])


class SGD(Optimizer):
    """p ← p − lr·v, with v = momentum·v + (grad + weight_decay·p) (v = the gradient if momentum is 0);
    with ``nesterov``, p ← p − lr·(g + momentum·v), the step looking ahead along the new velocity
    (PyTorch's conventions).

    >>> p = Value(0.40); p.grad = 0.082167041
    >>> SGD([p], lr=0.5).step(); round(p.data, 8)
    0.35891648
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _positive(momentum, "momentum", "SGD", allow_zero=True)
        self.weight_decay = _positive(weight_decay, "weight_decay", "SGD", allow_zero=True)
        if not isinstance(nesterov, bool) or (nesterov and not self.momentum):
            raise ValueError(f"SGD: nesterov needs a momentum above 0 and is True or False, got {nesterov!r}")
        self.nesterov = nesterov
        self.velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once (none, if any result would not be finite)."""
        lr, momentum, decay = self.lr, self.momentum, self.weight_decay
        velocity = list(self.velocity)
        values = []
        for i, p in enumerate(self.params):
            g = p.grad + decay * p.data
            if momentum:
                velocity[i] = momentum * velocity[i] + g
                g = g + momentum * velocity[i] if self.nesterov else velocity[i]
            values.append(p.data - lr * g)
        if not (all(map(_isfinite, values)) and all(map(_isfinite, velocity))):
            self._refuse_step({"velocity": velocity}, values)
        self.velocity = velocity
        for p, value in zip(self.params, values):
            p.data = value

    def _hyper(self) -> dict[str, Any]:
        hyper = {"lr": self.lr, "momentum": self.momentum, "weight_decay": self.weight_decay}
        return {**hyper, "nesterov": True} if self.nesterov else hyper  # states saved before load

    def _buffers(self) -> dict[str, list[float]]:
        return {"velocity": self.velocity}


class Adam(Optimizer):
    """Adam (Kingma & Ba): moment estimates m, v; with ``bias_correction`` (the paper's default)
    they are divided by 1 − β^t before the step p ← p − lr·m̂/(√v̂ + eps). ``weight_decay`` adds
    weight_decay·p to the gradient (L2), as PyTorch's Adam does."""

    decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        bias_correction: bool = True,
    ) -> None:
        super().__init__(params, lr)
        where = type(self).__name__
        if len(betas) != 2 or not all(isinstance(b, (int, float)) and 0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{where}: betas must be two numbers in [0, 1), got {short(betas)}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = _positive(eps, "eps", where)  # > 0: v is 0 wherever a gradient has been 0
        self.weight_decay = _positive(weight_decay, "weight_decay", where, allow_zero=True)
        if not isinstance(bias_correction, bool):
            raise ValueError(f"{where}: bias_correction must be True or False, got {short(bias_correction)}")
        self.bias_correction = bias_correction
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once (none, if any result would not be finite)."""
        beta1, beta2 = self.betas
        lr, decay, eps = self.lr, self.weight_decay, self.eps
        t = self.t + 1
        c1 = 1.0 - beta1**t if self.bias_correction else 1.0
        c2 = 1.0 - beta2**t if self.bias_correction else 1.0
        m = list(self.m)
        v = list(self.v)
        values = []
        for i, p in enumerate(self.params):
            g = p.grad
            data = p.data
            if decay:
                if self.decoupled:
                    data -= lr * decay * data
                else:
                    g = g + decay * data
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            values.append(data - lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps))
        if not (all(map(_isfinite, values)) and all(map(_isfinite, v))):
            self._refuse_step({"m": m, "v": v}, values, step=t)
        self.t, self.m, self.v = t, m, v
        for p, value in zip(self.params, values):
            p.data = value

    def _hyper(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "bias_correction": self.bias_correction,
        }

    def _counters(self) -> dict[str, int]:
        return {"t": self.t}

    def _buffers(self) -> dict[str, list[float]]:
        return {"m": self.m, "v": self.v}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p ← p − lr·weight_decay·p before
    the Adam step, instead of adding weight_decay·p to the gradient."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        bias_correction: bool = True,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, bias_correction)

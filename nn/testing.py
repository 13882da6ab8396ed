"""Property-testing ``nn`` modules with hypothesis: ``networks()`` draws small networks with a
loss and data, to check with ``autograd.testing.check_module``.

>>> from hypothesis import given, settings
>>> from autograd.testing import check_module
>>> from nn.testing import networks
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from autograd import Value
from autograd.testing import values

from . import losses as losses_module
from .layers import MLP

__all__ = ["Network", "networks"]


@dataclass
class Network:
    """A small network to check: ``loss([model(x) for x in X], y)`` is its loss. Unpacks as
    ``model, loss, X, y`` (the arguments of ``check_module``)."""

    model: Any
    loss: Callable[[Any, Any], Value]
    X: list[list[float]]
    y: list[Any]
    description: str = field(default="", compare=False)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.model, self.loss, self.X, self.y))

    def __repr__(self) -> str:
        return f"Network({self.description}, X={self.X!r}, y={self.y!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how hypothesis prints an example
        printer.text(repr(self))


@st.composite
def _networks(
    draw: st.DrawFn,
    max_inputs: int,
    max_width: int,
    max_layers: int,
    max_samples: int,
    losses: tuple[str, ...],
) -> Network:
    n_in = draw(st.integers(1, max_inputs), label="inputs")
    hidden = draw(st.lists(st.integers(1, max_width), max_size=max_layers - 1), label="hidden widths")
    loss_name = draw(st.sampled_from(losses), label="loss")
    n_out = draw(st.integers(2, max_width) if loss_name == "cross_entropy" else st.integers(1, max_width))
    if loss_name == "binary_cross_entropy":
        n_out = 1
    activation = draw(st.sampled_from(("tanh", "sigmoid", "softplus")), label="activation")
    output_activation = draw(st.sampled_from(("identity", "tanh", "sigmoid")), label="output activation")
    if loss_name in ("cross_entropy", "binary_cross_entropy"):
        output_activation = "identity"  # logits
    model = MLP(
        n_in,
        [*hidden, n_out],
        activation=activation if activation != "softplus" else (lambda v: v.softplus()),
        output_activation=output_activation,
        seed=draw(st.integers(0, 2**16), label="seed"),
        squeeze=n_out == 1,
    )
    if draw(st.booleans(), label="freeze the first layer's biases") and model.named_parameters():
        first = [
            name for name, _ in model.named_parameters() if name.startswith("layers.0.") and ".b" in name
        ]
        if first:
            model.freeze(*first)
    n = draw(st.integers(1, max_samples), label="samples")
    X = [[draw(values(-2.0, 2.0)) for _ in range(n_in)] for _ in range(n)]
    y: list[Any]
    if loss_name == "cross_entropy":
        y = [draw(st.integers(0, n_out - 1)) for _ in range(n)]
    elif loss_name == "binary_cross_entropy":
        y = [draw(st.sampled_from((0.0, 1.0))) for _ in range(n)]
    elif n_out == 1:
        y = [draw(values(-1.0, 1.0)) for _ in range(n)]
    else:
        y = [[draw(values(-1.0, 1.0)) for _ in range(n_out)] for _ in range(n)]
    loss = getattr(losses_module, loss_name)
    sizes = "-".join(str(k) for k in (n_in, *hidden, n_out))
    description = f"MLP {sizes}, {activation} hidden, {output_activation} output, {loss_name}"
    return Network(model, loss, X, y, description)


def networks(
    max_inputs: int = 3,
    max_width: int = 3,
    max_layers: int = 2,
    max_samples: int = 3,
    losses: Sequence[str] = ("mse", "half_squared_error", "cross_entropy", "binary_cross_entropy"),
) -> st.SearchStrategy[Network]:
    """Small ``nn.MLP``s (smooth activations, seeded weights, sometimes a frozen bias) with a
    loss from ``losses`` (names in ``nn``) and a batch of data that suits it (class indices for
    ``cross_entropy``, 0/1 for ``binary_cross_entropy``, numbers otherwise).

    >>> from hypothesis import given, settings
    >>> from autograd.testing import check_module
    >>> @settings(max_examples=5)
    ... @given(networks())
    ... def test_networks(network):
    ...     check_module(*network)
    >>> test_networks()
    """
    if min(max_inputs, max_width, max_layers, max_samples) < 1:
        raise ValueError("networks: every maximum must be at least 1")
    return _networks(max_inputs, max_width, max_layers, max_samples, tuple(losses))

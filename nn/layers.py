"""``Neuron``, ``Layer`` and ``MLP``: a neuron's pre-activation is ONE node, ``w·x + b``.

Weights come either from explicit numbers (to reproduce a worked example) or from a seeded
``random.Random`` with a chosen initialisation.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Sequence
from math import isfinite
from operator import attrgetter
from typing import Any, NoReturn, cast

from autograd import Value, is_recording
from autograd.display import svg_for_display
from autograd.ops import float_dot

from ._checks import finite_number, is_count
from .activations import Elementwise, FloatForm, float_form, identity, relu, resolve
from .module import Module

Input = Value | float | int
Init = str | Callable[[int, int, random.Random], float]


def _uniform(fan_in: int, fan_out: int, rng: random.Random) -> float:
    return rng.uniform(-1.0, 1.0)


def _xavier(fan_in: int, fan_out: int, rng: random.Random) -> float:
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound)


def _he(fan_in: int, fan_out: int, rng: random.Random) -> float:
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound)


INITS: dict[str, Callable[[int, int, random.Random], float]] = {
    "uniform": _uniform,  # U(-1, 1), as micrograd
    "xavier": _xavier,  # Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
    "he": _he,  # He (Kaiming) uniform: U(-a, a), a = sqrt(6 / fan_in)
}


# Without a seed or a generator, weights come from the random module's own generator, so that
# random.seed(...) reproduces a network as it does in micrograd's demos (an explicit seed= or
# rng= is still the better habit: nothing else can move it).
_MODULE_RANDOM = cast("random.Random", random)

DEAD_LAYER_CALLS = 20
"""How many calls in a row a hidden ReLU layer of an ``MLP`` must give only zeros before the
network warns (once) that training has stalled."""


class DeadLayerWarning(UserWarning):
    """A hidden ReLU layer of an ``MLP`` outputs only zeros: its inputs' weights get no gradient."""


def _init_function(init: Init) -> Callable[[int, int, random.Random], float]:
    if callable(init):
        return init
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of {sorted(INITS)} or pass a function")
    return INITS[init]


class Outputs(list[Value]):
    """A layer's outputs: a plain list of Values that, in Jupyter, shows the graph behind them.

    >>> out = Layer(1, 2, weights=[[1.0], [2.0]])([3.0])
    >>> isinstance(out, list), [v.data for v in out]
    (True, [3.0, 6.0])
    """

    # Arithmetic with a number or a Value is a mistake (micrograd returns a lone Value for a
    # width-1 layer): say what to change, never repeat the list silently.
    def _refuse(self, op: str, other: object) -> NoReturn:
        raise TypeError(
            f"{op}: this is a list of {len(self)} Value(s), a layer's or network's outputs, not a "
            f"Value (the other operand: {type(other).__name__} {other!r}). Index it (out[0]); a "
            "width-1 layer or MLP returns its Value itself unless it was built with squeeze=False"
        )

    def __add__(self, other: Any) -> Any:
        if isinstance(other, list):
            return list(self) + list(other)  # joining lists stays what it is
        self._refuse("+", other)

    def __radd__(self, other: Any) -> Any:
        if isinstance(other, list):
            return list(other) + list(self)
        self._refuse("+", other)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": repr(list(self))}
        svg = svg_for_display(list(self))
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle


def _refusing(symbol: str) -> Callable[..., NoReturn]:
    def refuse(self: Outputs, other: object = None) -> NoReturn:
        self._refuse(symbol, other)

    return refuse


# -, *, / and ** with a number or a Value (either side), and unary minus: all refused alike.
for _name, _symbol in (
    ("__sub__", "-"),
    ("__rsub__", "-"),
    ("__mul__", "*"),
    ("__rmul__", "*"),
    ("__truediv__", "/"),
    ("__rtruediv__", "/"),
    ("__pow__", "**"),
    ("__neg__", "unary -"),
):
    setattr(Outputs, _name, _refusing(_symbol))


_data = attrgetter("data")  # a weight's float, for the float path


def _plain_floats(x: Sequence[Input]) -> list[float] | None:
    """Inputs as floats, or None if any is not a Value or a finite int or float."""
    floats = []
    for v in x:
        f = v.data if isinstance(v, Value) else v
        if type(f) is not float:
            if isinstance(f, bool) or not isinstance(f, int):
                return None
            f = float(f)
        if not isfinite(f):
            return None
        floats.append(f)
    return floats


def _number(x: object, where: str) -> float:
    return finite_number(x, f"{where}: expected a finite number")


class Neuron(Module):
    """``activation(w·x + b)`` with ``w·x + b`` recorded as one ``linear`` node.

    >>> n = Neuron(2, "sigmoid", weights=[0.15, 0.20], bias=0.35)
    >>> round(n([0.05, 0.10]).data, 9)
    0.593269992
    """

    def __init__(
        self,
        n_in: int,
        activation: str | Elementwise | None = "identity",
        *,
        weights: Sequence[float] | None = None,
        bias: float | Value | None = 0.0,
        init: Init = "uniform",
        bias_init: Init | None = None,
        rng: random.Random | None = None,
        fan_out: int = 1,
    ) -> None:
        if not isinstance(n_in, int) or n_in < 1:
            raise ValueError(f"Neuron: n_in must be a positive int, got {n_in!r}")
        self.activation, elementwise, _ = resolve(activation)
        if elementwise is None:
            raise ValueError(f"Neuron: {self.activation!r} acts on a whole layer; give it to a Layer")
        self._act: Elementwise = elementwise
        if weights is None:
            draw = _init_function(init)
            source = rng if rng is not None else _MODULE_RANDOM
            values = [draw(n_in, fan_out, source) for _ in range(n_in)]
        else:
            if len(weights) != n_in:
                raise ValueError(f"Neuron: expected {n_in} weights, got {len(weights)}")
            values = [_number(w, "Neuron weights") for w in weights]
        self.w = [Value(v) for v in values]
        if bias_init is not None:  # the lecture's neuron: the bias drawn right after the weights
            if bias is None or isinstance(bias, Value) or bias != 0.0:
                raise ValueError(f"Neuron: give bias or bias_init, not both (bias={bias!r})")
            bias = _init_function(bias_init)(n_in, fan_out, rng if rng is not None else _MODULE_RANDOM)
        self.b: Value | None = (
            bias if isinstance(bias, Value) or bias is None else Value(_number(bias, "Neuron bias"))
        )
        self.label_nodes = True
        for k, w in enumerate(self.w):
            w.label = f"w{k + 1}"
        if self.b is not None and not (isinstance(bias, Value) and bias.label):
            self.b.label = "b"  # a bias Value the caller named keeps its name

    @property
    def n_in(self) -> int:
        """How many inputs the neuron reads."""
        return len(self.w)

    def __call__(self, x: Sequence[Input]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        z = self.preactivation(x)
        a = self._act(z)
        if self.label_nodes:
            z.label = "z"
            if a is not z:
                a.label = "a"
        return a

    def preactivation(self, x: Sequence[Input]) -> Value:
        """The single node ``w·x + b`` (``w·x`` without a bias), before the activation."""
        return Value.linear(self.w, x, self.b) if self.b is not None else Value.dot(self.w, x)

    def __repr__(self) -> str:
        bias = "no bias" if self.b is None else "bias"
        return f"Neuron({self.n_in} inputs, {self.activation}, {bias})"


class Layer(Module):
    """``n_out`` neurons reading the same ``n_in`` inputs; returns a list of their outputs, or
    the one Value of a width-1 layer, as micrograd does (``squeeze=False``: always a list).

    ``shared_bias=True`` gives all neurons ONE bias parameter (as some worked examples do);
    ``biases`` is then a single number, otherwise one number per neuron. Biases start at 0
    (micrograd's package) unless ``bias_init`` draws each one after its neuron's weights
    (the lecture's ``Neuron``: ``bias_init="uniform"``).
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | Elementwise | None = "identity",
        *,
        weights: Sequence[Sequence[float]] | None = None,
        biases: Sequence[float] | float | None = None,
        bias: bool = True,
        shared_bias: bool = False,
        init: Init = "uniform",
        bias_init: Init | None = None,
        rng: random.Random | None = None,
        squeeze: bool = True,
    ) -> None:
        for name, n in (("n_in", n_in), ("n_out", n_out)):
            if not is_count(n, 1):
                raise ValueError(f"Layer: {name} must be a positive int, got {n!r}")
        self.activation, self._elementwise, self._vectorwise = resolve(activation)
        self._floats: FloatForm | None = float_form(activation)
        if weights is not None and len(weights) != n_out:
            raise ValueError(f"Layer: weights need {n_out} rows (one per neuron), got {len(weights)}")
        neuron_biases = self._neuron_biases(n_out, biases, bias, shared_bias)
        if bias_init is not None and (biases is not None or not bias or shared_bias):
            raise ValueError(
                "Layer: bias_init draws each neuron's own bias; give biases, bias=False "
                "or shared_bias=True without it"
            )
        source = rng if rng is not None else _MODULE_RANDOM
        self.neurons = [
            Neuron(
                n_in,
                None,
                weights=None if weights is None else weights[i],
                bias=neuron_biases[i],
                init=init,
                bias_init=bias_init,
                rng=source,
                fan_out=n_out,
            )
            for i in range(n_out)
        ]
        self.squeeze = squeeze
        self.label_nodes = True
        self.number_as(1)

    def number_as(self, number: int) -> Layer:
        """Name this layer's parameters and the nodes it builds as layer ``number`` of a network,
        in textbook form: weights ``w{l}_{j},{k}`` (neuron j, input k), biases ``b{l}_{j}``
        (``b{l}`` when shared), pre-activations ``z{l}_{j}`` and activations ``a{l}_{j}``.

        A layer is numbered 1 on its own; an ``MLP`` numbers its layers 1, 2, .... Labels are
        only names: relabel any parameter or output as you like, set ``label_nodes = False``
        to leave the nodes unlabelled, or ``label_parameters()`` for the dotted names.

        >>> layer = Layer(2, 2, "tanh", weights=[[1, 2], [3, 4]]).number_as(2)
        >>> [p.label for p in layer.parameters()]
        ['w2_1,1', 'w2_1,2', 'b2_1', 'w2_2,1', 'w2_2,2', 'b2_2']
        >>> out = layer([0.5, -0.5]); out[0].label, out[0].parents[0].label
        ('a2_1', 'z2_1')
        """
        shared = getattr(self, "b", None)
        for j, neuron in enumerate(self.neurons, start=1):
            for k, w in enumerate(neuron.w, start=1):
                w.label = f"w{number}_{j},{k}"
            if neuron.b is not None and neuron.b is not shared:
                neuron.b.label = f"b{number}_{j}"
        if shared is not None:
            shared.label = f"b{number}"
        n = len(self.neurons)
        self._z_names = [f"z{number}_{j}" for j in range(1, n + 1)]
        self._a_names = [f"a{number}_{j}" for j in range(1, n + 1)]
        return self

    def _neuron_biases(
        self, n_out: int, biases: Sequence[float] | float | None, bias: bool, shared_bias: bool
    ) -> list[float | Value | None]:
        if not bias:
            if biases is not None:
                raise ValueError("Layer: biases given but bias=False")
            return [None] * n_out
        if shared_bias:
            if biases is not None and not isinstance(biases, (int, float)):
                raise ValueError(f"Layer: a shared bias is one number, got {biases!r}")
            self.b = Value(_number(biases if biases is not None else 0.0, "Layer bias"))
            return [self.b] * n_out
        if biases is None:
            return [0.0] * n_out
        if isinstance(biases, (int, float)) or len(biases) != n_out:
            raise ValueError(f"Layer: biases need {n_out} numbers (one per neuron), got {biases!r}")
        return [_number(b, "Layer biases") for b in biases]

    @property
    def n_in(self) -> int:
        """How many inputs the layer reads."""
        return self.neurons[0].n_in

    @property
    def n_out(self) -> int:
        """How many neurons (outputs) the layer has."""
        return len(self.neurons)

    def __call__(self, x: Sequence[Input] | Value) -> list[Value] | Value:
        if isinstance(x, Value):  # a width-1 layer's output, fed on
            if self.n_in != 1:
                raise ValueError(
                    f"Layer: expected {self.n_in} inputs, got one Value {x!r} (a width-1 layer "
                    "returns its Value; build that layer with squeeze=False to get a list)"
                )
            x = [x]
        if len(x) != self.n_in:
            raise ValueError(f"Layer: expected {self.n_in} inputs, got {len(x)}: {list(x)!r}")
        if not is_recording():  # no graph: compute on floats, return plain leaves
            floats = self.forward_floats(_plain_floats(x))
            if floats is not None:
                leaves = Outputs([Value(v) for v in floats])
                return leaves[0] if self.squeeze and len(leaves) == 1 else leaves
        inputs = [v if isinstance(v, Value) else Value(v) for v in x]  # shared by all neurons
        zs = [neuron.preactivation(inputs) for neuron in self.neurons]
        if self._vectorwise is not None:
            out = Outputs(self._vectorwise(zs))
        elif self._elementwise is None or self._elementwise is identity:
            out = Outputs(zs)
        else:
            act = self._elementwise
            out = Outputs([act(z) for z in zs])
        if self.label_nodes:
            for z, name in zip(zs, self._z_names):
                z.label = name
            if out[0] is not zs[0]:  # a linear layer's outputs are its z's
                for a, name in zip(out, self._a_names):
                    a.label = name
        return out[0] if self.squeeze and len(out) == 1 else out

    def forward_floats(self, x: list[float] | None) -> list[float] | None:
        """The layer on plain floats, with the op table's own forward rules: no nodes at all.

        None where that cannot be done (no inputs, a custom activation, an error or an overflow),
        so that the caller takes the Value path, which explains the error.
        """
        if x is None or self._floats is None:
            return None
        try:
            zs = [  # the linear and dot rows' own forward rule, without building their input lists
                float_dot(map(_data, neuron.w), x) + neuron.b.data
                if neuron.b is not None
                else float_dot(map(_data, neuron.w), x)
                for neuron in self.neurons
            ]
            out = self._floats(zs)
        except (ArithmeticError, ValueError):
            return None
        return out if all(map(isfinite, out)) else None

    def __repr__(self) -> str:
        bias = " shared bias" if hasattr(self, "b") else ""
        return f"Layer({self.n_in} -> {self.n_out}, {self.activation}{bias})"


class MLP(Module):
    """A stack of layers: ``MLP(2, [16, 16, 1])`` has ReLU hidden layers and a linear output,
    and returns one Value for a width-1 output, a list otherwise (``squeeze=False``: always a
    list), as micrograd's ``MLP`` does.

    ``activations`` (one per layer, or one for every layer: the lecture's ``activations="tanh"``)
    overrides ``activation`` (hidden layers) and ``output_activation``. ``weights``, ``biases``
    and ``shared_bias`` take one entry per layer. Without ``seed`` or ``rng`` the weights come
    from the ``random`` module's generator, so ``random.seed(...)`` reproduces them; with
    ``bias_init="uniform"`` as well, the lecture's own ``MLP`` draws the same numbers.

    >>> net = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid",
    ...           weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45]]],
    ...           biases=[0.35, 0.60], shared_bias=True)
    >>> [name for name, _ in net.named_parameters()][:3]
    ['layers.0.b', 'layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1']
    >>> round(net([0.05, 0.10]).data, 8)
    0.75136507
    """

    def __init__(
        self,
        n_in: int,
        sizes: Sequence[int],
        activation: str | Elementwise | None = "relu",
        output_activation: str | Elementwise | None = "identity",
        *,
        activations: Sequence[str | Elementwise | None] | str | Elementwise | None = None,
        weights: Sequence[Sequence[Sequence[float]] | None] | None = None,
        biases: Sequence[Sequence[float] | float | None] | None = None,
        bias: bool = True,
        shared_bias: bool | Sequence[bool] = False,
        init: Init = "uniform",
        bias_init: Init | None = None,
        seed: int | None = None,
        rng: random.Random | None = None,
        squeeze: bool = True,
    ) -> None:
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP: sizes must list at least one layer width")
        n = len(sizes)
        resolve(activation), resolve(output_activation)  # a misspelt name fails even if unused
        if activations is None:
            activations = [activation] * (n - 1) + [output_activation]
        elif isinstance(activations, str) or callable(activations):
            activations = [activations] * n  # one activation for every layer
        shared = [shared_bias] * n if isinstance(shared_bias, bool) else list(shared_bias)
        for what, given in (
            ("activations", activations),
            ("weights", weights),
            ("biases", biases),
            ("shared_bias", shared),
        ):
            if given is not None and len(given) != n:
                raise ValueError(f"MLP: {what} needs {n} entries (one per layer), got {len(given)}")
        if rng is None:
            rng = random.Random(seed) if seed is not None else _MODULE_RANDOM
        fan_ins = [n_in, *sizes[:-1]]
        self.layers = [
            Layer(
                fan_ins[i],
                sizes[i],
                activations[i],
                weights=None if weights is None else weights[i],
                biases=None if biases is None else biases[i],
                bias=bias,
                shared_bias=shared[i],
                init=init,
                bias_init=bias_init,
                rng=rng,
            )
            for i in range(n)
        ]
        self.squeeze = squeeze
        for number, layer in enumerate(self.layers, start=1):
            layer.number_as(number)

    def __call__(self, x: Sequence[Input] | Value) -> list[Value] | Value:
        if isinstance(x, Value):  # one input, as another network's width-1 output
            x = [x]
        if not is_recording() and len(x) == self.layers[0].n_in:  # no graph: floats throughout
            floats = _plain_floats(x)
            for layer in self.layers:
                floats = layer.forward_floats(floats)
            if floats is not None:
                leaves = Outputs([Value(v) for v in floats])
                return leaves[0] if self.squeeze and len(leaves) == 1 else leaves
        out: Sequence[Input] = x
        values: list[Value] = []
        dead = 0
        for number, layer in enumerate(self.layers, start=1):
            result = layer(out)
            values = Outputs([result]) if isinstance(result, Value) else result
            out = values
            if layer._elementwise is relu and number < len(self.layers) and not any(v.data for v in values):
                dead = dead or number
        self._watch_for_a_dead_layer(dead)
        return values[0] if self.squeeze and len(values) == 1 else values

    def _watch_for_a_dead_layer(self, dead: int) -> None:
        """Warn once when a hidden ReLU layer (number ``dead``; 0 for none) has given only zeros
        for ``DEAD_LAYER_CALLS`` calls in a row: no gradient then reaches any weight before its
        outputs, nor its own, so gradient descent cannot bring it back."""
        if not dead:
            if getattr(self, "_dead_calls", 0):
                self._dead_calls = 0  # written only when a streak ends: no store on every call
            return
        self._dead_calls = getattr(self, "_dead_calls", 0) + 1
        if self._dead_calls == DEAD_LAYER_CALLS and not getattr(self, "_warned_dead", False):
            self._warned_dead = True
            sizes = ", ".join(str(layer.n_out) for layer in self.layers)
            warnings.warn(
                f"MLP: every ReLU of layer {dead} has output 0 for the last {DEAD_LAYER_CALLS} inputs, so "
                "the output no longer depends on the input and no gradient reaches the weights "
                "before that layer's outputs: training has stalled (dead ReLUs), and gradient descent "
                "cannot revive them. A network this narrow often ends so with ReLU; micrograd's "
                f"lecture trains tanh neurons: MLP({self.layers[0].n_in}, [{sizes}], "
                'activations="tanh")',
                DeadLayerWarning,
                stacklevel=3,
            )

    def __repr__(self) -> str:
        inner = "\n".join(f"  (layers.{i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"MLP({len(self.named_parameters())} parameters\n{inner}\n)"

"""``Module``, ``Neuron``, ``Layer`` and ``MLP``: names, labels, freezing, state, errors."""

from __future__ import annotations

import contextlib
import json
import random
from typing import cast

import pytest

from autograd import Value, no_grad
from nn import INITS, MLP, Layer, Module, Neuron


def test_named_parameters_have_stable_dotted_names_and_labels() -> None:
    net = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in net.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == 3 * 3 + 4 == len(net.parameters())
    assert names == [name for name, _ in MLP(2, [3, 1], seed=1).named_parameters()]
    # labels: textbook names (layer, neuron, input); the dotted names on request
    labels = [p.label for p in net.parameters()]
    assert labels[:4] == ["w1_1,1", "w1_1,2", "b1_1", "w1_2,1"] and labels[-1] == "b2_1"
    net.label_parameters()
    assert all(p.label == name for name, p in net.named_parameters())


def test_networks_name_the_nodes_they_build_textbook_style() -> None:
    net = MLP(2, [2, 1], activation="sigmoid", seed=0)
    out = net([0.5, -1.0])
    assert isinstance(out, Value)
    assert out.label == "z2_1" and out.op == "linear"  # a linear output: z is the output
    a = [p for p in out.parents if p.label.startswith("a1_")]
    assert [n.label for n in a] == ["a1_1", "a1_2"] and [n.parents[0].label for n in a] == ["z1_1", "z1_2"]
    shared = Layer(2, 2, "tanh", shared_bias=True, biases=0.1).number_as(3)
    assert [p.label for p in shared.parameters()] == ["b3", "w3_1,1", "w3_1,2", "w3_2,1", "w3_2,2"]
    quiet = Layer(2, 1, "relu")
    quiet.label_nodes = False
    assert cast(Value, quiet([1.0, 2.0])).label == ""
    single = Neuron(2, "tanh")
    y = single([1.0, 2.0])
    labels = (y.label, y.parents[0].label, [p.label for p in single.parameters()])
    assert labels == ("a", "z", ["w1", "w2", "b"])


def test_pre_activation_is_one_linear_node() -> None:
    neuron = Neuron(3, "tanh", weights=[0.1, 0.2, 0.3], bias=0.5)
    out = neuron([1.0, 2.0, 3.0])
    z = out.parents[0]
    assert out.op == "tanh" and z.op == "linear" and len(z.parents) == 7
    assert z.data == pytest.approx(0.1 + 0.4 + 0.9 + 0.5)


def test_layer_inputs_are_shared_leaves_and_width_one_returns_a_value_unless_squeeze_false() -> None:
    layer = Layer(2, 2, weights=[[1.0, 2.0], [3.0, 4.0]], biases=[0.0, 0.0])
    a, b = layer([0.5, 0.25])
    assert a.parents[2] is b.parents[2]  # the same input leaf feeds both neurons
    for recording in (True, False):  # the graph path and the float path agree on the shape
        with contextlib.nullcontext() if recording else no_grad():
            one = Layer(2, 1, weights=[[1.0, 1.0]])([1.0, 2.0])
            assert isinstance(one, Value) and one.data == 3.0
            listed = Layer(2, 1, weights=[[1.0, 1.0]], squeeze=False)([1.0, 2.0])
            assert isinstance(listed, list) and [v.data for v in listed] == [3.0]
            assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
            assert isinstance(MLP(2, [4, 1], seed=0, squeeze=False)([1.0, 2.0]), list)
            assert isinstance(MLP(2, [1, 3], seed=0)([1.0, 2.0]), list)  # a width-1 hidden layer
            assert len(cast(list, MLP(2, [1, 3], seed=0)([1.0, 2.0]))) == 3


def test_seeded_initialisations_are_reproducible_and_bounded() -> None:
    first = MLP(4, [8, 2], init="xavier", seed=7).state_dict()
    assert first == MLP(4, [8, 2], init="xavier", seed=7).state_dict()
    assert first != MLP(4, [8, 2], init="xavier", seed=8).state_dict()
    for init, bound in (("uniform", 1.0), ("xavier", (6 / (4 + 8)) ** 0.5), ("he", (6 / 4) ** 0.5)):
        layer = Layer(4, 8, init=init, rng=random.Random(3))
        weights = [w.data for n in layer.neurons for w in n.w]
        assert all(abs(w) <= bound for w in weights) and max(map(abs, weights)) > bound / 2
    assert set(INITS) == {"uniform", "xavier", "he"}


def test_freeze_patterns_and_unfreeze() -> None:
    net = MLP(2, [2, 1], seed=0)
    net.freeze("layers.0.*")
    assert len(net.parameters()) == 3 and all(n.startswith("layers.0.") for n in net.frozen_names())
    net.unfreeze()
    assert len(net.parameters()) == 9
    net.layers[1].freeze()  # a submodule's freeze shows from the root too
    assert net.frozen_names() == ["layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.b"]
    with pytest.raises(ValueError, match=r"freeze: pattern 'layer.0.\*' matches no parameter"):
        net.freeze("layer.0.*")


def test_zero_grad_reaches_frozen_parameters_too() -> None:
    net = MLP(2, [2, 1], seed=0).freeze("*.b")
    cast(Value, net([1.0, -1.0])).backward()
    net.zero_grad()
    assert all(p.grad == 0.0 for _, p in net.named_parameters())


def test_state_dict_round_trip_through_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    net = MLP(3, [4, 2], seed=1)
    state = json.loads(json.dumps(net.state_dict()))
    other = MLP(3, [4, 2], seed=2)
    other.load_state_dict(state)
    assert other.state_dict() == net.state_dict()
    path = tmp_path / "model.json"
    net.save(path)
    third = MLP(3, [4, 2], seed=3)
    third.load(path)
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in third(x)] == [v.data for v in net(x)]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.pop("layers.0.neurons.0.b"), r"missing \['layers.0.neurons.0.b'\]"),
        (lambda s: s.update({"layers.9.w": 1.0}), r"unexpected \['layers.9.w'\]"),
        (
            lambda s: s.update({"layers.0.neurons.0.w.0": [1.0, 2.0]}),
            r"must be a finite number, got \[1.0, 2.0\]",
        ),
        (lambda s: s.update({"layers.0.neurons.0.w.1": float("nan")}), r"must be a finite number, got nan"),
        (lambda s: s.update({"layers.0.neurons.0.w.1": "0.5"}), r"must be a finite number, got '0.5'"),
    ],
)
def test_bad_state_is_rejected_and_changes_nothing(edit, message) -> None:  # type: ignore[no-untyped-def]
    net = MLP(2, [2, 1], seed=0)
    before = net.state_dict()
    state = MLP(2, [2, 1], seed=5).state_dict()
    edit(state)
    with pytest.raises(ValueError, match=message):
        net.load_state_dict(state)
    assert net.state_dict() == before


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Layer(2, 2)([1.0]), ValueError, r"Layer: expected 2 inputs, got 1"),
        (lambda: MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0]), ValueError, r"Layer: expected 2 inputs, got 3"),
        (lambda: Neuron(2, weights=[1.0]), ValueError, r"Neuron: expected 2 weights, got 1"),
        (lambda: Layer(2, 2, weights=[[1.0, 2.0]]), ValueError, r"weights need 2 rows"),
        (lambda: Layer(2, 2, biases=[1.0]), ValueError, r"biases need 2 numbers"),
        (
            lambda: Layer(2, 2, shared_bias=True, biases=[1.0, 2.0]),
            ValueError,
            r"a shared bias is one number",
        ),
        (lambda: MLP(2, [2, 1], weights=[[[1.0, 2.0], [3.0, 4.0]]]), ValueError, r"weights needs 2 entries"),
        (lambda: MLP(2, [2], activation="swish"), ValueError, r"unknown activation 'swish'"),
        (lambda: MLP(2, [2], init="orthogonal"), ValueError, r"unknown init 'orthogonal'"),
        (lambda: Neuron(2, "softmax"), ValueError, r"acts on a whole layer"),
        (lambda: Neuron(0), ValueError, r"n_in must be a positive int"),
        (lambda: Neuron(2, weights=[1.0, float("inf")]), ValueError, r"expected a finite number, got inf"),
        (lambda: Layer(2, 1)(["a", 1.0]), TypeError, r"Value: expected a Value, int or float, got str 'a'"),
    ],
)
def test_bad_construction_and_input_raise_clear_errors(make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        make()


def test_softmax_layer_outputs_probabilities() -> None:
    layer = Layer(2, 3, "softmax", weights=[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], biases=[0.0, 0.0, 0.0])
    probs = layer([1000.0, -1000.0])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[0].data == pytest.approx(1.0)


def test_reprs_read_well() -> None:
    assert repr(Neuron(2, "relu", weights=[1.0, 2.0])) == "Neuron(2 inputs, relu, bias)"
    assert repr(Layer(2, 3, "tanh", shared_bias=True)) == "Layer(2 -> 3, tanh shared bias)"
    assert repr(MLP(2, [4, 1], seed=0)).splitlines() == [
        "MLP(17 parameters",
        "  (layers.0): Layer(2 -> 4, relu)",
        "  (layers.1): Layer(4 -> 1, identity)",
        ")",
    ]


def test_custom_modules_find_parameters_in_attributes() -> None:
    class Affine(Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.parts = [Neuron(1, weights=[1.0]), (Value(3.0),)]
            self._cache = Value(9.0)  # private: not a parameter

    names = [name for name, _ in Affine().named_parameters()]
    assert names == ["scale", "parts.0.w.0", "parts.0.b", "parts.1.0"]


def test_a_shared_bias_frozen_through_any_module_is_frozen_everywhere() -> None:
    net = MLP(2, [2, 1], seed=0, shared_bias=[True, False])
    net.layers[0].neurons[0].freeze("b")  # the layer's one bias, reached through a neuron
    assert net.frozen_names() == ["layers.0.b"]
    assert net.layers[0].b not in net.parameters()
    net.unfreeze("layers.0.*")  # from the root, whichever module froze it
    assert net.frozen_names() == [] and len(net.parameters()) == 8
    net.layers[1].freeze()
    net.unfreeze()
    assert net.frozen_names() == []


def test_a_bias_value_the_caller_named_keeps_its_name() -> None:
    b = Value(0.35, label="b_shared")
    Neuron(2, "sigmoid", bias=b)
    assert b.label == "b_shared"
    assert Neuron(2, "sigmoid", bias=Value(0.1)).b.label == "b"  # type: ignore[union-attr]


def test_bias_init_draws_each_bias_after_its_weights_and_refuses_a_given_bias() -> None:
    net = MLP(2, [3, 1], bias_init="uniform", rng=random.Random(5))
    draws = random.Random(5)
    expected = [draws.uniform(-1.0, 1.0) for _ in range(3 * 3 + 3 + 1)]  # w, w, b per neuron
    assert [p.data for p in net.parameters()] == expected
    with pytest.raises(ValueError, match="Layer: bias_init draws each neuron's own bias"):
        Layer(2, 2, biases=[0.1, 0.2], bias_init="uniform")
    with pytest.raises(ValueError, match="Layer: bias_init"):
        Layer(2, 2, shared_bias=True, bias_init="uniform")
    with pytest.raises(ValueError, match=r"Neuron: give bias or bias_init, not both \(bias=0.5\)"):
        Neuron(2, bias=0.5, bias_init="uniform")
    with pytest.raises(ValueError, match="unknown init 'gauss'"):
        MLP(2, [1], bias_init="gauss")  # type: ignore[arg-type]


def test_a_width_one_output_feeds_a_one_input_layer_or_network_and_otherwise_says_what_to_do() -> None:
    first = Layer(2, 1, weights=[[1.0, 1.0]])
    out = first([1.0, 2.0])  # a Value: 3
    fed = Layer(1, 2, weights=[[2.0], [3.0]])(out)
    assert isinstance(fed, list) and [v.data for v in fed] == [6.0, 9.0]
    assert cast(Value, MLP(1, [1], weights=[[[4.0]]])(out)).data == 12.0
    with pytest.raises(ValueError, match=r"Layer: expected 2 inputs, got one Value .*squeeze=False"):
        Layer(2, 2)(out)
    listed = Layer(2, 1, weights=[[1.0, 1.0]], squeeze=False)([1.0, 2.0])
    assert [v.data for v in cast(list, Layer(1, 1, weights=[[5.0]], squeeze=False)(listed))] == [15.0]

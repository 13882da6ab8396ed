"""``viz.walkthrough.program``: the printed program, run, gives the check replay's numbers.

Each program is executed in a fresh namespace in two parts: up to ``<loss>.backward()`` (then
every parameter must hold the example's number exactly, and the loss must be the replay's total
loss at step 0), then the backward pass and the step (then every gradient must be the replay's,
and every parameter the replay's value after one step of that optimizer run: trained ones moved,
frozen ones not), all to a relative 1e-12.

The truth is ``viz.check``'s own replay (``EngineRun``: the values its reports print), which
builds the network its own way, independently of the program. A parameter id of the check
(``viz.check.ledger``) is mapped to the program's ``nn`` parameter through each layer's
``named_parameters()`` (an ``MLP``'s names less their ``layers.{i}.``):

- ``("w", i, j, k)``: weight k of neuron j of layer i -> ``neurons.{j}.w.{k}``;
- ``("b", i, j)``: the bias of neuron j -> ``neurons.{j}.b``;
- ``("b", i)``: layer i's shared bias -> ``b``;
- a width-1 layer's one bias, shared or not, may be written either way: ``b`` or ``neurons.0.b``.

Every ``nn`` parameter of the program must be some parameter of the check, and the other way round.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from autograd import OPS, Value
from nn import MLP, Layer
from viz.check import load, shipped
from viz.check.engine_run import EngineRun
from viz.check.graph_ledger import ledger_for
from viz.check.ledger import Ledger
from viz.check.spec import OptimizerSpec, WorkedExample, activations, from_mapping
from viz.walkthrough.program import program

from ..autograd.test_ops import SHIPPED

EXAMPLE_FILES = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "examples").glob("*.toml"))
REL, ABS = 1e-12, 1e-14


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def pids(ex: WorkedExample) -> list[tuple[Any, ...]]:
    """The check's parameter ids, in the example's order."""
    out: list[tuple[Any, ...]] = []
    for i, layer in enumerate(ex.layers):
        for j, row in enumerate(layer.weights):
            out += [("w", i, j, k) for k in range(len(row))]
        if isinstance(layer.bias, float):
            out.append(("b", i))
        elif isinstance(layer.bias, list):
            out += [("b", i, j) for j in range(layer.width)]
    return out


def start_value(ex: WorkedExample, pid: tuple[Any, ...]) -> float:
    layer = ex.layers[pid[1]]
    if pid[0] == "w":
        return layer.weights[pid[2]][pid[3]]
    assert layer.bias is not None
    return layer.bias if isinstance(layer.bias, float) else layer.bias[pid[2]]


def model(namespace: dict[str, Any]) -> tuple[list[Layer], set[int]]:
    """The program's layers, from whatever holds them (an MLP, a Layer or a list of Layers),
    and its trainable parameters by identity (an MLP freezes on itself, not on its layers)."""
    found = []
    for value in namespace.values():
        if isinstance(value, MLP):
            found.append((list(value.layers), value.parameters()))
        elif isinstance(value, Layer):
            found.append(([value], value.parameters()))
        elif isinstance(value, list) and value and all(isinstance(v, Layer) for v in value):
            found.append((value, [p for layer in value for p in layer.parameters()]))
    assert len(found) == 1, f"expected one model in the program, found {found}"
    layers, trainable = found[0]
    return layers, {id(p) for p in trainable}


def nn_parameter(layers: list[Layer], pid: tuple[Any, ...]) -> Value:
    """The ``nn`` parameter for a parameter id (the mapping in the module docstring)."""
    layer = layers[pid[1]]
    names = dict(layer.named_parameters())
    if pid[0] == "w":
        return names[f"neurons.{pid[2]}.w.{pid[3]}"]
    if layer.n_out == 1:  # one bias, shared or its neuron's own: the same thing
        return names["b"] if "b" in names else names["neurons.0.b"]
    return names[f"neurons.{pid[2]}.b"] if len(pid) == 3 else names["b"]


def assert_faithful(ex: WorkedExample, run: OptimizerSpec, random_setup: bool = False) -> str:
    """Run the program for ``run`` and compare it with the replay; returns the program.

    A gradient that is 0 in exact arithmetic but comes out of rounding as a different tiny
    number in each computation (a random setup can tie its numbers: equal logits against equal
    targets) makes Adam's step, which divides the gradient by its own size, rounding noise too.
    Such a random setup is rejected, not judged.
    """
    text = program(ex, run)
    ledger = Ledger(replace(ex, steps=1, loop=None), run)  # one step; no training loop
    ids = pids(ex)
    gradients = {pid: ("D", ("E", 0), ("p", pid, 0)) for pid in ids}
    truth = EngineRun(ledger, gradients.values()).values
    match = re.search(r"^(\w+)\.backward\(\)$", text, re.MULTILINE)
    assert match is not None, text
    loss_name = match.group(1)
    head, tail = text[: match.start()], text[match.start() :]
    namespace: dict[str, Any] = {}
    exec(compile(head, "<program>", "exec"), namespace)
    layers, trainable = model(namespace)
    params = {pid: nn_parameter(layers, pid) for pid in ids}
    everything = {id(p) for layer in layers for _, p in layer.named_parameters()}
    assert {id(p) for p in params.values()} == everything, "the program has other parameters"
    assert len({id(p) for p in params.values()}) == len(ids)
    assert trainable == {id(params[pid]) for pid in ids if not ledger.frozen(pid)}
    for pid in ids:
        assert params[pid].data == start_value(ex, pid), (pid, text)  # exact: no number rounded
    loss = namespace[loss_name]
    assert isinstance(loss, Value)
    assert close(loss.data, truth[("E", 0)]), (loss.data, truth[("E", 0)], text)
    exec(compile(tail, "<program>", "exec"), namespace)
    for pid in ids:
        got, want = params[pid].grad, truth[gradients[pid]]
        assert close(got, want), ("gradient", pid, got, want, text)
        if run.kind == "adam" and got != want and max(abs(got), abs(want)) < 1e-9:
            assert random_setup, ("a gradient of rounding noise", pid, got, want, text)
            reject()
    for pid in ids:
        want = truth[ledger.param(pid, 1)]
        assert close(params[pid].data, want), (pid, params[pid].data, want, text)
    return text


NETWORKS = [doc for doc in [*shipped(), *EXAMPLE_FILES] if load(doc).graph is None]
GRAPHS = [doc for doc in EXAMPLE_FILES if load(doc).graph is not None]
CASES = [(doc, run.name) for doc in NETWORKS for run in load(doc).optimizers]


@pytest.mark.parametrize(("doc", "run"), CASES)
def test_shipped_examples(doc: str, run: str) -> None:
    ex = load(doc)
    assert_faithful(ex, next(o for o in ex.optimizers if o.name == run))


def test_default_run_is_the_first_optimizer() -> None:
    ex = load("002")
    assert program(ex) == program(ex, ex.optimizers[0]) != program(ex, ex.optimizers[1])


def test_001_is_short() -> None:
    text = program(load("001"))
    assert len(text.splitlines()) <= 8, text
    assert "E_total.backward()" in text  # the document's own name for its loss


# --- random setups --------------------------------------------------------------------------------
number = st.one_of(
    st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 0.1, -0.25, 0.5, 1.0, 0.35, 0.6]),
)
# identity, sigmoid, ..., sin, cos: the shipped ones (not the ops other test modules define when
# they are imported, whose sinh and cosh overflow on a random network)
HIDDEN = [a for a in activations() if a != "softmax" and (a not in OPS or a in SHIPPED)]
LOSS_NAMES = ["E", "L", "C", "E_total", "loss", "x", "net", "T", "sum", "Eₜ"]


@st.composite
def setups(draw: st.DrawFn) -> dict[str, Any]:
    """A valid worked-example mapping: 1-3 layers of width 1-3, a batch of 1-3 samples."""
    n_in = draw(st.integers(1, 3))
    n_layers = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 3), min_size=n_layers, max_size=n_layers))
    cross_entropy = draw(st.booleans())
    optimizers = []
    for o in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["sgd", "adam"]))
        entry: dict[str, Any] = {"name": f"{kind}{o}", "kind": kind, "lr": draw(st.floats(0.01, 1.0))}
        if kind == "adam":
            if draw(st.booleans()):
                entry["betas"] = [draw(st.floats(0.0, 0.99)), draw(st.floats(0.0, 0.999))]
            if draw(st.booleans()):
                entry["eps"] = draw(st.floats(1e-8, 1e-3))
            entry["bias_correction"] = draw(st.booleans())
        optimizers.append(entry)
    adam = any(o["kind"] == "adam" for o in optimizers)
    layers = []
    fan_in = n_in
    for i, width in enumerate(widths):
        last = i == n_layers - 1
        activation = "softmax" if last and cross_entropy else draw(st.sampled_from(HIDDEN))
        layer: dict[str, Any] = {
            "activation": activation,
            "weights": draw(
                st.lists(st.lists(number, min_size=fan_in, max_size=fan_in), min_size=width, max_size=width)
            ),
        }
        # A bias shared by a softmax layer's neurons has a gradient of 0 (the probabilities add
        # up to 1) computed as rounding noise, which Adam's step divides by that noise's size.
        kinds = ["none", "list"] if activation == "softmax" and adam else ["none", "shared", "list"]
        kind = draw(st.sampled_from(kinds))
        if kind == "shared":
            layer["bias"] = draw(number)
        elif kind == "list":
            layer["bias"] = draw(st.lists(number, min_size=width, max_size=width))
        frozen = draw(st.sampled_from([None, True, False, ["weights"], ["bias"], ["weights", "bias"]]))
        if frozen is not None:
            layer["frozen"] = frozen
        layers.append(layer)
        fan_in = width
    batch = draw(st.integers(1, 3))
    n_out = widths[-1]
    inputs = [draw(st.lists(number, min_size=n_in, max_size=n_in)) for _ in range(batch)]
    if cross_entropy:
        targets = []
        for _ in range(batch):
            if draw(st.booleans()):
                hot = draw(st.integers(0, n_out - 1))
                targets.append([1.0 if j == hot else 0.0 for j in range(n_out)])
            else:
                weights = draw(st.lists(st.floats(0.1, 1.0), min_size=n_out, max_size=n_out))
                targets.append([w / math.fsum(weights) for w in weights])
    else:
        targets = [draw(st.lists(number, min_size=n_out, max_size=n_out)) for _ in range(batch)]
    loss: dict[str, Any] = {
        "kind": "cross_entropy" if cross_entropy else "squared_error",
        "outputs": draw(st.sampled_from(["sum", "mean"])),
        "batch": draw(st.sampled_from(["sum", "mean"])),
        "name": draw(st.sampled_from(LOSS_NAMES)),
    }
    if not cross_entropy:
        loss["half"] = draw(st.booleans())
    one = batch == 1 and draw(st.booleans())  # one sample written flat, not as a batch of one
    return {
        "network": {"inputs": n_in, "layers": layers},
        "data": {"inputs": inputs[0] if one else inputs, "targets": targets[0] if one else targets},
        "loss": loss,
        "optimizer": optimizers,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups())
def test_random_setups(mapping: dict[str, Any]) -> None:
    ex = from_mapping(mapping)
    ledger = Ledger(ex, ex.optimizers[0])
    assume(not all(ledger.frozen(pid) for pid in pids(ex)))  # an optimizer needs something to train
    for run in ex.optimizers:
        text = assert_faithful(ex, run, random_setup=True)
        assert all(len(line) <= 99 for line in text.splitlines()), text


@pytest.mark.parametrize("doc", GRAPHS)
def test_an_expression_graphs_program_gives_its_values_and_step(doc: str) -> None:
    """The lecture's style: a Value per input, a line per node, backward, the step on the
    optimizer's parameters; every node, gradient and stepped input as the check's replay."""
    ex = load(doc)
    assert ex.graph is not None
    run = ex.optimizers[0]
    ledger = ledger_for(replace(ex, steps=1 if run.kind != "none" else 0), run)
    inputs = [("p", ("in", name), 0) for name in ex.graph.inputs]
    output = ("n", ex.graph.output, 0)
    truth = EngineRun(ledger, [("D", output, key) for key in inputs]).values
    namespace: dict[str, Any] = {}
    text = program(ex)
    exec(compile(text, "<program>", "exec"), namespace)
    for name, _ in ex.graph.nodes:
        assert close(namespace[name].data, truth[("n", name, 0)]), (name, text)
    for name in ex.graph.inputs:
        value = namespace[name]
        assert close(value.grad, truth[("D", output, ("p", ("in", name), 0))]), (name, text)
        if name in run.parameters:
            assert close(value.data, truth[("p", ("in", name), 1)]), (name, text)
        else:
            assert value.data == ex.graph.inputs[name]
    assert GRAPHS, "examples/ has expression-graph worked examples"

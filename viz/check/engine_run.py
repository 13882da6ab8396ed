"""The example run on chainrule itself: ``nn`` layers, ``autograd`` graphs, ``grad`` and the
``nn`` optimizers. Its values are the truth the checker reports, and every one of them is
compared with the ledger's textbook rules, so the two computations vouch for each other."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from autograd import Value, apply_op, grad
from nn import SGD, Adam, Layer, Optimizer
from nn.activations import resolve

from .graph_ledger import ledger_for
from .ledger import Key, Ledger
from .refs import Apply, Expr, Num, Ref, function_row
from .spec import NO_OPTIMIZER, CheckerError, GraphSpec, OptimizerSpec, WorkedExample


class EngineMismatch(CheckerError, AssertionError):
    """The engine and the textbook rules disagree: a bug in chainrule, never in the document."""


def _layers(ex: WorkedExample) -> list[Layer]:
    layers = []
    n_in = len(ex.input_names)
    for spec in ex.layers:
        layers.append(
            Layer(
                n_in,
                spec.width,
                spec.activation,
                weights=spec.weights,
                biases=spec.bias,
                bias=spec.bias is not None,
                shared_bias=spec.shared_bias,
            )
        )
        n_in = spec.width
    return layers


def _parameters(ex: WorkedExample, layers: list[Layer]) -> dict[tuple[Any, ...], Value]:
    """The layers' parameters by ledger id, labelled with the document's names."""
    params: dict[tuple[Any, ...], Value] = {}
    for li, (spec, layer) in enumerate(zip(ex.layers, layers)):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                params[("w", li, j, k)] = w
                w.label = spec.weight_names[j][k]
            if spec.bias is not None and not spec.shared_bias:
                assert neuron.b is not None
                params[("b", li, j)] = neuron.b
                neuron.b.label = spec.bias_names[j]
        if spec.shared_bias:
            assert layer.b is not None
            params[("b", li)] = layer.b
            layer.b.label = spec.bias_names[0]
    return params


def _after(q: int) -> str:
    """How the reference language marks a quantity after q steps: w5', w5'', w5@4."""
    return "'" * q if q <= 3 else f"@{q}"


def forward(
    ex: WorkedExample, layers: list[Layer], params: dict[tuple[Any, ...], Value], q: int, label: bool = True
) -> tuple[dict[Key, Value], Value]:
    """One forward pass at step ``q``: the nodes by ledger key and the total loss. With ``label``
    every node carries the document's name (``z_h1[2]``, ``a_o1'``, ``E``)."""
    nodes: dict[Key, Value] = {}
    losses = []
    step = _after(q)
    name = ex.loss.name
    for s, (x, t) in enumerate(zip(ex.inputs, ex.targets)):
        of = f"[{s + 1}]" if ex.batch > 1 else ""
        values: list[Value] = [Value(v, label=ex.input_names[k] + of) for k, v in enumerate(x)]
        for k, v in enumerate(values):
            nodes[("x", s, k)] = v
        for li, (spec, layer) in enumerate(zip(ex.layers, layers)):
            zs = [neuron.preactivation(values) for neuron in layer.neurons]
            _, each, whole = resolve(spec.activation)  # nn's own activation of that name
            values = whole(zs) if whole is not None else [each(z) if each else z for z in zs]
            for j, (z, a) in enumerate(zip(zs, values)):
                nodes[("z", s, li, j, q)] = z
                if spec.activation != "identity":
                    nodes[("a", s, li, j, q)] = a
                if label:
                    z.label = spec.z_names[j] + step + of
                    named_output = spec.a_names[j] != f"a{li + 1}_{j + 1}"  # an identity layer's ŷ
                    if a is not z or named_output:
                        a.label = spec.a_names[j] + step + of
        terms = []
        for j, (a, target) in enumerate(zip(values, t)):
            if ex.loss.kind == "cross_entropy":
                log = a.log()
                term = -target * log
                if label:
                    log.label = f"ln {a.label}"
            else:
                difference = a - target
                term = (0.5 if ex.loss.half else 1.0) * difference**2
                if label:
                    difference.label = f"{a.label} − {ex.target_names[j]}{of}"
            nodes[("term", s, j, q)] = term
            terms.append(term)
            if label:
                term.label = ex.loss.term_names[j] + step + of
        sample_loss = Value.sum(terms) if len(terms) > 1 else terms[0]
        if ex.loss.outputs == "mean" and len(terms) > 1:
            sample_loss = sample_loss / len(terms)
        if ex.batch > 1:
            nodes[("Es", s, q)] = sample_loss
            if label:
                sample_loss.label = f"{name}{step}{of}"
        losses.append(sample_loss)
    total = losses[0] if ex.batch == 1 else Value.sum(losses)
    if ex.batch > 1 and ex.loss.batch == "mean":
        if label:
            total.label = " + ".join(f"{name}{step}[{s + 1}]" for s in range(ex.batch))
        total = total / ex.batch
    if label:
        total.label = name + step
    nodes[("E", q)] = total
    return nodes, total


def optimizer_for(run: OptimizerSpec, params: list[Value]) -> Optimizer:
    """The ``nn`` optimizer of a run, over ``params`` (at least one: see ``stepper``)."""
    if run.kind == NO_OPTIMIZER:
        raise ValueError("the worked example takes no step: it has no optimizer")
    if run.kind == "sgd":
        return SGD(params, lr=run.lr, momentum=run.momentum, nesterov=run.nesterov)
    return Adam(params, lr=run.lr, betas=run.betas, eps=run.eps, bias_correction=run.bias_correction)


def stepper(run: OptimizerSpec, params: list[Value]) -> Optimizer | None:
    """The run's optimizer over the trainable ``params``; None when every parameter is frozen:
    then each step leaves them all as they are."""
    return optimizer_for(run, params) if params else None


@dataclass
class StepGraph:
    """The replay's graph of one forward pass, its nodes named as the document names them."""

    ledger: Ledger
    root: Value
    nodes: dict[Key, Value]
    params: dict[tuple[Any, ...], Value]
    trainable: list[Value]

    @property
    def inputs(self) -> list[Value]:
        return [node for key, node in self.nodes.items() if key[0] == "x"]

    @property
    def frozen(self) -> list[Value]:
        """The parameters the document freezes: no step changes them."""
        trainable = set(self.trainable)
        return [p for p in self.params.values() if p not in trainable]

    def node(self, key: Key) -> Value:
        """The Value of a ledger key: a node, an input, or a parameter."""
        if key[0] == "p":
            return self.params[key[1]]
        return self.nodes[self.ledger.node(key)]

    def optimizer(self) -> Optimizer:
        """A fresh optimizer of the run over the trainable parameters."""
        return optimizer_for(self.ledger.run, self.trainable)


Params = dict[tuple[Any, ...], Value]
Forward = Callable[[int, bool], tuple[dict[Key, Value], Value]]


def setup(ex: WorkedExample) -> tuple[Params, Forward]:
    """The example's parameters, named as the document names them, and its forward pass at a
    step (``forward(q, label)``): a layered network's or an expression graph's."""
    if ex.graph is not None:
        graph = ex.graph
        inputs: Params = {("in", name): Value(value, label=name) for name, value in graph.inputs.items()}
        return inputs, lambda q, label: graph_forward(graph, inputs, q, label)
    layers = _layers(ex)
    params = _parameters(ex, layers)
    return params, lambda q, label: forward(ex, layers, params, q, label)


def graph_forward(
    graph: GraphSpec, inputs: Params, q: int, label: bool = True
) -> tuple[dict[Key, Value], Value]:
    """An expression graph's nodes at step ``q``, each built from its definition on the inputs
    and the nodes before it; with ``label`` each carries the document's name."""
    env: dict[str, Value] = {name: inputs[("in", name)] for name in graph.inputs}
    nodes: dict[Key, Value] = {}
    for name, expr in graph.nodes:
        node = _evaluate(expr, env, label)
        if label:
            node.label = name + _after(q)
        env[name] = nodes[("n", name, q)] = node
    return nodes, nodes[("n", graph.output, q)]


def _evaluate(expr: Expr, env: dict[str, Value], label: bool = False) -> Value:
    """A definition of the reference language on Values (a lone name or number is copied, so
    that every node is a node of its own; a number stays a constant, as in ``x ** 2``). With
    ``label``, the nodes inside a definition are named by their own text (``w0 * x0``)."""
    result = _operand(expr, env, label)
    if not isinstance(result, Value):
        return Value(result)  # a constant node, such as "c = 10"
    return result + 0.0 if isinstance(expr, Ref) else result  # "d = e" is a node of its own


def _operand(expr: Expr, env: dict[str, Value], label: bool = False) -> Value | float:
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Ref):
        return env[expr.name]
    assert isinstance(expr, Apply)
    args = [_operand(a, env, label) for a in expr.args]
    values = [a if isinstance(a, Value) else Value(a) for a in args]
    result: Value | float
    if expr.op in ARITHMETIC:
        result = ARITHMETIC[expr.op](*args)
    elif expr.op == "sum":
        result = Value.sum(values)
    elif expr.op in ("max", "min"):
        result = (max if expr.op == "max" else min)(values, key=lambda v: v.data) + 0.0
    else:  # a function of one input: a row of chainrule's op table
        row = function_row(expr.op)
        assert row is not None, expr.op  # the parser takes no other name
        result = apply_op(row, [values[0]])
    if label and isinstance(result, Value):
        result.label = str(expr)
    return result


ARITHMETIC: dict[str, Callable[..., Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "neg": lambda a: -a,
}


def step_graph(ledger: Ledger, q: int = 0) -> StepGraph:
    """The graph of the forward pass after ``q`` optimizer steps of the ledger's run, built
    fresh from the example (no backward pass yet)."""
    params, forward_at = setup(ledger.ex)
    trainable = [p for pid, p in params.items() if not ledger.frozen(pid)]
    optimizer = stepper(ledger.run, trainable) if q else None
    if optimizer is not None:  # None: no step, or steps that leave every parameter as it is
        for done in range(q):
            nodes, _ = forward_at(done, False)
            optimizer.zero_grad()
            nodes[ledger.total(done)].backward()
            optimizer.step()
    nodes, root = forward_at(q, True)
    return StepGraph(ledger, root, nodes, params, trainable)


class EngineRun:
    """One optimizer run of an example through the engine; ``values`` maps ledger keys to
    the engine's numbers, ``gradients`` the gradient each step used (by the key of the
    gradient the ledger's update reads)."""

    def __init__(self, ledger: Ledger, needed: Iterable[Key]) -> None:
        self.ledger = ledger
        ex = self.ex = ledger.ex
        self.values: dict[Key, float] = {}
        self.gradients: dict[Key, float] = {}
        derivatives: dict[Any, list[Key]] = {}
        for key in needed:
            if key[0] in ("D", "L"):
                derivatives.setdefault(ledger.step_of(key[1]), []).append(key)
        params, forward_at = setup(ex)
        trainable = [pid for pid in params if not ledger.frozen(pid)]
        stepped = ex.steps > 0 or ex.loop is not None
        optimizer = stepper(ledger.run, [params[pid] for pid in trainable]) if stepped else None
        self.loss_curve: list[float] = []  # the training loop's loss, epoch by epoch
        for q in range(ex.steps + 1):
            nodes, _ = forward_at(q, False)
            for pid, p in params.items():
                if q == 0 or not ledger.frozen(pid):
                    self.values[ledger.param(pid, q)] = p.data
            for key, node in nodes.items():
                self.values[key] = node.data
            for key in derivatives.get(q, []):
                top, bottom = nodes[ledger.node(key[1])], self._node(key[2], nodes, params)
                self.values[key] = grad(top, [bottom])[0]
            if q == ex.steps:
                break
            if optimizer is None:
                continue  # nothing is trainable: the step changes nothing
            for p in params.values():
                p.grad = 0.0
            nodes[ledger.total(q)].backward()  # the batch's loss, or one sample's (per_sample)
            for pid in trainable:
                self.gradients[("D", ledger.total(q), ledger.param(pid, q))] = params[pid].grad
            optimizer.step()
            if isinstance(optimizer, Adam):
                for i, pid in enumerate(trainable):
                    self.values[("m", pid, q)] = optimizer.m[i]
                    self.values[("v", pid, q)] = optimizer.v[i]
            elif isinstance(optimizer, SGD) and optimizer.momentum:
                for i, pid in enumerate(trainable):
                    self.values[("velocity", pid, q)] = optimizer.velocity[i]
        if ex.loop is not None:
            self._loop()

    def _node(self, key: Key, nodes: dict[Key, Value], params: dict[tuple[Any, ...], Value]) -> Value:
        if key[0] == "p":
            return params[key[1]]
        return nodes[self.ledger.node(key)]

    def _loop(self) -> None:
        ex, ledger = self.ex, self.ledger
        assert ex.loop is not None
        layers = _layers(ex)
        params = _parameters(ex, layers)
        optimizer = stepper(ledger.run, [p for pid, p in params.items() if not ledger.frozen(pid)])
        epoch = 0
        while True:
            epoch += 1
            nodes, loss = forward(ex, layers, params, 0, label=False)
            self.loss_curve.append(loss.data)
            if loss.data < ex.loop.stop_below or epoch > ex.loop.max_epochs:
                break
            if optimizer is None:  # nothing is trainable: every epoch has the same loss
                continue
            for p in params.values():
                p.grad = 0.0
            loss.backward()
            optimizer.step()
        self.values[("epoch",)] = float(epoch)
        for key, node in nodes.items():
            self.values[("stop", key)] = node.data
        for pid, p in params.items():
            self.values[("stop", ledger.param(pid, 0))] = p.data

    def cross_check(self) -> None:
        """Every engine value against the ledger's rules; a disagreement is chainrule's bug.

        Each step is checked on its own: the gradients the engine stepped with against the
        chain rule, and its updates against the rules' updates from those same gradients. Not
        from the rules' own: Adam divides a gradient by its own size, so where a gradient is zero
        but for rounding (a softmax's shared bias, two paths that cancel), two float64
        computations of it differ in a noise that Adam's step turns into numbers of its own.
        """
        rules = ledger_for(self.ex, self.ledger.run)
        rules.step_gradients = dict(self.gradients)
        for key, value in [*self.values.items(), *self.gradients.items()]:
            if key[0] in ("stop", "epoch", "x", "t"):
                continue
            expected = rules.truth(key)
            if not math.isclose(expected, value, rel_tol=1e-9, abs_tol=1e-12):
                raise EngineMismatch(
                    f"{self.ex.origin}: the engine gives {value!r} for {key} "
                    f"but the textbook rules give {expected!r}"
                )

"""The ledger: every quantity of a worked example as a step of the textbook computation.

A key names one quantity of one optimizer run (indices are 0-based inside, 1-based in files):

- ``("x", s, k)``, ``("t", s, j)``: input k and target j of sample s;
- ``("p", pid, q)``: a parameter after q steps (``pid`` is ``("w", layer, j, k)``,
  ``("b", layer, j)`` or a shared ``("b", layer)``; a frozen one is always ``q = 0``);
- ``("z", s, layer, j, q)``, ``("a", s, layer, j, q)``: a neuron's pre-activation and activation;
- ``("term", s, j, q)``, ``("Es", s, q)``, ``("E", q)``: a loss term, a sample's loss, the
  total (with one sample, ``Es`` is ``E``);
- ``("L", child, parent)``: a local derivative; ``("D", top, bottom)``: any other derivative;
- ``("m" | "v" | "mhat" | "vhat", pid, q)``: Adam's state after the step from step q;
- ``("fn", op, *args)``, ``("num", value)``: arithmetic the document wrote down;
- ``("stop", ...)``, ``("epoch",)``: where a training loop stopped (values from the replay only).

Each key has a rule that computes it from other keys, as a textbook does: δ = ∂E/∂a · ∂a/∂z,
∂E/∂w = δ · a_in, and so on. ``evaluate`` runs the rules, optionally *cut* at the numbers a
document printed (``printed``): that is how the checker redoes one step from the document's own
inputs, and with a mistake's formulas (``Mistake``) how it tests a conceptual error.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .arithmetic import FLOAT64, Arithmetic, Real
from .refs import SAMPLE_PLACEHOLDER, Apply, Deriv, Expr, Num, Ref, State, parse
from .rules import Formula, Mistake, standard_formula
from .spec import OptimizerSpec, WorkedExample

Key = tuple[Any, ...]
STATE_KINDS = ("m", "v", "mhat", "vhat", "velocity")  # an optimizer's state, by parameter and step
ONE: Key = ("num", 1.0)


class QuantityError(ValueError):
    """A quantity that names nothing in the example; the message suggests the nearest names."""


@dataclass(frozen=True)
class Named:
    """What a document's name stands for."""

    kind: str  # input, target, param, z, a, loss, term, alias, epoch
    index: tuple[Any, ...] = ()
    text: str = ""  # an alias's quantity


def name_table(ex: WorkedExample) -> dict[str, Named]:
    """Every name the example defines, mapped to what it stands for."""
    table: dict[str, Named] = {}

    def add(name: str, named: Named) -> None:
        if name in table:
            raise QuantityError(f"{ex.origin}: the name {name!r} is used twice")
        table[name] = named

    for k, name in enumerate(ex.input_names):
        add(name, Named("input", (k,)))
    for j, name in enumerate(ex.target_names):
        add(name, Named("target", (j,)))
    for li, layer in enumerate(ex.layers):
        for j, row in enumerate(layer.weight_names):
            for k, name in enumerate(row):
                add(name, Named("param", (("w", li, j, k),)))
        if layer.shared_bias:
            add(layer.bias_names[0], Named("param", (("b", li),)))
        else:
            for j, name in enumerate(layer.bias_names):
                add(name, Named("param", (("b", li, j),)))
        for j, name in enumerate(layer.z_names):
            add(name, Named("z", (li, j)))
        for j, name in enumerate(layer.a_names):
            if layer.activation == "identity" and name == layer.z_names[j]:
                continue
            add(name, Named("a", (li, j)))
    add(ex.loss.name, Named("loss"))
    for j, name in enumerate(ex.loss.term_names):
        add(name, Named("term", (j,)))
    add("epoch", Named("epoch"))
    for name, text in ex.aliases.items():
        add(name, Named("alias", text=text))
    return table


class Ledger:
    """The rules of one optimizer run of an example, with or without a mistake."""

    def __init__(
        self,
        ex: WorkedExample,
        run: OptimizerSpec,
        mistake: Mistake | None = None,
        arithmetic: Arithmetic = FLOAT64,
    ) -> None:
        self.ex = ex
        self.num = arithmetic
        self.run = run
        self.mistake = mistake
        self.names = self.name_table()
        self.n_layers = len(ex.layers)
        self.n_out = ex.layers[-1].width if ex.layers else 0
        self._children: dict[Any, dict[Key, list[Key]]] = {}
        self._ancestors: dict[Key, frozenset[Key]] = {}
        self._truth: dict[Key, float] = {}
        self.given: dict[Key, float] = {}  # where a loop stopped: known from the replay only
        # The engine's gradient at each step, by the key of the gradient the step uses: given, the
        # updates are computed from them (how the replay's steps are verified one at a time).
        self.step_gradients: dict[Key, float] = {}

    # ---- names -------------------------------------------------------------------------------

    def name_table(self) -> dict[str, Named]:
        """Every name the example defines (``name_table``)."""
        return name_table(self.ex)

    def known(self, name: str) -> bool:
        return name in self.names

    def parse(self, text: str) -> Expr:
        return parse(text, self.known)

    def key(self, text: str) -> Key:
        """The key of a quantity written in the reference language."""
        return self.key_of(self.parse(text), text)

    def key_of(self, expr: Expr, text: str) -> Key:
        if isinstance(expr, Num):
            return ("num", expr.value)
        if isinstance(expr, Apply):
            return ("fn", expr.op, *(self.key_of(a, text) for a in expr.args))
        if isinstance(expr, Ref):
            return self._ref(expr, text)
        if isinstance(expr, State):
            return self._state(expr, text)
        return self._deriv(expr, text)

    def _unknown(self, name: str, text: str) -> QuantityError:
        near = difflib.get_close_matches(name, list(self.names), n=4, cutoff=0.5)
        hint = f"; nearest known names: {', '.join(near)}" if near else ""
        return QuantityError(f"unknown name {name!r} in {text!r}{hint}")

    def _sample(self, ref: Ref, text: str, per_sample: bool) -> int | None:
        if not per_sample:
            if ref.sample is not None:
                raise QuantityError(f"{ref.name} in {text!r} is shared by all samples: drop [{ref.sample}]")
            return None
        if ref.sample is None or ref.sample == SAMPLE_PLACEHOLDER:
            if self.ex.batch == 1:
                return 0
            raise QuantityError(
                f"{ref.name} in {text!r} differs per sample: "
                f"write {ref.name}[1] to {ref.name}[{self.ex.batch}]"
            )
        if not 1 <= ref.sample <= self.ex.batch:
            raise QuantityError(
                f"{text!r}: sample {ref.sample} is out of range; the batch has {self.ex.batch}"
            )
        return ref.sample - 1

    def _step(self, ref: Ref, text: str) -> int | str:
        step = 0 if ref.step is None else ref.step
        if step == "stop":
            if self.ex.loop is None:
                raise QuantityError(f"{text!r}: @stop needs a training loop ([training] stop_below)")
            return step
        assert isinstance(step, int)
        if step > self.ex.steps:
            raise QuantityError(
                f"{text!r} is after {step} step(s), but the example takes {self.ex.steps} ([training] steps)"
            )
        return step

    def _ref(self, ref: Ref, text: str) -> Key:
        named = self.names.get(ref.name)
        if named is None:
            raise self._unknown(ref.name, text)
        if named.kind == "alias":
            return self._alias(ref, named.text, text)
        if named.kind == "epoch":
            if ref.step != "stop":
                raise QuantityError(f"{text!r}: epoch is only known where the loop stopped: write epoch@stop")
            return ("epoch",)
        if named.kind in ("input", "target"):
            s = self._sample(ref, text, True)
            return ("x" if named.kind == "input" else "t", s, named.index[0])
        q = self._step(ref, text)
        if named.kind == "param":
            self._sample(ref, text, False)
            key = self.param(named.index[0], q if isinstance(q, int) else 0)
            return ("stop", key) if q == "stop" else key
        if named.kind == "loss":
            if ref.sample is None or self.ex.batch == 1:
                self._sample(ref, text, self.ex.batch == 1 and ref.sample is not None)
                key = ("E", 0)
            else:
                key = ("Es", self._sample(ref, text, True), 0)
        else:
            s = self._sample(ref, text, True)
            key = (named.kind, s, *named.index, 0) if named.kind != "term" else ("term", s, named.index[0], 0)
        return self.at_step(self.node(key), q)

    def at_step(self, key: Key, q: int | str) -> Key:
        """A step-0 node key moved to step q (or to where the loop stopped)."""
        if q == "stop":
            return ("stop", key)
        return (*key[:-1], q)

    def param(self, pid: tuple[Any, ...], q: int) -> Key:
        return ("p", pid, 0 if self.frozen(pid) else q)

    def frozen(self, pid: tuple[Any, ...]) -> bool:
        layer = self.ex.layers[pid[1]]
        return ("weights" if pid[0] == "w" else "bias") in layer.frozen

    def _alias(self, ref: Ref, alias: str, text: str) -> Key:
        expr = self.parse(alias)

        def bind(e: Expr) -> Expr:
            if isinstance(e, Ref):
                sample = e.sample
                if sample == SAMPLE_PLACEHOLDER or (sample is None and self._takes_sample(e.name)):
                    sample = ref.sample
                return Ref(e.name, sample, e.step if e.step is not None else ref.step)
            if isinstance(e, Deriv):
                return Deriv(bind(e.top), bind(e.bottom))  # type: ignore[arg-type]
            if isinstance(e, State):
                return State(e.which, bind(e.of))  # type: ignore[arg-type]
            if isinstance(e, Apply):
                return Apply(e.op, tuple(bind(a) for a in e.args))
            return e

        return self.key_of(bind(expr), f"{text} (= {alias})")

    def _state(self, state: State, text: str) -> Key:
        if state.which == "velocity" and not (self.run.kind == "sgd" and self.run.momentum):
            raise QuantityError(
                f"{text!r}: velocity(...) is the state of SGD with momentum, but run {self.run.name!r} "
                f"is {self.run.kind} without momentum"
            )
        if state.which != "velocity" and self.run.kind != "adam":
            raise QuantityError(
                f"{text!r}: {state.which}(...) is Adam's state, but run {self.run.name!r} is {self.run.kind}"
            )
        key = self._ref(state.of, text)
        if key[0] != "p":
            raise QuantityError(f"{text!r}: {state.which}(...) takes a parameter")
        if self.frozen(key[1]):
            raise QuantityError(
                f"{text!r}: {state.of.name} is not trained (frozen, or not among a graph optimizer's "
                f"parameters): the optimizer keeps no {state.which} for it"
            )
        q = key[2]
        if not isinstance(q, int) or q >= self.ex.steps:
            raise QuantityError(
                f"{text!r}: the example takes no step from there ([training] steps = {self.ex.steps})"
            )
        return (state.which, key[1], q)

    def _deriv(self, d: Deriv, text: str) -> Key:
        top, bottom = d.top, d.bottom
        # A side without a sample or a step takes the other side's.
        if top.sample is None and self._per_sample(bottom) and self._takes_sample(top.name):
            top = Ref(top.name, bottom.sample, top.step)
        if bottom.sample is None and self._per_sample(top) and self._takes_sample(bottom.name):
            bottom = Ref(bottom.name, top.sample, bottom.step)
        if top.step is None:
            top = Ref(top.name, top.sample, bottom.step)
        if bottom.step is None:
            bottom = Ref(bottom.name, bottom.sample, top.step)
        a, b = self._ref(top, text), self._ref(bottom, text)
        if "stop" in (a[0], b[0]):
            raise QuantityError(f"{text!r}: derivatives are not kept where the loop stopped")
        if a[0] in ("p", "x", "t", "fn", "num", "D", "L") or a[0] in STATE_KINDS:
            raise QuantityError(
                f"{text!r}: the top of a derivative must be a node of the network or the loss"
            )
        if b[0] in ("fn", "num", "D", "L", "t") or b[0] in STATE_KINDS:
            raise QuantityError(
                f"{text!r}: the bottom of a derivative must be a node, an input or a parameter"
            )
        if b[0] == "p" and a[-1] != b[2] and not self.frozen(b[1]):
            raise QuantityError(f"{text!r}: the parameter must be taken at the same step as the top")
        return self.derivative(a, b)

    def _per_sample(self, ref: Ref) -> bool:
        return ref.sample is not None

    def _takes_sample(self, name: str) -> bool:
        """Whether a reference to ``name`` without a sample takes one from its context (the loss
        does not: ``E`` alone is the total)."""
        named = self.names.get(name)
        return named is not None and named.kind in ("input", "target", "z", "a", "term", "alias")

    def derivative(self, top: Key, bottom: Key) -> Key:
        """d(top)/d(bottom), as a local derivative when bottom reaches top by one edge only."""
        if top == bottom:
            return ONE
        if bottom in self.parents(top):
            others = [c for c in self.children(bottom, top) if c != top]
            if not others:
                return ("L", top, bottom)
        return ("D", top, bottom)

    # ---- the forward graph --------------------------------------------------------------------

    def _input(self, s: int, li: int, k: int, q: int) -> Key:
        return ("x", s, k) if li == 0 else self.node(("a", s, li - 1, k, q))

    def _bias(self, li: int, j: int, q: int) -> Key | None:
        layer = self.ex.layers[li]
        if layer.bias is None:
            return None
        return self.param(("b", li) if layer.shared_bias else ("b", li, j), q)

    def total(self, q: int) -> Key:
        """The key of what the optimizer minimises at step q: the total loss, or with a
        per-sample schedule the loss of the sample that step takes (in order, round again)."""
        if self.ex.schedule == "per_sample" and self.ex.batch > 1:
            return ("Es", q % self.ex.batch, q)
        return ("E", q)

    def loss_key(self, s: int, q: int) -> Key:
        return ("E", q) if self.ex.batch == 1 else ("Es", s, q)

    def parents(self, key: Key) -> list[Key]:
        """A node's inputs in the forward graph (targets and constants left out)."""
        kind = key[0]
        if kind == "z":
            _, s, li, j, q = key
            out = []
            for k in range(len(self.ex.layers[li].weights[j])):
                out += [self.param(("w", li, j, k), q), self._input(s, li, k, q)]
            bias = self._bias(li, j, q)
            return out + ([bias] if bias is not None else [])
        if kind == "a":
            _, s, li, j, q = key
            if self.ex.layers[li].activation == "softmax":
                return [("z", s, li, i, q) for i in range(self.ex.layers[li].width)]
            return [("z", s, li, j, q)]
        if kind == "term":
            _, s, j, q = key
            return [self._output(s, j, q)]
        if kind == "Es":
            _, s, q = key
            return [("term", s, j, q) for j in range(self.n_out)]
        if kind == "E":
            q = key[1]
            if self.ex.batch == 1:
                return [("term", 0, j, q) for j in range(self.n_out)]
            return [("Es", s, q) for s in range(self.ex.batch)]
        return []

    def _output(self, s: int, j: int, q: int) -> Key:
        last = self.n_layers - 1
        kind = "z" if self._is_identity(last) else "a"
        return (kind, s, last, j, q)

    def _is_identity(self, li: int) -> bool:
        layer = self.ex.layers[li]
        return layer.activation == "identity"

    def node(self, key: Key) -> Key:
        """``a`` of an identity layer is its ``z``."""
        if key[0] == "a" and self._is_identity(key[2]):
            return ("z", *key[1:])
        return key

    def forward_nodes(self, q: int) -> list[Key]:
        nodes: list[Key] = []
        for s in range(self.ex.batch):
            for li, layer in enumerate(self.ex.layers):
                for j in range(layer.width):
                    nodes.append(("z", s, li, j, q))
                    if not self._is_identity(li):
                        nodes.append(("a", s, li, j, q))
            nodes += [("term", s, j, q) for j in range(self.n_out)]
            if self.ex.batch > 1:
                nodes.append(("Es", s, q))
        nodes.append(("E", q))
        return nodes

    def step_of(self, key: Key) -> int:
        """The optimizer step a key belongs to (-1: inputs, targets and frozen parameters)."""
        if key[0] in ("x", "t"):
            return -1
        if key[0] == "p":
            return -1 if key[2] == 0 and self.frozen(key[1]) else int(key[2])
        return int(key[-1])

    def children(self, key: Key, within: Key) -> list[Key]:
        """The nodes that read ``key`` in the forward graph of ``within``'s step."""
        q = self.step_of(within)
        table = self._children.get(q)
        if table is None:
            table = {}
            for node in self.forward_nodes(q):
                for parent in self.parents(node):
                    table.setdefault(parent, []).append(node)
            self._children[q] = table
        return [c for c in table.get(key, []) if c == within or c in self.ancestors(within)]

    def ancestors(self, key: Key) -> frozenset[Key]:
        cached = self._ancestors.get(key)
        if cached is None:
            found: set[Key] = set()
            stack = list(self.parents(key))
            while stack:
                k = stack.pop()
                if k not in found:
                    found.add(k)
                    stack.extend(self.parents(k))
            cached = self._ancestors[key] = frozenset(found)
        return cached

    # ---- rules ------------------------------------------------------------------------------

    def formula(self, site: str, variant: str = "") -> Formula:
        if self.mistake is not None and site in self.mistake.rules:
            return self.mistake.rules[site]
        return standard_formula(site, variant)

    def _site(self, site: str, variant: str, values: dict[str, Any]) -> Any:
        """A site's formula (the mistake's, if it replaces it) on ``values``, in this ledger's
        arithmetic."""
        return self.formula(site, variant)(values, self.num.functions())

    def truth(self, key: Key) -> float:
        """The value by the rules alone (no printed numbers)."""
        return self.evaluate(key, {}, cache=self._truth)[0]

    def evaluate(
        self,
        key: Key,
        printed: Mapping[Key, float],
        target: Key | None = None,
        cache: dict[Key, float] | None = None,
    ) -> tuple[float, set[Key]]:
        """The value of ``key`` with every printed quantity (except ``target``) taken as printed.

        Returns the value and the printed keys it used. A rule that cannot be evaluated on the
        printed numbers (say, ln of a negative) gives NaN.
        """
        memo: dict[Key, float] = {} if cache is None else cache
        used: set[Key] = set()

        def ev(k: Key) -> Real:
            if k != target and k in printed:
                used.add(k)
                return printed[k]
            if k in memo:
                return memo[k]
            try:
                value = self.rule(k, ev)
            except (ArithmeticError, ValueError):
                value = math.nan
            memo[k] = value
            return value

        return ev(key), used

    def rule(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        kind = key[0]
        ex = self.ex
        if kind == "num":
            return self.num.const(key[1])
        if kind == "fn":
            return _apply(key[1], [ev(k) for k in key[2:]], self.num)
        if kind == "x":
            return self.num.const(ex.inputs[key[1]][key[2]])
        if kind == "t":
            return self.num.const(ex.targets[key[1]][key[2]])
        if kind == "p":
            return self._param_rule(key, ev)
        if kind == "z":
            ps = self.parents(key)
            n = len(ex.layers[key[2]].weights[key[3]])
            total = self.num.fsum(ev(ps[2 * k]) * ev(ps[2 * k + 1]) for k in range(n))
            return total + ev(ps[-1]) if len(ps) > 2 * n else total
        if kind == "a":
            return self._activation(key, ev)
        if kind == "term":
            _, s, j, q = key
            a, t = ev(self._output(s, j, q)), self.num.const(ex.targets[s][j])
            if ex.loss.kind == "cross_entropy":
                return -t * self.num.log(a) if t else self.num.const(0.0)
            return (0.5 if ex.loss.half else 1.0) * (a - t) ** 2
        if kind in ("Es", "E"):
            return self._reduction(key) * sum(ev(p) for p in self.parents(key))
        if kind == "L":
            return self._local(key[1], key[2], ev)
        if kind == "D":
            return self._chain(key[1], key[2], ev)
        if kind == "velocity":
            return self._velocity(key, ev)
        if kind in STATE_KINDS:
            return self._adam_state(key, ev)
        if key in self.given:
            return self.given[key]
        raise ValueError(f"no rule for {key}")  # stop and epoch come from the replay only

    def _reduction(self, node: Key) -> Real:
        """The factor that combines the terms of a sample (Es, or E for one sample) or the samples."""
        over_outputs = node[0] == "Es" or self.ex.batch == 1
        site = "output_reduction" if over_outputs else "batch_reduction"
        n = self.n_out if over_outputs else self.ex.batch
        mean = (self.ex.loss.outputs if over_outputs else self.ex.loss.batch) == "mean"
        one = self.num.const(1.0)
        return self._site(site, "", {"n": n, "scale": one / n if mean else one})

    def _activation(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        _, s, li, j, q = key
        act = self.ex.layers[li].activation
        if act == "softmax":
            zs = [ev(("z", s, li, i, q)) for i in range(self.ex.layers[li].width)]
            top = max(zs)
            exps = [self.num.exp(z - top) for z in zs]
            return exps[j] / sum(exps)
        z = ev(("z", s, li, j, q))
        return _apply(act, [z], self.num)

    def _local(self, child: Key, parent: Key, ev: Callable[[Key], Real]) -> Real:
        kind = child[0]
        if kind == "z":
            _, s, li, j, q = child
            ps = self.parents(child)
            i = ps.index(parent)
            if i == 2 * len(self.ex.layers[li].weights[j]):
                return 1.0  # the bias
            if i % 2 == 0:
                return ev(ps[i + 1])  # ∂z/∂w = the input it multiplies
            weight = ps[i - 1]
            w = ev(weight)
            w_next = ev(self.param(weight[1], q + 1)) if isinstance(q, int) and q < self.ex.steps else w
            return self._site("weight_backprop", "", {"w": w, "w_next": w_next})
        if kind == "a":
            _, s, li, i, q = child
            act = self.ex.layers[li].activation
            j = parent[3]
            a = ev(child)
            a_j = ev(("a", s, li, j, q)) if act == "softmax" else a
            values = {"a": a, "z": ev(parent), "a_j": a_j, "kron": 1.0 if i == j else 0.0}
            return self._site("activation_derivative", act, values)
        if kind == "term":
            _, s, j, q = child
            t = self.num.const(self.ex.targets[s][j])
            values = {"a": ev(parent), "t": t, "c": self.num.const(0.5 if self.ex.loss.half else 1.0)}
            return self._site("loss_derivative", self.ex.loss.kind, values)
        if kind in ("Es", "E"):
            return self._reduction(child)
        raise ValueError(f"no local derivative of {child} by {parent}")

    def _chain(self, top: Key, bottom: Key, ev: Callable[[Key], Real]) -> Real:
        """d(top)/d(bottom) = Σ over bottom's children c: d(top)/d(c) · ∂c/∂bottom; a total loss
        over a batch goes through each sample's loss first, as textbooks do."""
        if top == bottom:
            return 1.0
        if top[0] == "E" and self.ex.batch > 1 and bottom[0] not in ("Es",):
            q = top[1]
            per_sample = self._sample_of(bottom)
            samples = range(self.ex.batch) if per_sample is None else [per_sample]
            return sum(
                ev(self.derivative(top, ("Es", s, q))) * ev(self.derivative(("Es", s, q), bottom))
                for s in samples
            )
        total = sum(ev(self.derivative(top, c)) * ev(("L", c, bottom)) for c in self.children(bottom, top))
        if bottom[0] == "p" and bottom[1][0] == "b" and len(bottom[1]) == 2:
            n = self.ex.layers[bottom[1][1]].width
            return self._site("shared_bias", "", {"total": total, "n": n})
        return total

    def _sample_of(self, key: Key) -> int | None:
        if key[0] in ("x", "t", "z", "a", "term", "Es"):
            return int(key[1])
        return None

    def _param_rule(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        _, pid, q = key
        if q == 0:
            layer = self.ex.layers[pid[1]]
            if pid[0] == "w":
                return self.num.const(layer.weights[pid[2]][pid[3]])
            bias = layer.bias
            assert bias is not None
            return self.num.const(bias if isinstance(bias, float) else bias[pid[2]])
        before = ("p", pid, q - 1)
        run = self.run
        if run.kind == "sgd":
            g = self.step_gradient(pid, q - 1, ev)
            if run.momentum:
                velocity = ev(("velocity", pid, q - 1))
                g = g + self.num.const(run.momentum) * velocity if run.nesterov else velocity
            return self._site("sgd_step", "", {"p": ev(before), "lr": self.num.const(run.lr), "g": g})
        values = {"p": ev(before), "lr": self.num.const(run.lr), "eps": self.num.const(run.eps)}
        values["mhat"] = ev(("mhat", pid, q - 1))
        values["vhat"] = ev(("vhat", pid, q - 1))
        return self._site("adam_step", "", values)

    def step_gradient(self, pid: tuple[Any, ...], q: int, ev: Callable[[Key], Real]) -> Real:
        """The gradient the optimizer's step from step q reads for a parameter: by the chain rule,
        or the engine's when it is given (``step_gradients``)."""
        key = ("D", self.total(q), ("p", pid, q))
        given = self.step_gradients.get(key)
        return ev(key) if given is None else self.num.const(given)

    def _velocity(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        """SGD's velocity after the step from step q: momentum · the last one + the gradient."""
        _, pid, q = key
        g = self.step_gradient(pid, q, ev)
        before = ev(("velocity", pid, q - 1)) if q > 0 else self.num.const(0.0)
        return self._site("momentum", "", {"mu": self.num.const(self.run.momentum), "v": before, "g": g})

    def _adam_state(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        which, pid, q = key
        beta1, beta2 = (self.num.const(b) for b in self.run.betas)
        if which in ("mhat", "vhat"):
            moment = ev(("m" if which == "mhat" else "v", pid, q))
            beta = beta1 if which == "mhat" else beta2
            variant = "on" if self.run.bias_correction else "off"
            return self._site("adam_correction", variant, {"m": moment, "beta": beta, "t": q + 1})
        g = self.step_gradient(pid, q, ev)
        before = ev((which, pid, q - 1)) if q > 0 else self.num.const(0.0)
        if which == "m":
            return beta1 * before + (1 - beta1) * g
        return beta2 * before + (1 - beta2) * g * g


def _apply(op: str, args: list[Any], num: Arithmetic = FLOAT64) -> Any:
    if op == "sum":
        return num.fsum(args)
    if op == "max":
        return max(args)
    if op == "min":
        return min(args)
    if op == "neg":
        return -args[0]
    if op in ("+", "-", "*", "/", "**"):
        a, b = args
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        result = a**b
        if getattr(result, "imag", 0) != 0:
            raise ValueError("complex power")
        return getattr(result, "real", result)
    if op == "identity":
        return args[0]
    return num.apply(op, args[0])  # a function of one input: a row of the op table

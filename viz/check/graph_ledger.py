"""The ledger of an expression graph worked by hand (``[graph]``): each node's value from its
definition, each local derivative from its ops' textbook derivatives, and the chain rule node by
node, every step a site a mistake from the catalogue can replace.

Keys, as in ``ledger``: ``("n", name, q)`` a node after q optimizer steps; ``("p", ("in", name),
q)`` an input (stepped only when the optimizer names it among its ``parameters``); ``("D", top,
bottom)`` and ``("L", child, parent)`` derivatives; Adam's state as for a network.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from nn.activations import is_activation_op

from .arithmetic import FLOAT64, Arithmetic, Real
from .ledger import Key, Ledger, Named, QuantityError, _apply
from .refs import Apply, Expr, Num, Ref
from .rules import Mistake, function_derivative
from .spec import GraphSpec, OptimizerSpec, WorkedExample


class GraphLedger(Ledger):
    """The rules of one optimizer run of an expression graph, with or without a mistake."""

    @property
    def graph(self) -> GraphSpec:
        assert self.ex.graph is not None, "an expression graph's ledger needs a [graph]"
        return self.ex.graph

    @cached_property
    def definitions(self) -> dict[str, Expr]:
        """Each node's definition, by its name."""
        return dict(self.graph.nodes)

    def name_table(self) -> dict[str, Named]:
        table: dict[str, Named] = {}
        for name in self.graph.inputs:
            table[name] = Named("param", (("in", name),))
        for name, _ in self.graph.nodes:
            table[name] = Named("node", (name,))
        for name, text in self.ex.aliases.items():
            if name in table:
                raise QuantityError(f"{self.ex.origin}: the name {name!r} is used twice")
            table[name] = Named("alias", text=text)
        return table

    # ---- names ------------------------------------------------------------------------------

    def _ref(self, ref: Ref, text: str) -> Key:
        named = self.names.get(ref.name)
        if named is None or named.kind != "node":
            return super()._ref(ref, text)
        if ref.sample is not None:
            raise QuantityError(f"{ref.name} in {text!r}: a graph has no samples: drop [{ref.sample}]")
        q = self._step(ref, text)
        return self.at_step(("n", ref.name, 0), q)

    def _takes_sample(self, name: str) -> bool:
        return False

    def frozen(self, pid: tuple[Any, ...]) -> bool:
        return pid[1] not in self.run.parameters

    def total(self, q: int) -> Key:
        return ("n", self.graph.output, q)

    # ---- the graph --------------------------------------------------------------------------

    def _key_of_name(self, name: str, q: int) -> Key:
        return self.param(("in", name), q) if name in self.graph.inputs else ("n", name, q)

    def parents(self, key: Key) -> list[Key]:
        if key[0] != "n":
            return []
        _, name, q = key
        out: list[Key] = []
        for ref in _refs(self.definitions[name]):
            parent = self._key_of_name(ref, q)
            if parent not in out:
                out.append(parent)
        return out

    def forward_nodes(self, q: int) -> list[Key]:
        return [("n", name, q) for name, _ in self.graph.nodes]

    # ---- rules ------------------------------------------------------------------------------

    def rule(self, key: Key, ev: Callable[[Key], Real]) -> Real:
        if key[0] == "n":
            _, name, q = key
            return self._value(self.definitions[name], q, ev)
        if key[0] == "p" and key[2] == 0:
            return self.num.const(self.graph.inputs[key[1][1]])
        return super().rule(key, ev)

    def _value(self, expr: Expr, q: int, ev: Callable[[Key], Real]) -> Real:
        if isinstance(expr, Num):
            return self.num.const(expr.value)
        if isinstance(expr, Ref):
            return ev(self._key_of_name(expr.name, q))
        assert isinstance(expr, Apply)
        return _apply(expr.op, [self._value(a, q, ev) for a in expr.args], self.num)

    def _local(self, child: Key, parent: Key, ev: Callable[[Key], Real]) -> Real:
        """∂child/∂parent with the child's other inputs held: the derivative of its definition,
        all uses of the parent summed (the fork site: a person may count only the first)."""
        if child[0] != "n":
            return super()._local(child, parent, ev)
        _, name, q = child
        target = parent[1][1] if parent[0] == "p" else parent[1]
        expr = self.definitions[name]
        uses = _refs(expr, unique=False).count(target)
        total = self._partial(expr, target, q, ev, None)
        first = self._partial(expr, target, q, ev, 0) if uses > 1 else total
        return self._site("fork", "", {"total": total, "first": first})

    def _partial(self, expr: Expr, target: str, q: int, ev: Callable[[Key], Real], only: int | None) -> Real:
        """∂expr/∂target by the textbook rules; with ``only``, just that use of ``target`` varies."""
        uses = [0]

        def value(e: Expr) -> Real:
            return self._value(e, q, ev)

        def d(e: Expr) -> Real:
            zero = self.num.const(0.0)
            if isinstance(e, Num):
                return zero
            if isinstance(e, Ref):
                if e.name != target:
                    return zero
                uses[0] += 1
                return self.num.const(1.0) if only is None or uses[0] - 1 == only else zero
            assert isinstance(e, Apply)
            args = e.args
            if e.op == "+":
                return d(args[0]) + d(args[1])
            if e.op == "-":
                return d(args[0]) + self._site("sub_second", "", {}) * d(args[1])
            if e.op == "neg":
                return -d(args[0])
            if e.op == "*":
                return d(args[0]) * value(args[1]) + value(args[0]) * d(args[1])
            if e.op == "/":
                a, b = value(args[0]), value(args[1])
                return d(args[0]) / b + self._site("quotient_second", "", {"a": a, "b": b}) * d(args[1])
            if e.op == "**":
                a, b = value(args[0]), value(args[1])
                da, db = d(args[0]), d(args[1])
                by_exponent = a**b * self.num.log(a) * db if db else 0
                return b * a ** (b - 1) * da + by_exponent
            if e.op in ("sum", "max", "min"):
                values = [value(a) for a in args]
                if e.op == "sum":
                    return self.num.fsum(d(a) for a in args)
                chosen = values.index(max(values) if e.op == "max" else min(values))
                derivatives = [d(a) for a in args]  # every use counted, in order
                return derivatives[chosen]
            x = value(args[0])
            inner = d(args[0])
            return self._function_derivative(e.op, x) * inner

        return d(expr)

    def _function_derivative(self, op: str, x: Real) -> Real:
        """The local derivative of a function of one argument at x."""
        a = _apply(op, [x], self.num)
        values = {"a": a, "z": x, "a_j": a, "kron": self.num.const(1.0)}
        if is_activation_op(op):  # a mistake at an activation's derivative applies here too
            return self._site("activation_derivative", op, values)
        return function_derivative(op)(values, self.num.functions())

    def _chain(self, top: Key, bottom: Key, ev: Callable[[Key], Real]) -> Real:
        """d(top)/d(bottom) = Σ over bottom's uses c: d(top)/d(c) · ∂c/∂bottom, each term a
        chain_product site and their sum a fork site."""
        if top == bottom:
            return self.num.const(1.0)
        terms = [
            self._site(
                "chain_product", "", {"upstream": ev(self.derivative(top, c)), "local": ev(("L", c, bottom))}
            )
            for c in self.children(bottom, top)
        ]
        if not terms:
            return self.num.const(0.0)
        return self._site("fork", "", {"total": self.num.fsum(terms), "first": terms[0]})


def _refs(expr: Expr, unique: bool = True) -> list[str]:
    """The names a definition reads, in order (each once, or every use)."""
    if isinstance(expr, Ref):
        return [expr.name]
    if isinstance(expr, Apply):
        names = [n for a in expr.args for n in _refs(a, unique)]
        return list(dict.fromkeys(names)) if unique else names
    return []


def ledger_for(
    ex: WorkedExample, run: OptimizerSpec, mistake: Mistake | None = None, arithmetic: Arithmetic = FLOAT64
) -> Ledger:
    """The ledger of an example's setup: a layered network's or an expression graph's."""
    if ex.graph is not None:
        return GraphLedger(ex, run, mistake, arithmetic)
    return Ledger(ex, run, mistake, arithmetic)

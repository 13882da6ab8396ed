"""One neuron, by hand and by the engine: forward, backward, and a look at every edge.

Run: python examples/quickstart.py
"""

from autograd import Value, grad, gradcheck, topological_order

# The first neuron of the classic 2-2-2 worked example: z = w1*i1 + w2*i2 + b1, a = sigmoid(z).
w1, w2, b1 = Value(0.15, label="w1"), Value(0.20, label="w2"), Value(0.35, label="b1")
z = Value.linear([w1, w2], [0.05, 0.10], b1)
z.label = "z_h1"
a = z.sigmoid()
a.label = "a_h1"
a.backward()

print(f"z_h1 = {z.data:.9f}   a_h1 = {a.data:.9f}")
print("every edge, child <- parent: local derivative d(child)/d(parent)")
for node in topological_order(a):
    for i, parent in enumerate(node.parents):
        name = parent.label or f"{parent.data:g}"
        print(f"  {node.label:>5} <- {name:<5} {node.local_formula(i):<30} = {node.local_grads[i]:.9f}")
print(f"d a_h1/d w1 = {w1.grad:.9f}  (= a(1-a) * i1 = {a.data * (1 - a.data) * 0.05:.9f})")

(second,) = grad(grad(a, [w1], create_graph=True)[0], [w1])
print(f"d²a_h1/d w1² = {second:.9f}")
print("gradcheck:", gradcheck(lambda w, v, b: Value.linear([w, v], [0.05, 0.10], b).sigmoid(), [w1, w2, b1]))

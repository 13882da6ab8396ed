"""Independent truth for the worked examples: each document's arithmetic in plain floats.

Nothing here uses the engine, and no number printed in a document is used: every value comes
from the documents' inputs (weights, data, learning rates) through hand-written formulas.
"""

from __future__ import annotations

import math


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def truth_000() -> dict[str, float]:
    w1, w2, w3, w4, w5, w6, b1, b2 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.35, 0.60
    data = [([0.05, 0.10], 0.01), ([0.80, 0.20], 0.99)]
    t: dict[str, float] = {}
    grads = {k: 0.0 for k in ("w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2")}
    for s, (x, y) in enumerate(data, start=1):
        z_h1 = w1 * x[0] + w2 * x[1] + b1
        z_h2 = w3 * x[0] + w4 * x[1] + b1
        a_h1, a_h2 = sig(z_h1), sig(z_h2)
        z_o1 = w5 * a_h1 + w6 * a_h2 + b2
        o = sig(z_o1)
        d_o = (o - y) * o * (1 - o)
        d_h1 = d_o * w5 * a_h1 * (1 - a_h1)
        d_h2 = d_o * w6 * a_h2 * (1 - a_h2)
        t.update(
            {
                f"z_h1[{s}]": z_h1,
                f"a_h1[{s}]": a_h1,
                f"z_h2[{s}]": z_h2,
                f"a_h2[{s}]": a_h2,
                f"z_o1[{s}]": z_o1,
                f"y[{s}]": o,
                f"E[{s}]": 0.5 * (y - o) ** 2,
                f"dE/dy[{s}]": o - y,
                f"dy/dz_o1[{s}]": o * (1 - o),
                f"delta_o1[{s}]": d_o,
                f"dE/dw5[{s}]": d_o * a_h1,
                f"dE/da_h1[{s}]": d_o * w5,
                f"da_h1/dz_h1[{s}]": a_h1 * (1 - a_h1),
                f"delta_h1[{s}]": d_h1,
                f"delta_h2[{s}]": d_h2,
                f"dE/dw1[{s}]": d_h1 * x[0],
            }
        )
        for k, g in (
            ("w1", d_h1 * x[0]),
            ("w2", d_h1 * x[1]),
            ("w3", d_h2 * x[0]),
            ("w4", d_h2 * x[1]),
            ("w5", d_o * a_h1),
            ("w6", d_o * a_h2),
            ("b1", d_h1 + d_h2),
            ("b2", d_o),
        ):
            grads[k] += g / 2
    t["E_total"] = (t["E[1]"] + t["E[2]"]) / 2
    params = {"w1": w1, "w2": w2, "w3": w3, "w4": w4, "w5": w5, "w6": w6, "b1": b1, "b2": b2}
    new = {}
    for k, g in grads.items():
        t[f"dE_total/d{k}"] = g
        new[k] = t[f"{k}+"] = params[k] - 0.5 * g
    x, y = data[0]
    a1 = sig(new["w1"] * x[0] + new["w2"] * x[1] + new["b1"])
    a2 = sig(new["w3"] * x[0] + new["w4"] * x[1] + new["b1"])
    o = sig(new["w5"] * a1 + new["w6"] * a2 + new["b2"])
    t["y_new[1]"], t["E_new[1]"] = o, 0.5 * (y - o) ** 2
    return t


def truth_001() -> dict[str, float]:
    i1, i2 = 0.05, 0.10
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, t1, t2 = 0.35, 0.60, 0.01, 0.99
    z_h1, z_h2 = w1 * i1 + w2 * i2 + b1, w3 * i1 + w4 * i2 + b1
    a_h1, a_h2 = sig(z_h1), sig(z_h2)
    z_o1, z_o2 = w5 * a_h1 + w6 * a_h2 + b2, w7 * a_h1 + w8 * a_h2 + b2
    a_o1, a_o2 = sig(z_o1), sig(z_o2)
    d_o1, d_o2 = (a_o1 - t1) * a_o1 * (1 - a_o1), (a_o2 - t2) * a_o2 * (1 - a_o2)
    d_h1 = (d_o1 * w5 + d_o2 * w7) * a_h1 * (1 - a_h1)
    d_h2 = (d_o1 * w6 + d_o2 * w8) * a_h2 * (1 - a_h2)
    grads = [d_h1 * i1, d_h1 * i2, d_h2 * i1, d_h2 * i2, d_o1 * a_h1, d_o1 * a_h2, d_o2 * a_h1, d_o2 * a_h2]
    old = [w1, w2, w3, w4, w5, w6, w7, w8]
    new = [w - 0.5 * g for w, g in zip(old, grads)]
    t = {
        "z_h1": z_h1,
        "a_h1": a_h1,
        "z_h2": z_h2,
        "a_h2": a_h2,
        "z_o1": z_o1,
        "a_o1": a_o1,
        "z_o2": z_o2,
        "a_o2": a_o2,
        "E_o1": 0.5 * (t1 - a_o1) ** 2,
        "E_o2": 0.5 * (t2 - a_o2) ** 2,
        "dE/da_o1": a_o1 - t1,
        "da_o1/dz_o1": a_o1 * (1 - a_o1),
        "dz_o1/dw5": a_h1,
        "dE/dw5": grads[4],
        "dE_o1/da_h1": d_o1 * w5,
        "dE_o2/da_h1": d_o2 * w7,
        "dE/da_h1": d_o1 * w5 + d_o2 * w7,
        "da_h1/dz_h1": a_h1 * (1 - a_h1),
        "dz_h1/dw1": i1,
        "dE/dw1": grads[0],
        "b1": b1,
        "b2": b2,
    }
    t["E_total"] = t["E_o1"] + t["E_o2"]
    t.update({f"w{k + 1}+": w for k, w in enumerate(new)})
    h1 = sig(new[0] * i1 + new[1] * i2 + b1)
    h2 = sig(new[2] * i1 + new[3] * i2 + b1)
    o1, o2 = sig(new[4] * h1 + new[5] * h2 + b2), sig(new[6] * h1 + new[7] * h2 + b2)
    t["E_total_new"] = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    return t


def truth_002() -> dict[str, float]:
    x, y = [2.0, 3.0, -1.0], 1.0
    W1, B1 = [[0.2, -0.5, 0.1], [-0.3, 0.4, 0.2]], [0.3, -0.1]
    w, b = [0.5, 0.2], 0.1
    z1, z2 = (sum(wi * xi for wi, xi in zip(row, x)) + bi for row, bi in zip(W1, B1))
    a1, a2 = sig(z1), sig(z2)
    z = w[0] * a1 + w[1] * a2 + b
    a = sig(z)
    delta = 2 * (a - y) * a * (1 - a)
    g = [delta * a1, delta * a2, delta]
    t = {
        **{f"W1_{j + 1}{k + 1}*x{k + 1}": row[k] * x[k] for j, row in enumerate(W1) for k in range(3)},
        "z1": z1,
        "z2": z2,
        "a1": a1,
        "a2": a2,
        "W2_1*a1": w[0] * a1,
        "W2_2*a2": w[1] * a2,
        "z_out": z,
        "a_out": a,
        "C": (a - y) ** 2,
        "dC/da": 2 * (a - y),
        "da/dz": a * (1 - a),
        "dz/db2": 1.0,
        "dC/dW2_1": g[0],
        "dC/dW2_2": g[1],
        "dC/db2": g[2],
    }
    old = [w[0], w[1], b]
    names = ["W2_1", "W2_2", "b2"]
    for name, p, gi in zip(names, old, g):
        t[f"sgd {name}"] = p - 0.1 * gi
        m, v = 0.1 * gi, 0.001 * gi * gi
        t[f"adam m {name}"], t[f"adam v {name}"] = m, v
        t[f"adam {name}"] = p - 0.1 * m / (math.sqrt(v) + 1e-8)
        t[f"adam corrected {name}"] = p - 0.1 * (m / 0.1) / (math.sqrt(v / 0.001) + 1e-8)
    n1, n2, nb = t["sgd W2_1"], t["sgd W2_2"], t["sgd b2"]
    t["new W2_1*a1"], t["new W2_2*a2"] = n1 * a1, n2 * a2
    t["new z_out"] = n1 * a1 + n2 * a2 + nb
    t["new a_out"] = sig(t["new z_out"])
    t["new C"] = (t["new a_out"] - y) ** 2
    return t


def _step_003(W1, b1, W2, b2):  # type: ignore[no-untyped-def]
    x, target = [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]
    z2 = [sum(w * xi for w, xi in zip(row, x)) + b for row, b in zip(W1, b1)]
    a2 = [sig(z) for z in z2]
    z3 = [sum(w * a for w, a in zip(row, a2)) + b for row, b in zip(W2, b2)]
    exps = [math.exp(z) for z in z3]
    a3 = [e / sum(exps) for e in exps]
    loss = -math.log(a3[0])
    d3 = [a - t for a, t in zip(a3, target)]
    back = [sum(W2[k][j] * d3[k] for k in range(3)) for j in range(2)]
    d2 = [back[j] * a2[j] * (1 - a2[j]) for j in range(2)]
    return z2, a2, z3, exps, a3, loss, d3, back, d2


def truth_003() -> dict[str, float]:
    W1 = [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]]
    b1 = [0.10, 0.10]
    W2 = [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]]
    b2 = [0.20, 0.20, 0.20]
    z2, a2, z3, exps, a3, loss, d3, back, d2 = _step_003(W1, b1, W2, b2)
    t: dict[str, float] = {"sum_exp": sum(exps), "L": loss}
    for k in range(2):
        t.update({f"z2_{k + 1}": z2[k], f"a2_{k + 1}": a2[k], f"W2T_delta3_{k + 1}": back[k]})
        t.update(
            {f"1-a2_{k + 1}": 1 - a2[k], f"sigma'_{k + 1}": a2[k] * (1 - a2[k]), f"delta2_{k + 1}": d2[k]}
        )
        t[f"db1_{k + 1}"] = d2[k]
        for m in range(3):
            t[f"dW1_{k + 1}{m + 1}"] = d2[k] * 1.0
    for j in range(3):
        t.update({f"z3_{j + 1}": z3[j], f"exp_z3_{j + 1}": exps[j], f"a3_{j + 1}": a3[j]})
        t.update({f"delta3_{j + 1}": d3[j], f"db2_{j + 1}": d3[j]})
        for k in range(2):
            t[f"dW2_{j + 1}{k + 1}"] = d3[j] * a2[k]
            t[f"W2_{j + 1}{k + 1}+"] = W2[j][k] - 0.1 * d3[j] * a2[k]
            t[f"W2_{j + 1}{k + 1} change"] = -0.1 * d3[j] * a2[k]
    return t


TRUTH = {"000": truth_000, "001": truth_001, "002": truth_002, "003": truth_003}


def training_loop_003() -> tuple[int, float]:
    """The document's loop: epoch += 1, forward, stop if L < 0.01, else update. (epoch, loss)."""
    W1 = [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]]
    b1 = [0.10, 0.10]
    W2 = [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]]
    b2 = [0.20, 0.20, 0.20]
    epoch = 0
    while True:
        epoch += 1
        _, a2, _, _, _, loss, d3, _, d2 = _step_003(W1, b1, W2, b2)
        if loss < 0.01:
            return epoch, loss
        W2 = [[w - 0.1 * d3[j] * a2[k] for k, w in enumerate(row)] for j, row in enumerate(W2)]
        b2 = [b - 0.1 * d for b, d in zip(b2, d3)]
        W1 = [[w - 0.1 * d2[j] for w in row] for j, row in enumerate(W1)]
        b1 = [b - 0.1 * d for b, d in zip(b1, d2)]

"""The printed report: one table per benchmark, then the targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Entry = dict[str, Any]
"""One engine's (or one Python's) results in a benchmark: its ``status`` and, when "ok", numbers."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to fit; the first column left-aligned, the rest right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))
        ).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.2f} ms"


def times(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def _ok(flag: bool) -> str:
    return "OK" if flag else "FAILED"


def _own_label(key: str, entry: Entry) -> str:
    return str(entry["label"])


def python_label(version: str, entry: Entry) -> str:
    """``Python 3.x``, and the engine's build when a probe ran the compiled one."""
    return f"Python {version}" + (" compiled" if entry.get("engine") == "compiled" else "")


def _key_label(key: str, entry: Entry) -> str:
    return key


def _entries_table(
    headers: list[str],
    entries: dict[str, Entry],
    row: Callable[[str, Entry], list[Any]],
    label: Callable[[str, Entry], str] = _own_label,
    notes: list[str] | None = None,
) -> str:
    """The table of ``entries`` (engines, or Pythons) and the notes below it: ``row(key, entry)``
    for each that ran; one that was skipped or failed gets a row of its status and a note saying
    why, both named by ``label(key, entry)``. ``row`` may add notes of its own to ``notes``."""
    notes = [] if notes is None else notes
    rows: list[list[Any]] = []
    for key, entry in entries.items():
        if entry.get("status") == "ok":
            rows.append(row(key, entry))
        else:
            name = label(key, entry)
            rows.append([name, entry["status"].upper(), *[""] * (len(headers) - 2)])
            notes.append(f"  {name}: {entry['status']}: {entry.get('reason', '')}")
    return "\n".join([table(headers, rows), *notes])


def _same_work(check: dict[str, Any]) -> str:
    spread = check.get("spread")
    extra = f", spread {spread:.2e}" if isinstance(spread, float) else ""
    return f"same work: {_ok(check['ok'])} (tolerance {check['tolerance']:g}{extra})"


def peers(found: dict[str, Any]) -> str:
    parts = []
    for name, peer in found.items():
        if peer["available"]:
            note = f" ({peer['reason']})" if peer["reason"] else ""
            parts.append(f"{name} {peer['version']}{note}")
        elif peer["reason"].startswith("skipped"):
            parts.append(f"{name} not used ({peer['reason']})")
        else:
            parts.append(f"{name} MISSING: {peer['reason']}; its rows are skipped")
    return "peers: " + "; ".join(parts)


def mlp_train(r: dict[str, Any]) -> str:
    w = r["workload"]
    head = (
        f"mlp_train: {w['model']}, {w['points']} points, {w['steps']} full-batch SGD steps, "
        f"loss {w['loss']}, lr {w['lr']}\n  data {w['data']}; initial weights {w['weights']}"
    )

    def row(key: str, e: Entry) -> list[Any]:
        return [
            e["label"],
            ms(e["median_s"]),
            ms(e["min_s"]),
            f"{e['repeats']} x {e['steps']}",
            repr(e["final_loss"]),
            times(r["speedup"].get("ours_nn", {}).get(key)),
            times(r["speedup"].get("ours_ops", {}).get(key)),
        ]

    headers = [
        "engine",
        "median step",
        "min step",
        "runs x steps",
        "final loss",
        "nn.MLP faster",
        "op-by-op faster",
    ]
    body = _entries_table(headers, r["engines"], row)
    check = r["same_work"]
    return (
        f"{head}\n{body}\n{_same_work(check)}: {len(check['compared'])} final losses; "
        f"per-step losses differ by at most {check['loss_curve_spread']:.2e}"
    )


def versions(r: dict[str, Any]) -> str:
    if r.get("status") == "skipped":
        return f"versions: skipped: {r['reason']}"

    def row(version: str, p: Entry) -> list[Any]:
        e = p["engines"]
        return [
            python_label(p["python"], p),
            ms(e["ours_ops"]["median_s"]),
            ms(e["micrograd"]["median_s"]),
            ms(e["micrograd_nogc"]["median_s"]),
            times(p["speedup"]["micrograd"]),
            times(p["speedup"]["micrograd_nogc"]),
        ]

    headers = ["interpreter", "ours op by op", "micrograd", "micrograd gc off", "vs micrograd", "vs gc off"]
    return (
        f"versions: {r['workload']}, median of {r['steps']} steps each\n"
        + _entries_table(headers, r["pythons"], row, python_label)
        + f"\n{_same_work(r['same_work'])}"
    )


def gpt(r: dict[str, Any]) -> str:

    def row(version: str, p: Entry) -> list[Any]:
        on, off = p["modes"]["gc"], p["modes"]["nogc"]
        return [
            python_label(p["python"], p),
            ms(on["median_s"]["ours"]),
            ms(on["median_s"]["reference"]),
            f"{times(on['speedup_median'])} (min {times(on['speedup_min'])})",
            f"{times(off['speedup_median'])} (min {times(off['speedup_min'])})",
            times(on["collector_free_speedup_median"]),
            f"{times(on['floor_speedup_median'])} / {times(off['floor_speedup_median'])}",
            f"{on['thousand_steps_s']['ours'] / 60:.1f} min",
            f"{on['thousand_steps_s']['reference'] / 60:.1f} min",
        ]

    headers = [
        "interpreter",
        "ours/step",
        "reference/step",
        "speedup gc on",
        "speedup gc off",
        "if gc were free",
        "floor gc on/off",
        "1000 steps ours",
        "reference",
    ]
    first = next((p for p in r["pythons"].values() if p.get("status") == "ok"), None)
    size = (
        f"; {first['model']['nodes_first_step']} nodes in the first step, "
        f"medians of {first['rounds']} rounds of {first['steps']} steps"
        if first
        else ""
    )
    check = r["same_work"]
    return (
        f"gpt: {r['workload']}{size}\n"
        + _entries_table(headers, r["pythons"], row, python_label)
        + "\nif gc were free: the reference with gc on over ours with gc off; floor: the reference over "
        "numbers that record nothing (the most any engine of one Python object per operation can gain)"
        + f"\n{_ok(check['ok'])}: the engines' losses differ by at most "
        f"{check['max_relative_loss_difference']:.1e} (relative; allowed {check['tolerance']:g})"
    )


def chain(r: dict[str, Any]) -> str:
    rows = [
        [
            f"{s['nodes']:,}",
            ms(s["forward_s"]),
            ms(s["backward_s"]),
            ms(s["total_s"]),
            f"{s['ns_per_node']:.0f}",
            f"{r['gc_off'][n]['ns_per_node']:.0f}",
            s["repeats"],
        ]
        for n, s in r["sizes"].items()
    ]
    small, large = r["ratio_of"]
    md = r["micrograd_depth"]
    if md["status"] == "ok":
        deep = f"micrograd: deepest chain that backpropagates: {md['deepest']:,} nodes" + (
            f" ({md['error']} at {md['failed_at']:,}; recursion limit {md['recursion_limit']})"
            if md["failed_at"]
            else f" (no failure up to the cap of {md['cap']:,})"
        )
    else:
        deep = f"micrograd: {md['status']}: {md['reason']}"
    return (
        f"chain: forward + backward of {r['graph']}, gc on (gc off as a diagnostic)\n"
        + table(["nodes", "forward", "backward", "total", "ns/node", "ns/node gc off", "runs"], rows)
        + f"\nper-node time, {large:,} vs {small:,} nodes: {times(r['per_node_ratio'])} "
        f"(gc off: {times(r['gc_off_per_node_ratio'])}; gc off, 1,000,000 vs 10,000 nodes: "
        f"{times(r.get('gc_off_ratio_1e6_vs_1e4'))})\n{deep}\n{_same_work(r['same_work'])}"
    )


def wide(r: dict[str, Any]) -> str:

    def row(key: str, e: Entry) -> list[Any]:
        versus = r["speedup"].get("ours_dot", {}).get(key)
        return [
            e["label"],
            ms(e["forward_s"]),
            ms(e["backward_s"]),
            ms(e["median_s"]),
            times(versus) if key != "ours_dot" else "",
            e["repeats"],
        ]

    headers = ["engine", "forward", "backward", "total", "Value.dot faster", "runs"]
    return (
        f"wide: one sum of {r['terms']:,} products x_i*w_i, forward + backward\n"
        + _entries_table(headers, r["engines"], row)
        + f"\n{_same_work(r['same_work'])}"
    )


def memory(r: dict[str, Any]) -> str:
    notes: list[str] = []

    def row(key: str, e: Entry) -> list[Any]:
        after = e["bytes_per_node_after_backward"]
        rss = e.get("rss", {})
        if rss.get("status") != "ok":
            notes.append(f"  {key}: peak RSS probe: {rss.get('reason', 'not run')}")
        return [
            key,
            f"{e['bytes_per_node']:.0f}",
            "-" if after is None else f"{after:.0f}",
            f"{e['retained_after_del_per_node']:.0f}",
            f"{rss['bytes_per_node']:.0f}" if rss.get("status") == "ok" else "FAILED",
        ]

    headers = ["engine", "bytes/node", "after backward", "held after del, no gc", "peak RSS bytes/node"]
    return (
        f"memory: {r['graph']}\n"
        + _entries_table(headers, r["engines"], row, _key_label, notes)
        + "\n(micrograd cannot backpropagate this chain; its RSS probe builds it only)"
    )


def inference(r: dict[str, Any]) -> str:
    rows = [
        ["recording (graph built)", ms(r["recording_s"])],
        ["no_grad", ms(r["no_grad_s"])],
        ["no_grad speedup", times(r["speedup"])],
    ]
    return (
        f"inference: trained nn.MLP, forward over {r['points']} points, median of {r['repeats']}\n"
        + table(["mode", "per pass"], rows)
        + f"\n{_same_work(r['same_work'])}"
    )


def explain(r: dict[str, Any]) -> str:
    rows: list[list[Any]] = []
    ratios = []
    for key, shape in r["shapes"].items():
        for size in shape["sizes"]:
            rows.append(
                [
                    shape["label"],
                    f"{size['edges']:,}",
                    ms(size["explain_s"]),
                    ms(size["text_s"]),
                    f"{size['us_per_edge']:.1f}",
                    size["repeats"],
                ]
            )
        ratios.append(f"{key} {shape['per_edge_ratio']:.2f}")
    return (
        'explain: viz.explain(y, x, method="deltas") and its text, n edges into x\n'
        + table(["graph", "edges", "explain", "text", "µs/edge", "runs"], rows)
        + f"\nper-edge time, larger vs smaller size (1 is linear, 2 quadratic): {', '.join(ratios)}"
        + f"\n{_same_work(r['same_work'])}"
    )


RENDER = {
    "mlp_train": mlp_train,
    "versions": versions,
    "gpt": gpt,
    "chain": chain,
    "wide": wide,
    "memory": memory,
    "inference": inference,
    "explain": explain,
}


def targets(verdicts: list[dict[str, Any]]) -> str:
    rows = []
    for v in verdicts:
        value = (
            "-" if v["value"] is None else (f"{v['value']:.0f} B" if v["unit"] == "B" else times(v["value"]))
        )
        goal = f"{v['comparison']} {v['goal']:g}{' B' if v['unit'] == 'B' else 'x'}"
        rows.append([v["text"], value, goal, v["status"]])
    return "targets\n" + table(["target", "value", "goal", "status"], rows)


def render(results: dict[str, Any]) -> str:
    """The whole report as text."""
    meta = results["meta"]
    quick = "; tiny sizes, the targets are only indicative" if meta["config"]["name"] == "quick" else ""
    parts = [
        f"chainrule benchmarks ({meta['config']['name']} run{quick}), Python {meta['python']} on "
        f"{meta['platform']}, {meta['cpus']} CPUs, {meta['seconds']:.0f} s; "
        f"the {meta.get('engine', 'interpreted')} engine",
        peers(results["peers"]),
    ]
    for name, result in results["benchmarks"].items():
        if result.get("status") == "failed":
            parts.append(f"{name}: FAILED: {result['reason']}")
        else:
            parts.append(RENDER[name](result))
    parts.append(targets(results["targets"]))
    same = results["same_work"]
    failed = ", ".join(name for name, ok in same["by_benchmark"].items() if not ok)
    parts.append(f"same-work checks: {'all OK' if same['ok'] else 'FAILED: ' + failed}")
    return "\n\n".join(parts)

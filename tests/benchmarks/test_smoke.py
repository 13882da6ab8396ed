"""Smoke test of the benchmark suite: the quick run, in process, on tiny sizes.

It checks the JSON structure and that every same-work check holds, with whichever peers are
installed (torch is optional; micrograd comes with the ``bench`` extra), and that a missing peer
is skipped rather than fatal.
"""

from __future__ import annotations

import doctest
import json
import sys
from typing import Any

import pytest

import benchmarks.workload
from benchmarks.config import QUICK
from benchmarks.engines import ENGINES
from benchmarks.engines.ours_nn import IdiomaticTrainer
from benchmarks.engines.ours_ops import OpByOpTrainer
from benchmarks.run import main, run_benchmarks
from benchmarks.suites import NAMES
from benchmarks.targets import TARGETS
from benchmarks.workload import Workload, make_workload, same_work

TOL = QUICK.tolerance


def _quiet(message: str) -> None:
    pass


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_benchmarks(QUICK, log=_quiet)


def _train(trainer: Any, workload: Workload) -> float:
    for k in range(workload.steps):
        trainer.step(workload.lr(k))
    return float(trainer.loss())


def test_results_are_json_with_every_benchmark_and_target(results: dict[str, Any]) -> None:
    assert json.loads(json.dumps(results)) == results
    assert results["schema_version"] == 1
    assert results["meta"]["config"]["name"] == "quick"
    assert set(results["peers"]) == {"micrograd", "torch"}
    assert list(results["benchmarks"]) == list(NAMES)
    for name, result in results["benchmarks"].items():
        assert result.get("status") != "failed", (name, result.get("traceback"))
        assert isinstance(result["same_work"]["ok"], bool)
    assert [t["key"] for t in results["targets"]] == [t.key for t in TARGETS]
    assert {t["status"] for t in results["targets"]} <= {"MET", "MISSED", "SKIPPED"}


def test_every_same_work_check_holds(results: dict[str, Any]) -> None:
    assert results["same_work"] == {"ok": True, "by_benchmark": {name: True for name in NAMES}}


def test_mlp_engines_reach_the_same_final_loss(results: dict[str, Any]) -> None:
    mlp = results["benchmarks"]["mlp_train"]
    ok = {k: e for k, e in mlp["engines"].items() if e["status"] == "ok"}
    assert {"ours_ops", "ours_nn"} <= set(ok)
    finals = [f for e in ok.values() for f in e["final_losses"]]
    assert max(finals) - min(finals) <= TOL
    for e in ok.values():
        assert len(e["step_seconds"]) == e["repeats"] * QUICK.steps
        assert e["median_s"] > 0.0 and e["min_s"] <= e["median_s"]


def test_each_peer_runs_when_installed_and_is_skipped_otherwise(results: dict[str, Any]) -> None:
    engines = results["benchmarks"]["mlp_train"]["engines"]
    for spec in ENGINES:
        if spec.peer is None:
            continue
        if results["peers"][spec.peer]["available"]:
            assert engines[spec.key]["status"] == "ok", engines[spec.key]
        else:
            assert engines[spec.key]["status"] == "skipped" and spec.peer in engines[spec.key]["reason"]


def test_chain_and_memory_facts(results: dict[str, Any]) -> None:
    chain = results["benchmarks"]["chain"]
    assert [s["nodes"] for s in chain["sizes"].values()] == list(QUICK.chain_sizes)
    assert chain["per_node_ratio"] > 0.0
    depth = chain["micrograd_depth"]
    if results["peers"]["micrograd"]["available"]:
        assert depth["status"] == "ok" and 0 < depth["deepest"] < QUICK.chain_sizes[-1]
    ours = results["benchmarks"]["memory"]["engines"]["ours"]
    assert 50 < ours["bytes_per_node"] < 5_000
    assert ours["retained_after_del_per_node"] < ours["bytes_per_node"] / 2  # no reference cycles


def test_the_demo_runs_under_every_python_found(results: dict[str, Any]) -> None:
    versions = results["benchmarks"]["versions"]
    if not results["peers"]["micrograd"]["available"]:
        assert versions["status"] == "skipped"
        return
    assert list(versions["pythons"]) == list(QUICK.pythons)
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    ran = {v: p for v, p in versions["pythons"].items() if p["status"] == "ok"}
    assert here in ran  # at least this interpreter, found the way any other is
    for version, p in ran.items():
        assert p["python"].startswith(version + ".")
        assert set(p["engines"]) == {"ours_ops", "micrograd", "micrograd_nogc"}
        assert p["speedup"]["micrograd"] > 0
    for p in versions["pythons"].values():
        assert p["status"] in ("ok", "skipped"), p  # a Python that is found must run the demo
    assert versions["same_work"]["ok"] and len(versions["same_work"]["compared"]) == 3 * len(ran)


def test_the_same_work_check_can_fail() -> None:
    assert doctest.testmod(benchmarks.workload).failed == 0
    assert not same_work({"a": 0.5, "b": 0.5 + 1e-6}, TOL)["ok"]
    assert not same_work({"a": 0.5, "b": float("nan")}, TOL)["ok"]
    workload = make_workload(QUICK)
    nudged = [[(list(w), b) for w, b in layer] for layer in workload.weights]
    nudged[0][0][0][0] += 1e-3
    other = Workload(workload.X, workload.Y, nudged, workload.alpha, workload.steps)
    a, b = _train(IdiomaticTrainer(workload), workload), _train(OpByOpTrainer(other), other)
    assert not same_work({"ours_nn": a, "ours_ops": b}, TOL)["ok"]
    assert same_work({"ours_nn": a, "ours_ops": _train(OpByOpTrainer(workload), workload)}, TOL)["ok"]


def test_missing_peers_are_reported_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("micrograd", "micrograd.engine", "micrograd.nn", "torch"):
        monkeypatch.setitem(sys.modules, module, None)  # makes the import fail, as if not installed
    res = run_benchmarks(QUICK, only=("mlp_train", "chain", "wide", "memory"), log=_quiet)
    assert not res["peers"]["micrograd"]["available"] and not res["peers"]["torch"]["available"]
    engines = res["benchmarks"]["mlp_train"]["engines"]
    assert {k for k, e in engines.items() if e["status"] == "skipped"} == {
        "micrograd",
        "micrograd_nogc",
        "torch",
    }
    assert engines["ours_nn"]["status"] == engines["ours_ops"]["status"] == "ok"
    assert res["benchmarks"]["chain"]["micrograd_depth"]["status"] == "skipped"
    assert res["benchmarks"]["wide"]["engines"]["torch"]["status"] == "skipped"
    assert res["benchmarks"]["memory"]["engines"]["micrograd"]["status"] == "skipped"
    assert res["same_work"]["ok"]
    verdicts = {t["key"]: t["status"] for t in res["targets"]}
    assert verdicts["nn_vs_micrograd"] == verdicts["nn_vs_torch"] == verdicts["no_grad"] == "SKIPPED"


def test_command_line_prints_the_table_and_writes_json(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out" / "bench.json"
    assert main(["--quick", "--only", "inference", "--json", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "inference: no_grad vs recording" in printed and "targets" in printed
    written = json.loads(path.read_text(encoding="utf-8"))
    assert list(written["benchmarks"]) == ["inference"] and written["same_work"]["ok"]

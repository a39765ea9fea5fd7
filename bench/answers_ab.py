"""Two checkouts of the answer engine side by side: quality and latency in one run.

Usage (against one database where the documents are indexed and embedded):
    PARVIS_VAR_DIR=… .venv/bin/python bench/answers_ab.py A_TREE B_TREE SET.jsonl [...]
        [--lexical] [--rounds N]

Each tree (a checkout, e.g. /work/main and a worktree) runs in its own worker process on the
same database; the driver sends each question to both, in alternating order, so both see the
same load on a shared machine (absolute times vary with the neighbours, their ratio much
less). Each worker times ``answer_query`` itself, after a warm-up question outside the sets;
the query-vector cache is emptied before each set, so every question is embedded cold.
Prints, per set and tree: hit@1 / hit@3 / MRR@10, p50 / p95 ms (wall clock), p50 / p95 ms of
CPU time (all the process's threads: what a question costs, less sensitive to the neighbours
than the wall clock), answer cards shown / wrong.
With ``--rounds N`` each set is asked N times (caches emptied each round) and the latencies
of all rounds pooled. ``--lexical`` asks the lexical engine (``semantic_search=False``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
django.setup()
from parvis.answers import ranking, semantic
from parvis.answers.selectors import answer_query
from parvis.answers.evaluation import _card_right
lexical = sys.argv[1] == "1"
answer_query(query="carte d'identité perdue", limit=10)  # model, vocabulary, thesaurus loaded
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reset"):
        ranking.caches_clear()
        semantic.query_vector.cache_clear()
        print(json.dumps({"ok": True}), flush=True)
        continue
    start, cpu = time.perf_counter(), time.process_time()
    response = answer_query(query=msg["q"], limit=10, semantic_search=False if lexical else None)
    ms = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - cpu) * 1000
    card = response.answer
    right = bool(card is not None and msg["expected"] and _card_right(card, msg["expected"]))
    print(json.dumps({
        "ids": [item.id for item in response.results],
        "ms": ms,
        "cpu": cpu,
        "card": card is not None,
        "right": right,
        "confidence": response.confidence,
        "suggestion": response.suggestion,
    }), flush=True)
"""


def worker(tree: str, lexical: bool) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=tree)
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, "1" if lexical else "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tree,
    )
    json.loads(proc.stdout.readline())
    return proc


def ask(proc: subprocess.Popen, msg: dict) -> dict:
    proc.stdin.write(json.dumps(msg) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[int(0.95 * (len(values) - 1))]


def figures(rows: list[tuple[dict, dict]], times: list[float], cpu: list[float]) -> str:
    n = len(rows) or 1
    hit1 = hit3 = rr = 0.0
    shown = wrong = 0
    for q, r in rows:
        rank = next((i for i, key in enumerate(r["ids"][:10]) if key in q["expected"]), None)
        if rank is not None:
            hit1 += rank == 0
            hit3 += rank < 3
            rr += 1 / (rank + 1)
        shown += r["card"]
        wrong += r["card"] and not r["right"]
    p50, p95 = _percentiles(times)
    c50, c95 = _percentiles(cpu)
    return (
        f"{hit1 / n:.3f} / {hit3 / n:.3f} / {rr / n:.3f}  p50 {p50:5.1f}  p95 {p95:5.1f}"
        f"  cpu p50 {c50:5.1f} p95 {c95:5.1f}  cards {shown} wrong {wrong}"
    )


def main() -> None:
    args = sys.argv[1:]
    lexical = "--lexical" in args
    rounds = 1
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at : at + 2]
    args = [a for a in args if not a.startswith("--")]
    trees, paths = args[:2], [Path(p) for p in args[2:]]
    procs = [worker(tree, lexical) for tree in trees]
    for path in paths:
        questions = load(path)
        rows: list[list[tuple[dict, dict]]] = [[], []]
        times: list[list[float]] = [[], []]
        cpu: list[list[float]] = [[], []]
        for round_ in range(rounds):
            for proc in procs:
                ask(proc, {"reset": True})
            for i, q in enumerate(questions):
                order = (0, 1) if (i + round_) % 2 == 0 else (1, 0)
                for which in order:
                    r = ask(procs[which], {"q": q["question"], "expected": q["expected"]})
                    times[which].append(r["ms"])
                    cpu[which].append(r["cpu"])
                    if round_ == 0:
                        rows[which].append((q, r))
        for which, tree in enumerate(trees):
            label = f"{path.stem[:26]:26} {Path(tree).name:8} n={len(questions):4}"
            print(f"{label} {figures(rows[which], times[which], cpu[which])}", flush=True)
    for proc in procs:
        proc.stdin.close()
        proc.wait()


if __name__ == "__main__":
    main()

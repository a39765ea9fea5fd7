"""Measure the answer engine on several question sets at once, each split dev / held-out.

Usage (against a database where the documents are indexed, and embedded for the fused
figures):
    PARVIS_VAR_DIR=… .venv/bin/python bench/answers_sets.py SET.jsonl [...] [--json]

A set whose questions were not split into files beforehand is split here by the SHA-256 of
its first expected id (or of the question, for questions without an answer): even first byte,
dev; odd, held-out. The split depends on neither the engine nor the wording, so tuning on the
dev halves and reading the held-out halves is honest. Files whose name holds ``_dev`` or
``_heldout`` are one side already. Prints hit@1 / hit@3 / MRR@10 for the lexical engine and,
when the semantic side is on, the fused one, plus the answer cards shown and wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
django.setup()

from parvis.answers import semantic  # noqa: E402
from parvis.answers.evaluation import (  # noqa: E402
    Question,
    _measure,
    cards_measure,
    engine_ids,
    lexical_ids,
    questions_parse,
)


def side(question: Question) -> str:
    key = question.expected[0] if question.expected else question.question
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


def halves(path: Path, questions: list[Question]) -> dict[str, list[Question]]:
    if "_dev" in path.stem or "_heldout" in path.stem:
        return {"dev" if "_dev" in path.stem else "heldout": questions}
    out: dict[str, list[Question]] = {"dev": [], "heldout": []}
    for q in questions:
        out[side(q)].append(q)
    return out


def main() -> None:
    as_json = "--json" in sys.argv
    paths = [Path(p) for p in sys.argv[1:] if not p.startswith("--")]
    fused = semantic.enabled()
    if fused:  # the model and the vectors loaded outside the measures
        engine_ids("carte d'identité")
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            questions, _errors = questions_parse(handle)
        for name, part in halves(path, questions).items():
            if not part:
                continue
            row: dict[str, object] = {"set": path.stem, "side": name, "n": len(part)}
            row["lexical"] = _measure(part, lexical_ids)
            if fused:
                row["fused"] = _measure(part, engine_ids)
            row["cards"] = cards_measure(part)
            rows.append(row)
            if not as_json:
                line = f"{path.stem:24} {name:8} n={len(part):4}"
                for engine in ("lexical", "fused"):
                    if engine in row:
                        m = row[engine]
                        line += (
                            f" | {engine} {m['hit@1']:.3f} {m['hit@3']:.3f} {m['mrr@10']:.3f}"
                            f" p50 {m['p50_ms']:.1f} p95 {m['p95_ms']:.1f}"
                        )
                c = row["cards"]
                line += f" | cards {c['shown']} wrong {c['wrong']}"
                print(line, flush=True)
    if as_json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

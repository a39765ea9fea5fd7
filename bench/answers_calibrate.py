"""Fit the confidence calibration of the answer engine on questions with known answers.

Include questions the site cannot answer (``expected: []``, e.g.
``parvis/answers/eval/no_answer_dev.jsonl``): the confidence must stay low for them too.

Usage (against a database where the documents are indexed):
    PARVIS_VAR_DIR=… .venv/bin/python bench/answers_calibrate.py QUESTIONS.jsonl [...]
Prints the logistic coefficients for ``parvis.answers.ranking.CALIBRATION`` and a reliability
table (predicted vs. observed share of right first results per confidence band).
"""

from __future__ import annotations

import math
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from parvis.answers import index, ranking  # noqa: E402
from parvis.answers.evaluation import questions_parse  # noqa: E402
from parvis.answers.query import understand  # noqa: E402


def features(question: str) -> tuple[list[float], str | None]:
    vocab = index.vocabulary()
    meaning = understand(question, now=timezone.now(), vocab=vocab)
    ranked = ranking.rank(meaning, vocab=vocab, limit=50)
    if not ranked:
        return [0.0, 0.0, 0.0, 0.0], None
    return ranking.confidence_features([s for _, s in ranked], meaning, ranked[0][0]), ranked[0][
        0
    ].key


def fit(rows: list[tuple[list[float], int]], steps: int = 4000, rate: float = 0.5) -> list[float]:
    w = [0.0] * 5
    n = len(rows)
    for _ in range(steps):
        grad = [0.0] * 5
        for x, y in rows:
            xs = [1.0, *x]
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, xs, strict=True))))
            for i, v in enumerate(xs):
                grad[i] += (p - y) * v / n
        w = [a - rate * g for a, g in zip(w, grad, strict=True)]
    return w


def main() -> None:
    rows = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            questions, _ = questions_parse(handle)
        for q in questions:
            x, top = features(q.question)
            rows.append((x, int(top in q.expected)))
    w = fit(rows)
    print("CALIBRATION =", tuple(round(v, 2) for v in w))
    bands: dict[int, list[tuple[float, int]]] = {}
    for x, y in rows:
        p = 1 / (1 + math.exp(-(w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True)))))
        bands.setdefault(min(int(p * 10), 9), []).append((p, y))
    for band in sorted(bands):
        items = bands[band]
        predicted = sum(p for p, _ in items) / len(items)
        observed = sum(y for _, y in items) / len(items)
        print(
            f"{band / 10:.1f}-{(band + 1) / 10:.1f}: n={len(items):4} "
            f"predicted={predicted:.2f} observed={observed:.2f}"
        )


if __name__ == "__main__":
    main()

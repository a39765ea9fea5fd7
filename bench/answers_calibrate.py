"""Fit the confidence calibration of the answer engine on questions with known answers.

Include questions the site cannot answer (``expected: []``, e.g.
``parvis/answers/eval/no_answer_dev.jsonl``): the confidence must stay low for them too.

Usage (against a database where the documents are indexed):
    PARVIS_VAR_DIR=… .venv/bin/python bench/answers_calibrate.py QUESTIONS.jsonl [...]
        [--no-answer-weight N] [--check HELDOUT.jsonl ...]
Prints the logistic coefficients for ``parvis.answers.ranking.CALIBRATION`` and a reliability
table (predicted vs. observed share of right first results per confidence band). With
``--check``, the questions after it are not fitted on: for each of those files, the cards the
fitted calibration would show (confidence ≥ 0.5) and how many are wrong, beside the same count
with the calibration in force (``ranking.CALIBRATION``), so a refit is judged on questions it
has not seen.
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
        return [0.0] * (len(ranking.CALIBRATION) - 1), None
    return ranking.confidence_features([s for _, s in ranked], meaning, ranked[0][0]), ranked[0][
        0
    ].key


def fit(
    rows: list[tuple[list[float], int]],
    steps: int = 4000,
    rate: float = 0.5,
    weights: list[float] | None = None,
    start: list[float] | None = None,
    free: set[int] | None = None,
) -> list[float]:
    """Logistic regression by gradient descent; ``free`` (indices of coefficients, 0 the
    intercept) keeps the others at their ``start`` values (fit one new feature's weight
    beside a calibration in force)."""
    size = len(rows[0][0]) + 1
    w = list(start) if start is not None else [0.0] * size
    weights = weights or [1.0] * len(rows)
    n = sum(weights)
    for _ in range(steps):
        grad = [0.0] * size
        for (x, y), weight in zip(rows, weights, strict=True):
            xs = [1.0, *x]
            z = sum(a * b for a, b in zip(w, xs, strict=True))
            p = 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))
            for i, v in enumerate(xs):
                grad[i] += weight * (p - y) * v / n
        w = [
            a - rate * g if free is None or i in free else a
            for i, (a, g) in enumerate(zip(w, grad, strict=True))
        ]
    return w


def rows_read(path: str) -> list[tuple[list[float], int]]:
    return [(x, y) for x, y, _ in rows_answerable(path)]


def rows_answerable(path: str) -> list[tuple[list[float], int, bool]]:
    """(features, first result right, the question has an answer at all) per question."""
    with open(path, encoding="utf-8") as handle:
        questions, _ = questions_parse(handle)
    rows = []
    for q in questions:
        x, top = features(q.question)
        rows.append((x, int(top in q.expected), bool(q.expected)))
    return rows


def cards(rows: list[tuple[list[float], int]], w: list[float] | tuple) -> tuple[int, int]:
    """(cards shown, wrong cards) at confidence ≥ 0.5 with coefficients ``w``."""
    shown = wrong = 0
    for x, y in rows:
        z = w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True))
        if z >= 0:
            shown += 1
            wrong += not y
    return shown, wrong


def main() -> None:
    args = sys.argv[1:]
    # --no-answer-weight N: a question without an answer counts N times in the fit (a card on
    # an off-topic question costs more than a card withheld on an answerable one).
    weight = 1.0
    if "--no-answer-weight" in args:
        at = args.index("--no-answer-weight")
        weight = float(args[at + 1])
        del args[at : at + 2]
    # --last-only: fit only the last feature's weight, the other coefficients kept as in force
    # (a feature added beside a calibration that is otherwise kept).
    last_only = "--last-only" in args
    args = [a for a in args if a != "--last-only"]
    checks = args[args.index("--check") + 1 :] if "--check" in args else []
    fitted = args[: args.index("--check")] if "--check" in args else args
    read = [row for path in fitted for row in rows_answerable(path)]
    rows = [(x, y) for x, y, _ in read]
    weights = [1.0 if answerable else weight for _, _, answerable in read]
    if last_only:
        last = len(ranking.CALIBRATION) - 1
        w = fit(rows, weights=weights, start=list(ranking.CALIBRATION), free={last})
    else:
        w = fit(rows, weights=weights)
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
    for path in checks:
        held = rows_read(path)
        before, after = cards(held, ranking.CALIBRATION), cards(held, w)
        print(
            f"{path}: n={len(held)} cards shown/wrong: in force {before[0]}/{before[1]}, "
            f"refit {after[0]}/{after[1]}"
        )


if __name__ == "__main__":
    main()

"""Measure the assistant: coverage, precision of its answers, p95 latency; fit the calibration."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from parvis.answers.selectors import AnswerResponse, answer_query
from parvis.conversation.assistant import decide
from parvis.conversation.calibration import Calibration, calibration_fit, features_of


@dataclass(frozen=True)
class Sample:
    question: str
    expected: frozenset[str]
    response: AnswerResponse
    ms: float

    @property
    def top_is_right(self) -> int:
        results = self.response.results
        return int(bool(results) and results[0].id in self.expected)


def questions_read(lines: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
    """{"question": …, "expected": [ids]} per line; malformed lines are skipped."""
    questions = []
    for line in lines:
        try:
            data = json.loads(line)
            question, expected = str(data["question"]), frozenset(map(str, data["expected"]))
        except (ValueError, KeyError, TypeError):
            continue
        if question.strip() and expected:
            questions.append((question, expected))
    return questions


def samples_collect(questions: list[tuple[str, frozenset[str]]]) -> list[Sample]:
    samples = []
    for question, expected in questions:
        start = time.perf_counter()
        response = answer_query(query=question, limit=10)
        samples.append(Sample(question, expected, response, (time.perf_counter() - start) * 1000))
    return samples


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def report(samples: list[Sample], calibration: Calibration) -> dict[str, float | int | None]:
    """Coverage (share answered), precision (answers whose source is expected), p95 in ms.

    A clarifying question or an offer of a human counts as not answered.
    """
    answered = correct = 0
    timings = []
    for sample in samples:
        start = time.perf_counter()
        decision = decide(sample.response, calibration)
        timings.append(sample.ms + (time.perf_counter() - start) * 1000)
        if decision.kind == "answer":
            answered += 1
            correct += sample.top_is_right
    return {
        "questions": len(samples),
        "answered": answered,
        "coverage": round(answered / len(samples), 4) if samples else 0.0,
        "precision": round(correct / answered, 4) if answered else None,
        "top1_accuracy": round(sum(s.top_is_right for s in samples) / len(samples), 4)
        if samples
        else 0.0,
        "p95_ms": round(p95(timings), 1),
    }


def fit_and_report(
    samples: list[Sample], *, target_precision: float = 0.97
) -> tuple[Calibration, dict]:
    """Fit on the even-numbered questions, report on the odd-numbered ones (held out)."""
    fit_half, test_half = samples[0::2], samples[1::2]
    rows = [features_of(s.response) for s in fit_half]
    labels = [s.top_is_right for s in fit_half]
    calibration = calibration_fit(rows, labels, target_precision=target_precision)
    calibration = Calibration(
        calibration.weights,
        calibration.bias,
        calibration.mean,
        calibration.scale,
        calibration.threshold,
        f"{len(fit_half)} questions (even lines), target precision {target_precision}",
    )
    return calibration, {**report(test_half, calibration), "split": "fit on even, report on odd"}

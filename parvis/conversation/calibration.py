"""How sure the assistant is that the best candidate answers the question.

The engine's raw score is not a probability, and it changes meaning whenever the engine does.
On real data the gap between the best and the second-best candidate predicts correctness far
better than the score itself, so the assistant looks at a few engine-agnostic features and
turns them into a probability with a small logistic model, fitted by ``parvis eval_assistant
--fit`` on labelled questions and stored in ``calibration.json`` beside this module.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parvis.answers.selectors import AnswerResponse, ResultItem

CALIBRATION_PATH = Path(__file__).resolve().parent / "calibration.json"
# Fused with the semantic ranking, scores are reciprocal-rank sums (~0.03), not BM25 (~30): the
# same model cannot serve both, each mode has its own fit.
SEMANTIC_CALIBRATION_PATH = CALIBRATION_PATH.with_name("calibration-semantic.json")
FEATURES = ("top_score", "margin", "relative_margin", "agreement", "query_tokens")
AGREEMENT_DEPTH = 5

# A sane default before any fit, whatever the engine's score scale: trust only a clear
# relative lead over the runner-up (p >= 0.8 from a relative margin of about 0.67).
DEFAULT_MODEL = {
    "features": list(FEATURES),
    "weights": [0.0, 0.0, 8.0, 0.5, 0.0],
    "bias": -4.0,
    "mean": [0.0] * len(FEATURES),
    "scale": [1.0] * len(FEATURES),
    "threshold": 0.8,
    "fitted_on": "default (not fitted)",
}


def result_key(item: ResultItem) -> object:
    """What identifies the page behind a result (passages of one page share it)."""
    if item.page_id is not None:
        return item.page_id
    return item.url or item.id


def features_of(response: AnswerResponse) -> list[float]:
    """The features of an engine response, in ``FEATURES`` order."""
    results = response.results
    if not results:
        return [0.0, 0.0, 0.0, 0.0, 0.0]
    top = results[0].score
    second = results[1].score if len(results) > 1 else 0.0
    margin = top - second
    relative = margin / top if top > 0 else 0.0
    # Agreement: how many of the next results point to the same page as the best one.
    key = result_key(results[0])
    same = sum(1 for item in results[1:AGREEMENT_DEPTH] if result_key(item) == key)
    tokens = len(response.query.split())
    return [top, margin, relative, float(same), math.log1p(tokens)]


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    fitted_on: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        return cls(
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            mean=tuple(data.get("mean", [0.0] * len(FEATURES))),
            scale=tuple(data.get("scale", [1.0] * len(FEATURES))),
            threshold=float(data["threshold"]),
            fitted_on=str(data.get("fitted_on", "")),
        )

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": round(self.threshold, 4),
            "fitted_on": self.fitted_on,
        }

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, features, self.mean, self.scale, strict=True)
        )
        return _sigmoid(z)


def _sigmoid(z: float) -> float:
    if z < -60:
        return 0.0
    if z > 60:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def calibration_path() -> Path:
    """The calibration file of the engine's current mode (lexical, or fused with semantic)."""
    from parvis.answers import semantic

    return SEMANTIC_CALIBRATION_PATH if semantic.enabled() else CALIBRATION_PATH


def calibration_load(path: Path | None = None) -> Calibration:
    """The fitted model if its file is readable, the default otherwise.

    Read once per version of the file (its modification time), not for every question.
    """
    path = path or calibration_path()
    try:
        return _calibration_read(path, path.stat().st_mtime_ns)
    except (OSError, ValueError, KeyError, TypeError):
        return Calibration.from_dict(DEFAULT_MODEL)


@functools.lru_cache(maxsize=8)
def _calibration_read(path: Path, version: int) -> Calibration:
    return Calibration.from_dict(json.loads(path.read_text()))


def calibration_fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    target_precision: float = 0.97,
    l2: float = 0.01,
    steps: int = 3000,
    rate: float = 0.5,
) -> Calibration:
    """Fit a logistic model by gradient descent; pick the lowest threshold reaching the target.

    Features are standardised first. The threshold is the smallest probability at which the
    answers kept on the fitting set reach ``target_precision`` (a margin above the 0.95 bar).
    """
    n, k = len(rows), len(FEATURES)
    mean = [sum(r[j] for r in rows) / n for j in range(k)]
    scale = [math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / n) or 1.0 for j in range(k)]
    x = [[(r[j] - mean[j]) / scale[j] for j in range(k)] for r in rows]
    w, b = [0.0] * k, 0.0
    for _step in range(steps):
        grad_w, grad_b = [0.0] * k, 0.0
        for xi, yi in zip(x, labels, strict=True):
            err = _sigmoid(b + sum(wj * xj for wj, xj in zip(w, xi, strict=True))) - yi
            grad_b += err
            for j in range(k):
                grad_w[j] += err * xi[j]
        b -= rate * grad_b / n
        w = [wj - rate * (gj / n + l2 * wj) for wj, gj in zip(w, grad_w, strict=True)]
    model = Calibration(tuple(w), b, tuple(mean), tuple(scale), 1.0)
    return Calibration(
        model.weights,
        model.bias,
        model.mean,
        model.scale,
        threshold_for(model, rows, labels, target_precision=target_precision),
    )


def threshold_for(
    model: Calibration,
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    *,
    target_precision: float,
) -> float:
    """The lowest threshold whose kept answers reach ``target_precision`` (1.0 if none does)."""
    scored = sorted(((model.probability(r), y) for r, y in zip(rows, labels, strict=True)))
    best = 1.0
    for i in range(len(scored)):
        kept = scored[i:]
        precision = sum(y for _p, y in kept) / len(kept)
        if precision >= target_precision:
            best = scored[i][0]
            break
    return min(max(best, 0.5), 0.999)

"""parvis eval_assistant measures coverage, precision and p95; --fit calibrates on half."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from parvis.conversation.calibration import Calibration, calibration_fit, calibration_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(tmp_path, engine, make_fiche, monkeypatch):  # noqa: ANN001, ANN201
    """Clear leads are right, near-ties are wrong: what real data showed."""
    monkeypatch.setattr("parvis.conversation.evaluation.answer_query", engine)
    right = make_fiche("Piscines municipales", "Horaires en ligne.")
    wrong = make_fiche("Patinoire", "Fermée l'été.")
    lines = []
    for i in range(20):
        engine.script[f"clair {i} "] = [(right, 0.9 - i / 100), (wrong, 0.2)]
        engine.script[f"flou {i} "] = [(wrong, 0.5), (right, 0.49 - i / 1000)]
        pair = [
            {"question": f"clair {i} piscine", "expected": [f"page:{right.pk}"]},
            {"question": f"flou {i} piscine", "expected": [f"page:{right.pk}"]},
        ]
        lines.extend(pair if i % 2 else pair[::-1])  # both kinds on each half of the split
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    return path


def test_json_output_has_coverage_precision_and_p95(questions) -> None:  # noqa: ANN001
    """--json prints one object with coverage, precision and p95_ms."""
    out = StringIO()
    call_command("eval_assistant", str(questions), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert {"coverage", "precision", "p95_ms"} <= figures.keys()
    assert figures["questions"] == 40
    assert figures["precision"] == 1.0  # the default model only answers clear leads
    assert figures["coverage"] == 0.5


def test_fit_writes_a_calibration_that_answers_only_what_is_right(questions, tmp_path) -> None:  # noqa: ANN001
    """--fit learns on even lines, reports on odd ones, and stores the model as JSON."""
    output = tmp_path / "calibration.json"
    out = StringIO()
    call_command(
        "eval_assistant", str(questions), "--fit", "--json", "--output", str(output), stdout=out
    )
    figures = json.loads(out.getvalue())
    assert figures["split"] == "fit on even, report on odd"
    assert figures["precision"] >= 0.95 and figures["coverage"] > 0
    model = calibration_load(output)
    assert model.fitted_on.startswith("20 questions")


def test_fitted_model_ranks_the_margin_above_the_score() -> None:
    """On data where only the margin predicts correctness, the fit relies on the margin."""
    rows, labels = [], []
    for i in range(40):
        top = 0.3 + (i % 7) / 10
        margin = 0.5 if i % 2 else 0.01
        rows.append([top, margin, margin / top, 0.0, 1.0])
        labels.append(i % 2)
    model = calibration_fit(rows, labels, steps=500)
    assert model.probability([0.4, 0.4, 1.0, 0.0, 1.0]) > model.probability(
        [0.9, 0.01, 0.01, 0.0, 1.0]
    )
    assert 0.5 <= model.threshold < 1.0


def test_unreadable_calibration_falls_back_to_the_default(tmp_path) -> None:  # noqa: ANN001
    """A corrupt calibration file never breaks the assistant: the default model is used."""
    path = tmp_path / "broken.json"
    path.write_text("{")
    assert isinstance(calibration_load(path), Calibration)
    assert calibration_load(path).fitted_on == "default (not fitted)"


def test_each_engine_mode_reads_its_own_calibration(settings):
    """Fused scores are on another scale than BM25's: the semantic mode has its own fit."""
    from parvis.conversation import calibration

    settings.PARVIS_ANSWERS_SEMANTIC = False
    assert calibration.calibration_path() == calibration.CALIBRATION_PATH
    settings.PARVIS_ANSWERS_SEMANTIC = True
    assert calibration.calibration_path() == calibration.SEMANTIC_CALIBRATION_PATH

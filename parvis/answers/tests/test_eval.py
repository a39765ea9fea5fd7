"""`eval_answers`: figures for the engine and the baseline on a tiny fixture set."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_eval_prints_hit_rates_and_latency_for_engine_and_baseline(small_kb, tmp_path):
    """--json gives hit@1, hit@3, MRR@10, p50/p95 for both, and a bad line is reported."""
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            [
                json.dumps({"question": "Peut-on déshériter ses enfants ?", "expected": ["T1"]}),
                json.dumps({"question": "hôtel facture client", "expected": ["T2"]}),
                json.dumps({"question": "défenseur syndical", "expected": ["T3"]}),
                json.dumps({"question": "oops"}),
            ]
        ),
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("eval_answers", str(questions), "--json", stdout=out, stderr=err)
    figures = json.loads(out.getvalue())
    assert figures["questions"] == 3
    assert figures["engine"]["hit@1"] == 1.0
    assert set(figures["baseline"]) == {"hit@1", "hit@3", "mrr@10", "p50_ms", "p95_ms"}
    assert "ligne 4" in err.getvalue()


def test_eval_table_lists_both_columns(small_kb, tmp_path):
    """Without --json the figures are a readable side-by-side table."""
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "mediation", "expected": ["T4"]}))
    out = StringIO()
    call_command("eval_answers", str(questions), stdout=out)
    assert "moteur" in out.getvalue() and "hit@1" in out.getvalue()

"""`knowledge_import`: idempotent, validates each line, never a traceback."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parvis.answers.models import SearchDocument

pytestmark = pytest.mark.django_db


def _write(tmp_path, lines):
    path = tmp_path / "kb.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_bad_lines_are_reported_and_good_lines_imported(tmp_path):
    """Each bad line is reported with its number and reason; the others are imported."""
    good = json.dumps({"id": "K1", "title": "T", "body": "Corps", "url": "https://x.org/1"})
    path = _write(
        tmp_path,
        [good, "{not json", json.dumps({"id": "K2"}), "[1]", json.dumps({"id": "K3", "body": "b"})],
    )
    out, err = StringIO(), StringIO()
    call_command("knowledge_import", str(path), stdout=out, stderr=err)
    assert "ligne 2 : JSON invalide" in err.getvalue()
    assert "ligne 3 : champ « body » manquant" in err.getvalue()
    assert "ligne 4 : un objet JSON est attendu" in err.getvalue()
    assert "2 créé(s), 0 mis à jour, 3 ligne(s) rejetée(s)" in out.getvalue()
    assert set(SearchDocument.objects.values_list("key", flat=True)) >= {"K1", "K3"}


def test_reimport_updates_by_id(tmp_path):
    """Importing the same id twice updates the document instead of duplicating it."""
    call_command(
        "knowledge_import",
        str(_write(tmp_path, [json.dumps({"id": "K9", "body": "ancien texte"})])),
        stdout=StringIO(),
    )
    call_command(
        "knowledge_import",
        str(_write(tmp_path, [json.dumps({"id": "K9", "body": "nouveau texte"})])),
        stdout=StringIO(),
    )
    assert SearchDocument.objects.get(key="K9").short_answer == "nouveau texte"
    assert SearchDocument.objects.filter(key="K9").count() == 1


def test_imported_document_shows_source_and_licence(knowledge):
    """Imported documents carry their source and a default licence."""
    from parvis.answers.selectors import answer_query

    knowledge([{"id": "K5", "body": "La fourrière garde le véhicule.", "source": "DILA"}])
    item = answer_query(query="fourriere vehicule").results[0]
    assert (item.id, item.source, item.licence) == ("K5", "DILA", "Licence Ouverte / Etalab 2.0")


def test_missing_file_is_a_clear_error(tmp_path):
    """A missing file is a command error with its path, not a traceback."""
    with pytest.raises(CommandError, match="Fichier illisible"):
        call_command("knowledge_import", str(tmp_path / "absent.jsonl"))


def test_rich_text_is_indexed_as_plain_text_with_paragraphs_apart(publish_fiche):
    """Entities are decoded and paragraphs stay apart: snippets show "d'enseigne", once."""
    from parvis.answers.models import SearchDocument

    page = publish_fiche(
        "Poser une enseigne",
        "Une autorisation est nécessaire.",
        body="<p>Les couleurs sont encadrées.</p><p>Déposez la demande d&#x27;enseigne.</p>",
    )
    body = SearchDocument.objects.get(page=page).body
    assert "encadrées.\nDéposez" in body and "d'enseigne" in body and "&#x27;" not in body

"""French free text of SMS answers: what a passer-by types in ten seconds is understood."""

from __future__ import annotations

import pytest

from parvis.listening.models import FieldQuestion
from parvis.listening.parsing import answer_parse, normalise, sms_parse

YES_NO = FieldQuestion(code="VELO12", kind=FieldQuestion.Kind.YES_NO, choices=["Oui", "Non"])
CHOICE = FieldQuestion(
    code="PASSAGE3",
    kind=FieldQuestion.Kind.CHOICE_REMARK,
    choices=["Un plateau surélevé", "Un feu piéton", "Rien ne change"],
)
RATING = FieldQuestion(code="PLACE7", kind=FieldQuestion.Kind.RATING, choices=[])


def _parse(question: FieldQuestion, text: str):
    incoming = sms_parse(text, codes={"VELO12", "PASSAGE3", "PLACE7"})
    return incoming, answer_parse(question, incoming.rest, incoming.original_rest)


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("oui", 0),
        ("OUI!", 0),
        ("Oui.", 0),
        ("  ouais  ", 0),
        ("1", 0),
        ("plutôt d'accord", 0),
        ("Plutot d accord", 0),
        ("tout à fait", 0),
        ("VELO12 oui", 0),
        ("velo12 OUI !!", 0),
        ("non", 1),
        ("NON merci", 1),
        ("non merci", 1),
        ("2", 1),
        ("pas d'accord", 1),
        ("plutôt pas d'accord", 1),
        ("VELO12 Non", 1),
        ("Pas du tout", 1),
    ],
)
def test_yes_no_answers_in_french(text, choice):
    _incoming, parsed = _parse(YES_NO, text)
    assert parsed is not None and parsed.choice == choice


@pytest.mark.parametrize("text", ["", "bonjour", "peut-être", "7", "VELO12"])
def test_unparseable_yes_no(text):
    assert _parse(YES_NO, text)[1] is None


def test_a_choice_by_its_words_or_number_with_a_remark():
    _i, parsed = _parse(CHOICE, "PASSAGE3 feu piéton, les voitures vont trop vite")
    assert parsed.choice == 1
    assert "voitures vont trop vite" in parsed.remark
    _i, parsed = _parse(CHOICE, "1 surtout près de l'école")
    assert parsed.choice == 0 and parsed.remark.endswith("l'école")
    assert _parse(CHOICE, "PLATEAU SURELEVE")[1].choice == 0
    assert _parse(CHOICE, "rien ne change")[1].choice == 2
    assert _parse(CHOICE, "je ne sais pas")[1] is None


@pytest.mark.parametrize(
    ("text", "rating"), [("5", 5), ("4/5", 4), ("3 sur 5", 3), ("2 étoiles", 2)]
)
def test_ratings(text, rating):
    assert _parse(RATING, text)[1].rating == rating


def test_rating_out_of_range_is_not_understood():
    assert _parse(RATING, "9")[1] is None
    assert _parse(RATING, "super")[1] is None


@pytest.mark.parametrize(
    "text", ["STOP", "stop", "Stop !", "ARRET", "Arrêt", "STOP SMS", "arrêter"]
)
def test_stop_words(text):
    assert sms_parse(text, codes=set()).stop


@pytest.mark.parametrize("text", ["stop au feu rouge", "non merci", "VELO12 stop"])
def test_not_stop(text):
    assert not sms_parse(text, codes={"VELO12"}).stop


def test_follow_keyword_and_normalise():
    assert sms_parse("VELO12 suivi", codes={"VELO12"}).follow
    assert normalise("  Plutôt D'ACCORD !! ") == "plutot d accord"

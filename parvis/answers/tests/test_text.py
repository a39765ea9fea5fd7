"""French normalisation and stemming: the same words on both sides of the index."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parvis.answers.text import normalise, signature, stems


def test_normalise_folds_case_accents_and_elisions():
    """Case, accents and elisions (l', d', qu', j') disappear; words stay."""
    assert normalise("L'État civil d’Orléans, qu'il J'AI") == "etat civil orleans il ai"


def test_normalise_expands_sms_spellings():
    """SMS spellings become the words they stand for ("jai" → "ai", "pr" → "pour")."""
    assert normalise("jai perdu mon livret pr demain") == "ai perdu mon livret pour demain"


def test_normalise_drops_control_characters():
    """Control and invisible characters never reach the index or the logs."""
    assert normalise("carte\x00\x1f\u200bidentité\x7f") == "carte identite"


def test_normalise_caps_the_length_on_a_word_boundary():
    """A long text is cut at ``limit`` without half words."""
    text = normalise("carte " * 100, limit=20)
    assert len(text) <= 20 and text.split() == ["carte"] * len(text.split())


@given(st.text())
def test_normalise_is_idempotent_and_never_raises(raw):
    """Any Unicode text normalises without error, and normalising twice changes nothing."""
    once = normalise(raw)
    assert normalise(once) == once


def test_stems_match_with_or_without_accents_and_plural():
    """ "Poubelles jaunes" and "poubelle jaune" give the same stems; stop words are dropped."""
    assert stems("les poubelles jaunes") == stems("Poubelle JAUNE")
    assert "les" not in stems("les poubelles")


def test_signature_groups_reworded_questions():
    """Two wordings with the same content words share a signature."""
    assert signature("carte d'identité perdue") == signature("perdue, la carte identite ?")


def test_words_are_found_whatever_their_case_and_accents() -> None:
    """Snippets find the question's words as written in the text (offsets of the text itself),
    and never inside a word, whatever letters surround them."""
    from parvis.answers.ranking import term_offsets

    text = "ÉCOLE, l’École et les écoles ; cœur Dvořák préécole"
    assert term_offsets(text, {"ecol"}) == [0, 9, 22]
    assert term_offsets(text, {"ur"}) == []  # "cœur": "œ" is a letter of the word
    assert term_offsets(text, {"dvorak"}) == [36]
    assert term_offsets("Œuvre d'art", {"œuvr"}) == [0]

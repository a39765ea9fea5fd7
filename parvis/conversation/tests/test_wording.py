"""The canonical wording of a question ignores case, accents, punctuation and word order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parvis.conversation.assistant import fold
from parvis.conversation.selectors import wording_key

words = st.lists(st.text(alphabet="abcdeéèàçiouy", min_size=2, max_size=8), min_size=1, max_size=6)


@given(words, st.randoms())
def test_word_order_does_not_change_the_key(items: list[str], rnd) -> None:  # noqa: ANN001
    """Shuffling the words of a question gives the same group."""
    shuffled = items[:]
    rnd.shuffle(shuffled)
    assert wording_key(" ".join(items)) == wording_key(" ".join(shuffled))


@given(words)
def test_case_and_punctuation_do_not_change_the_key(items: list[str]) -> None:
    """Capitals and punctuation around the words give the same group."""
    text = " ".join(items)
    assert wording_key(text.upper() + " ?!") == wording_key(text)


@settings(max_examples=2000)
@given(st.text(max_size=80))
def test_fold_is_idempotent(text: str) -> None:
    """Folding a folded text changes nothing."""
    assert fold(fold(text)) == fold(text)

"""Canonical form, base64, signed notes: properties that other verifiers rely on."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from parvis.certification import note
from parvis.certification.canonical import b64, b64_strict, canonical, normalise_tokens

SAFE_INT = st.integers(-(2**53) + 1, 2**53 - 1)
JSON = st.recursive(
    st.none() | st.booleans() | SAFE_INT | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", max_size=8), children, max_size=4
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_canonical_form_is_sorted_compact_utf8_json_for_statement_values(value):
    """For float-free values with ASCII keys, RFC 8785 equals sorted, compact, UTF-8 JSON
    (what docs/certification.md tells other verifiers they may use)."""
    simple = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical(value) == simple.encode()
    assert canonical(json.loads(canonical(value))) == canonical(value)


@given(st.binary(min_size=1, max_size=80), st.data())
def test_strict_base64_rejects_every_other_spelling(data, draw):
    """Only the canonical padded spelling decodes; changing any character changes or fails."""
    text = b64(data)
    assert b64_strict(text) == data
    position = draw.draw(st.integers(0, len(text) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
    char = draw.draw(st.sampled_from([c for c in alphabet if c != text[position]]))
    changed = text[:position] + char + text[position + 1 :]
    try:
        assert b64_strict(changed) != data
    except ValueError:
        pass


@given(st.integers(0, 2**40), st.binary(min_size=32, max_size=32))
def test_checkpoint_round_trips(size, root):
    """A checkpoint body parses back to its size and root."""
    body = note.checkpoint_body("nantes.example/parvis/log", size, root)
    line = note.sign_line("nantes.example/parvis/log", bytes(32), bytes(64))
    parsed = note.parse(body + "\n" + line)
    assert (parsed.size, parsed.root, parsed.body) == (size, root, body)


def test_normalisation_ignores_case_accents_punctuation_and_quotes():
    """Typographic and plain spellings of a sentence give the same tokens."""
    expected = ["l", "accueil", "est", "ouvert", "a", "9", "h"]
    assert normalise_tokens("L’accueil  est « OUVERT », à 9 h !") == expected
    assert normalise_tokens('l\'accueil est "ouvert" a 9 h') == expected

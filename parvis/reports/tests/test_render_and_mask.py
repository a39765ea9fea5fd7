"""Pure pieces, with hypothesis: Open311 XML round-trip and the public-text mask."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from parvis.reports.open311.render import _XML_ILLEGAL, to_xml
from parvis.reports.privacy import MASK, public_text


@given(st.text(max_size=200), st.text(max_size=50))
def test_open311_xml_round_trip(description, code):
    """Any text survives XML serialisation and parsing (minus characters XML 1.0 cannot carry)."""
    body = to_xml("service_requests", [{"service_code": code, "description": description}])
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    request = ET.fromstring(body).find("request")
    assert (request.findtext("description") or "") == _XML_ILLEGAL.sub("", description).replace(
        "\r", "\n"
    ) or "\r" in description
    assert (request.findtext("service_code") or "") == _XML_ILLEGAL.sub("", code).replace(
        "\r", "\n"
    ) or "\r" in code


@given(
    st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,5})?@[a-z]{2,10}\.(fr|com|test)", fullmatch=True),
    st.sampled_from(["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678"]),
    st.text(alphabet="abcdefghij ,.", max_size=30),
)
def test_mask_hides_emails_and_phones(email, phone, filler):
    """Emails and French phone numbers never survive the public-text mask."""
    masked = public_text(f"{filler} {email} {filler} {phone} {filler}")
    assert email not in masked and phone not in masked and MASK in masked


def test_mask_keeps_dates_and_identifiers():
    """Dates, house numbers and identifiers are left alone."""
    text = "Le 12/03/2026 au 14 rue X, réf. bfa3c054-0069-4678-bb76-efe22390e66f"
    assert public_text(text) == text

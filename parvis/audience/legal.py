"""The legal page's "Mesure d'audience" paragraph, from the same template the code renders.

The demo's "Données personnelles" page carries this text word for word (a test compares them),
and the public /frequentation/ page and any template render it with
``{% audience_legal_paragraph %}``: the paragraph states the figures the code uses
(retention, open-data threshold), read from the settings.
"""

from __future__ import annotations

import html

from django.template.loader import render_to_string
from django.utils.html import strip_tags

from parvis.audience.templatetags.audience_tags import audience_legal_paragraph


def audience_legal_text() -> str:
    """The paragraph as plain text, in the active language."""
    rendered = render_to_string("audience/_legal.html", audience_legal_paragraph())
    return " ".join(html.unescape(strip_tags(rendered)).split())

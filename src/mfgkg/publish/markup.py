"""Markup built from the graph's data: data is shown, never run.

Every HTML surface (entity pages, the static site, the explorer, the ontology docs, ``mfgkg check
--format html``) writes text, links and inline JSON through these functions, so a value such as a
source URL ``javascript:alert(1)`` or a label ``</script><script>`` stays text wherever it appears.
"""

from __future__ import annotations

import html
import json
import re

# A web address a browser opens as a page: http or https, a host, and none of the characters a URL
# never holds unescaped (whitespace, controls, double quotes, angle brackets, braces). Anything else,
# such as javascript:, data:, vbscript: or a protocol-relative //host, is shown as text.
SAFE_URL = re.compile(r'https?://[^\s\x00-\x1f\x7f-\x9f<>"`{}|\\^/?#][^\s\x00-\x1f\x7f-\x9f<>"`{}|\\^]*',
                      re.IGNORECASE)
# Characters that end or open markup inside a <script> element, and the line separators that end
# a JavaScript string in older engines, each replaced by its JSON escape.
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")


def escape(text: object) -> str:
    """``text`` as HTML text, safe in element content and in quoted attribute values."""
    return html.escape(str(text), quote=True)


def safe_url(url: str | None) -> bool:
    """Whether ``url`` may become a link: an http(s) address as written, without leading spaces."""
    return url is not None and SAFE_URL.fullmatch(url) is not None


def link(url: str | None, label: str | None = None) -> str:
    """A link to ``url`` showing ``label`` (markup; default the URL as text) when it is a safe web
    address (:func:`safe_url`), else ``label`` alone, or the escaped URL when there is no label."""
    shown = escape(url or "") if label is None else label
    if not safe_url(url):
        return shown
    return f'<a href="{escape(url)}" rel="noopener">{shown}</a>'


def script_json(value: object) -> str:
    """``value`` as JSON text to inline in a ``<script>`` element: ``<``, ``>``, ``&`` and U+2028/U+2029
    written as ``\\uXXXX`` escapes, so no string in it can close the element, open a comment or
    end a line. The text is still JSON and parses back to ``value``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return SCRIPT_UNSAFE.sub(lambda m: SCRIPT_ESCAPES[m.group()], text)

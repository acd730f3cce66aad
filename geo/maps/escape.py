r"""Escaping: what users wrote reaches the page as text, never as markup or code.

Three layers of defence, all needed:

* HTML: text shown in HTML (tooltips, the legend) is HTML-escaped, and popups are
  built in the browser from text nodes;
* templates: branca renders every element's output once more as a Jinja
  template, so ``{{ ... }}`` in an incident title would be evaluated on the
  machine that draws the map. Braces are escaped too (``&#123;`` in HTML,
  ``\u007b`` in JSON);
* size: each cell is cut to :data:`geo.settings.MAP_TEXT_MAX_CHARS` characters
  (:func:`clip`), so that one huge cell cannot make a huge page. The frames keep
  the full text.

In the browser, ``flashpoints.js`` builds popups and tooltips from text nodes and
escapes the labels it hands to Leaflet's layer control (which sets them as HTML).
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

from .. import settings

__all__ = ["TRUNCATED", "clip", "esc", "script_json"]

#: What ends a text cut by :func:`clip`.
TRUNCATED = "\u2026 (truncated; full text in the data)"


def clip(text: str, *, max_chars: int | None = None) -> str:
    """Return ``text`` cut to ``max_chars`` characters and marked as cut when longer.

    Parameters
    ----------
    text : str
        A cell's text.
    max_chars : int, optional
        Longest text kept; by default :data:`geo.settings.MAP_TEXT_MAX_CHARS`.

    Returns
    -------
    str
        ``text`` itself, or its first ``max_chars`` characters followed by
        :data:`TRUNCATED`.

    Examples
    --------
    >>> clip("abcdef", max_chars=3)
    'abc\u2026 (truncated; full text in the data)'
    >>> clip("abc", max_chars=3)
    'abc'
    """
    limit = settings.MAP_TEXT_MAX_CHARS if max_chars is None else max_chars
    return text if len(text) <= limit else text[:limit] + TRUNCATED


def esc(value: object) -> str:
    """Return ``value`` as HTML-escaped text, braces included ("" for None and NaN).

    The text is cut first (:func:`clip`).

    Examples
    --------
    >>> esc('<b onclick="x()">{{ 7*7 }}</b>')
    '&lt;b onclick=&quot;x()&quot;&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(clip(str(value)), quote=True).replace("{", "&#123;").replace("}", "&#125;")


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def script_json(value: object) -> str:
    """Return ``value`` as JSON safe inside an HTML ``<script>`` and a branca template.

    ``<``, ``>`` and ``&`` are escaped (no ``</script>`` can close the element), and
    so are braces inside strings: branca renders each element's output again as a
    Jinja template, where user text such as ``{{ ... }}`` would otherwise run.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = _JSON_STRING.sub(
        lambda m: m.group(0).replace("{", "\\u007b").replace("}", "\\u007d"), text
    )
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )

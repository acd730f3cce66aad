r"""Escaping: what users wrote reaches the page as text, never as markup or code.

Two layers of defence, both needed:

* HTML: text shown in HTML (tooltips, the legend) is HTML-escaped, and popups are
  built in the browser from text nodes;
* templates: branca renders every element's output once more as a Jinja
  template, so ``{{ ... }}`` in an incident title would be evaluated on the
  machine that draws the map. Braces are escaped too (``&#123;`` in HTML,
  ``\u007b`` in JSON).
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

__all__ = ["esc", "script_json"]


def esc(value: object) -> str:
    """Return ``value`` as HTML-escaped text, braces included ("" for None and NaN).

    Examples
    --------
    >>> esc('<b onclick="x()">{{ 7*7 }}</b>')
    '&lt;b onclick=&quot;x()&quot;&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


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

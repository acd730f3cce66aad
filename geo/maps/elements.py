"""The page elements the maps add to folium's: text snippets, JSON bindings, asset links.

branca renders each element's output a second time as a Jinja template. A
:class:`Snippet` therefore refuses text that holds template markers (``{{``,
``{%``, ``{#``): user text reaches it escaped (:mod:`.escape`), and our own
JavaScript is checked when the map is drawn. An :class:`AssetLink` loads a CDN
script or stylesheet with its Subresource Integrity hash (:mod:`geo.assets`).
"""

from __future__ import annotations

import html
from typing import Any

import branca

from .escape import script_json

__all__ = ["AssetLink", "Bind", "Snippet", "template_marker"]

_MARKERS = ("{{", "{%", "{#")


def template_marker(text: str) -> str | None:
    """Return the first Jinja marker (``{{``, ``{%``, ``{#``) in ``text``, or None."""
    return next((m for m in _MARKERS if m in text), None)


class Snippet(branca.element.MacroElement):
    """Raw HTML (``section="html"``) or JavaScript (``section="script"``) for the page.

    Raises
    ------
    ValueError
        When the text holds a Jinja marker, which branca's second pass would run.
    """

    def __init__(self, text: str, *, section: str = "script"):
        super().__init__()
        if section not in ("html", "script"):
            raise ValueError(f"unknown section {section!r}")
        bad = template_marker(text)
        if bad is not None:
            raise ValueError(f"page text holds the template marker {bad!r}; escape it")
        self._name = "Snippet"
        self.text = text
        self._template = branca.element.Template(
            "{% macro " + section + "(this, kwargs) %}{{ this.text }}{% endmacro %}"
        )


class Bind(branca.element.MacroElement):
    """Bind a popup or tooltip to the parent layer; the content travels as JSON.

    folium's ``Popup``/``Tooltip`` paste the text into a JavaScript template
    literal (where ``${...}`` would run) and need jQuery; this passes a JSON string.
    """

    _template = branca.element.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.{{ this.method }}(
            {{ this.content_json }}, {{ this.options_json }});
        {% endmacro %}"""
    )

    def __init__(self, method: str, content: str, **options: Any):
        super().__init__()
        self._name = "Bind"
        self.method = method
        self.content_json = script_json(content)
        self.options_json = script_json(options)


class AssetLink(branca.element.Element):
    """A ``<script>`` or stylesheet ``<link>`` from a CDN, with its integrity hash.

    folium's own links (``default_js``/``default_css``) carry no ``integrity``
    attribute; this one does, with ``crossorigin="anonymous"`` (which the browser
    needs to check a resource from another origin).

    Parameters
    ----------
    url : str
        The asset's address.
    integrity : str
        Its Subresource Integrity value (``sha384-...``).
    kind : {"js", "css"}
        Script or stylesheet.
    """

    def __init__(self, url: str, *, integrity: str, kind: str):
        super().__init__()
        if kind not in ("js", "css"):
            raise ValueError(f"unknown asset kind {kind!r}")
        if not integrity.startswith(("sha256-", "sha384-", "sha512-")):
            raise ValueError(f"not an integrity value: {integrity!r}")
        self._name = "AssetLink"
        self.url = url
        self.integrity = integrity
        attrs = f'integrity="{html.escape(integrity)}" crossorigin="anonymous"'
        if kind == "js":
            self.tag = f'<script src="{html.escape(url)}" {attrs}></script>'
        else:
            self.tag = f'<link rel="stylesheet" href="{html.escape(url)}" {attrs}/>'
        self._template = branca.element.Template("{{ this.tag }}")

"""The two page elements the maps add to folium's: text snippets and JSON bindings.

branca renders each element's output a second time as a Jinja template. A
:class:`Snippet` therefore refuses text that holds template markers (``{{``,
``{%``, ``{#``): user text reaches it escaped (:mod:`.escape`), and our own
JavaScript is checked when the map is drawn.
"""

from __future__ import annotations

from typing import Any

import branca

from .escape import script_json

__all__ = ["Bind", "Snippet"]

_MARKERS = ("{{", "{%", "{#")


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
        bad = next((m for m in _MARKERS if m in text), None)
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

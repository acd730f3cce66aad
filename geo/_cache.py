"""A small cache of what is derived from a zone set (index, coastlines, edges).

Zone sets loaded from files carry ``attrs["cache_key"]`` (path, modification time,
bbox), so that loading the bundled set twice reuses its index. The key also holds
the zone ids and kinds, so a filtered copy (which keeps ``attrs``) is not mistaken
for the whole set. Frames without a key are cached by identity.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import geopandas as gpd

T = TypeVar("T")

_STORE: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
_MAX_ENTRIES = 64


def derived(zones: gpd.GeoDataFrame, what: object, build: Callable[[], T]) -> T:
    """Return ``build()`` for this zone set, computed once."""
    ck = zones.attrs.get("cache_key")
    if ck is not None:
        ident: Any = (ck, tuple(zones["zone_id"]), tuple(zones["kind"]))
    else:
        ident = id(zones)
    key = (ident, what)
    hit = _STORE.get(key)
    if hit is not None and (ck is not None or hit[0] is zones):
        _STORE.move_to_end(key)
        return hit[1]
    value = build()
    _STORE[key] = (None if ck is not None else zones, value)
    while len(_STORE) > _MAX_ENTRIES:
        _STORE.popitem(last=False)
    return value

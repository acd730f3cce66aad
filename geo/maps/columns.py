"""How table columns travel to the page: compact forms that ``flashpoints.js`` decodes.

A map of a million incidents carries a million of every value it shows, so each
column takes the smallest form that keeps it exact:

* numbers as a little-endian typed array in base64 (``{"dtype": "i4", "b64": ...}``),
  which the browser reads straight into an ``Int32Array``, ``Float32Array``...
  Coordinates are integers of 10^-decimals degrees (``"decimals"``), so the browser
  gets the same value as from the decimal text;
* text that repeats as codes into a list of labels (``{"c": codes, "l": labels}``,
  the codes a typed array), text that does not as a list (``{"v": [...]}``), and a
  column with one value throughout as that value (``{"k": value}``).

Every text cell goes through :func:`.escape.clip` first.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from .escape import clip

__all__ = ["coordinates", "numbers", "text", "text_column", "typed"]

#: Typed-array names the page knows (flashpoints.js DTYPES), by little-endian numpy
#: dtype (one byte has no byte order: "|u1").
_DTYPES = {"|u1": "u1", "<u2": "u2", "<u4": "u4", "<i4": "i4", "<f4": "f4"}

#: An integer column's missing value (the smallest int32).
MISSING_INT = int(np.iinfo(np.int32).min)


def typed(values: np.ndarray) -> dict[str, str]:
    """Return ``values`` (uint8/16/32, int32 or float32) as a base64 typed array."""
    arr = np.ascontiguousarray(values)
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    name = _DTYPES.get(le.dtype.str)
    if name is None:
        raise TypeError(f"no typed array for dtype {arr.dtype}")
    return {"dtype": name, "b64": base64.b64encode(le.tobytes()).decode("ascii")}


def _codes(codes: np.ndarray, n_labels: int) -> dict[str, str]:
    for dtype, top in ((np.uint8, 0xFF), (np.uint16, 0xFFFF)):
        if n_labels <= top:
            return typed(codes.astype(dtype))
    return typed(codes.astype(np.uint32))


def text(values: Sequence[object] | pd.Series) -> list[str]:
    """Cells as page text: "" for None and NaN, long text cut (:func:`.escape.clip`)."""
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    cells = series.reset_index(drop=True).astype("string").fillna("")
    long = cells.str.len() > settings.MAP_TEXT_MAX_CHARS
    if long.any():
        cells = cells.copy()
        cells[long] = [clip(v) for v in cells[long]]
    return cells.tolist()


def text_column(values: Sequence[object] | pd.Series) -> dict[str, Any]:
    """Encode a text column: one value, codes into labels when values repeat, else values."""
    cells = text(values)
    codes, labels = pd.factorize(pd.Series(cells, dtype=object), sort=True)
    if len(labels) == 1:
        return {"k": str(labels[0])}
    if len(labels) * 2 <= len(cells):
        return {"c": _codes(codes, len(labels)), "l": [str(v) for v in labels]}
    return {"v": cells}


def coordinates(degrees: np.ndarray, *, decimals: int) -> dict[str, Any]:
    """Encode degrees as int32 of 10^-``decimals`` degrees (``decimals`` <= 7)."""
    scaled = np.round(np.asarray(degrees, dtype=float) * 10.0**decimals).astype(np.int32)
    return typed(scaled) | {"decimals": decimals}


def numbers(values: pd.Series | np.ndarray, *, integer: bool = False) -> dict[str, str]:
    """Encode numbers: float32 (NaN where missing), or int32 with :data:`MISSING_INT`."""
    series = pd.Series(values).reset_index(drop=True)
    num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if integer:
        out = np.full(num.shape, MISSING_INT, dtype=np.int32)
        ok = np.isfinite(num)
        out[ok] = np.round(num[ok]).astype(np.int32)
        return typed(out)
    return typed(num.astype(np.float32))

"""Zone-only classification: the zone of each point and its claims, no distances.

``geo.classify(points, distances=False)`` comes here. The answers are those of the
full classification (the same zone index), but the columns are built from the
index's zone numbers as pandas categoricals, without a Python string per row, and
the few overlay zones (continental-shelf claims, regimes) and China's dashed line
are tested only for points inside their bounding boxes (as in the full
classification: :meth:`geo.PreparedZones.overlay_hits`,
:func:`geo.dashed_line.within_dashed_line`). Ten million positions
take a few hundred MB instead of several GB of object columns.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .dashed_line import within_dashed_line_xy
from .index import NONE, OUTSIDE
from .prepared import PreparedZones
from .zones.schema import WATER_CLASSES, join_claimants

__all__ = ["zone_columns"]

#: Code of a row with no position (neither in the coverage nor outside it).
_MISSING = -3


def _lookup(prepared: PreparedZones, x: np.ndarray, y: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Zone row of each point (``NONE`` high seas, ``OUTSIDE``, ``_MISSING``)."""
    found = np.full(len(x), _MISSING, dtype=np.int64)
    idx = np.flatnonzero(has)
    if len(idx):
        found[idx] = prepared.index.lookup(x[idx], y[idx])
    return found


def _categorical(per_zone: np.ndarray, found: np.ndarray, *, none: object, outside: object,
                 missing: object) -> pd.Categorical:  # fmt: skip
    """Return ``per_zone[found]`` as a categorical, with the given values outside zones."""
    codes_of_zone, cats = pd.factorize(pd.Series(per_zone, dtype=object), use_na_sentinel=False)
    extra = [v for v in (none, outside, missing) if not pd.isna(v)]
    cats = pd.Index(list(dict.fromkeys([*cats, *extra])), dtype=object)
    lookup = {v: i for i, v in enumerate(cats)}
    # one table for every answer: found + 3 indexes it (_MISSING, OUTSIDE, NONE, zones...)
    table = np.empty(len(per_zone) + 3, dtype=np.int32)
    for which, value in ((NONE, none), (OUTSIDE, outside), (_MISSING, missing)):
        table[which - _MISSING] = -1 if pd.isna(value) else lookup[value]
    table[3:] = codes_of_zone
    return pd.Categorical.from_codes(table[found - _MISSING], categories=cats)


def _overlay_hits(
    prepared: PreparedZones, kind: str, x: np.ndarray, y: np.ndarray, rows: np.ndarray
) -> dict[int, tuple[int, ...]]:
    """Rows of ``rows`` inside overlays of ``kind``: row -> overlay numbers (of that kind)."""
    hits = prepared.overlay_hits(kind, x[rows], y[rows])
    return {int(rows[k]): members for k, members in hits.items()}


def _with_values(column: pd.Categorical, values: dict[int, str]) -> pd.Categorical:
    """``column`` with some rows set to (possibly new) values."""
    if not values:
        return column
    new = sorted(set(values.values()) - set(column.categories))
    out = column.add_categories(new) if new else column.copy()
    rows = np.fromiter(values, dtype=np.int64)
    out[rows] = [values[int(r)] for r in rows]
    return out


def zone_columns(
    frame: gpd.GeoDataFrame, prepared: PreparedZones, pts: np.ndarray, has: np.ndarray
) -> gpd.GeoDataFrame:
    """Return ``frame`` with the zone-only columns (``geo.classify.ZONE_ONLY_COLUMNS``).

    ``pts`` are the frame's points in EPSG:4326 and ``has`` marks the rows that
    have one. Text columns are pandas categoricals; ``zone_kind`` is missing where
    a row has no position, as in the full classification.
    """
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    found = _lookup(prepared, x, y, has)
    per_zone = prepared.columns()
    out = frame.copy()
    out["zone_kind"] = _categorical(per_zone["zone_kind"], found, none="high_seas",
                                    outside="outside_coverage", missing=pd.NA)  # fmt: skip
    for name in ("zone_name", "zone_id", "claimants"):
        out[name] = _categorical(per_zone[name], found, none="", outside="", missing="")
    claimants = per_zone["claimants"].astype(str)
    disputed = np.append(np.char.find(claimants, "/") >= 0, [False, False, False])
    out["disputed"] = disputed[found]  # -1, -2, -3 index the three appended False
    out["sovereign"] = _categorical(per_zone["sovereign"], found, none="", outside="", missing="")
    out["shelf_claimants"] = _shelf(prepared, per_zone, found, x, y)
    regimes = _overlay_hits(prepared, "regime", x, y, np.flatnonzero(has))
    names = prepared.overlays.loc[prepared.overlays["kind"] == "regime", "name"].to_numpy()
    blank = pd.Categorical.from_codes(np.zeros(len(found), dtype=np.int8), categories=[""])
    out["regimes"] = _with_values(
        blank, {r: "; ".join(sorted({str(names[i]) for i in h})) for r, h in regimes.items()}
    )
    out["within_dashed_line"] = within_dashed_line_xy(x, y)
    return out


def _shelf(
    prepared: PreparedZones,
    per_zone: dict[str, np.ndarray],
    found: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
) -> pd.Categorical:
    """Claimants of the seabed: the 200 nm zone's, plus any shelf claim over the point."""
    seabed = np.isin(per_zone["zone_kind"], WATER_CLASSES)
    shelf = np.where(seabed, per_zone["claimants"], "").astype(object)
    column = _categorical(shelf, found, none="", outside="", missing="")
    land = np.isin(per_zone["zone_kind"], ["land"])
    at_sea = (found != _MISSING) & ~((found >= 0) & land[np.maximum(found, 0)])
    hits = _overlay_hits(prepared, "continental_shelf", x, y, np.flatnonzero(at_sea))
    claims = prepared.overlays.loc[
        prepared.overlays["kind"] == "continental_shelf", "claimants"
    ].to_numpy()
    values = {r: join_claimants([str(column[r]), *(claims[i] for i in h)]) for r, h in hits.items()}
    return _with_values(column, values)

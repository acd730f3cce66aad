"""Place-name labels: states, seas, disputed features and landmarks, as page text.

Labels travel to the page as one JSON list and ``Flashpoints.addLabels`` (in
``flashpoints.js``) writes each as a DOM text node: they can be read, selected,
searched and read aloud, they never parse user text as HTML, and they work with
no tiles. Each has a kind, the smallest zoom at which it shows, and a priority:
where two labels would overlap on screen, the one of higher priority stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import polylabel

from ..datasets import data_path
from ..geodesy import GEOD
from ..zones.land import bundled_features
from ..zones.schema import STATE_NAMES, coverage_of
from .elements import Snippet
from .escape import clip, script_json

__all__ = ["LABEL_PRIORITY", "label_layer", "map_labels"]

#: Where labels would overlap, the lower number stays.
LABEL_PRIORITY: dict[str, int] = {
    "disputed": 0,
    "state": 1,
    "sea": 2,
    "launch_site": 3,
    "landmark": 4,
}

#: Places this far outside a zone set's coverage are not labelled, degrees.
_NEAR_DEG = 2.0

#: States with less land than this in the zone set are labelled from zoom 6 only, km².
_SMALL_STATE_KM2 = 20_000.0


def _land_spot(land: shapely.Geometry) -> tuple[shapely.Point | None, float]:
    """Return the visual centre of the largest part of ``land`` and its total area, km².

    The visual centre is the pole of inaccessibility (:func:`shapely.ops.polylabel`);
    it is None for empty land.
    """
    parts = shapely.get_parts(land)
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return None, 0.0
    areas = np.array([abs(GEOD.geometry_area_perimeter(p)[0]) for p in parts]) / 1e6
    return polylabel(parts[int(np.argmax(areas))], tolerance=0.05), float(areas.sum())


def _state_labels(zones: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return a label per state with undisputed land, at its largest part's visual centre."""
    land = zones[(zones["kind"] == "land") & ~zones["claimants"].astype(str).str.contains("/")]
    out = []
    for state, rows in land.groupby("sovereign"):
        if state not in STATE_NAMES:  # inland states the land layer reaches (Laos, Mongolia)
            continue
        spot, area_km2 = _land_spot(shapely.union_all(rows.geometry.values))
        if spot is None:
            continue
        out.append({
            "text": STATE_NAMES[str(state)], "kind": "state",
            "lat": spot.y, "lon": spot.x, "min_zoom": 3 if area_km2 >= _SMALL_STATE_KM2 else 6,
        })  # fmt: skip
    return out


def _group_text(name: str, rows: pd.DataFrame) -> str:
    """Return a dispute group's name, with the other side's name when it has none."""
    if "/" in name or "(" in name or len(rows) != 1:
        return name
    alts = [a.strip() for a in str(rows["alt_names"].iloc[0]).split(";") if a.strip()]
    latin = [a for a in alts if a.isascii() and a != name]
    return f"{name} / {latin[0]}" if latin else name


def _disputed_labels(features: pd.DataFrame, zones: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return a label per dispute group.

    It is at the mean of the group's features, or, for a group with much land
    (Taiwan), at the visual centre of its largest part, from zoom 3.
    """
    disputed = features[features["claimed_by"].astype(str).str.contains("/")]
    land = zones[zones["kind"] == "land"].set_index("zone_id").geometry
    out = []
    for (group, name), rows in disputed.groupby(["group", "group_name"]):
        # The Spratlys are some twenty groups a few km apart: named from zoom 7.
        zoom = 7 if str(group).startswith("spratly-") else 5
        lab = {"text": _group_text(str(name), rows), "kind": "disputed", "min_zoom": zoom,
               "lat": float(rows["lat"].mean()), "lon": float(rows["lon"].mean())}  # fmt: skip
        spot, area_km2 = _land_spot(land.get(f"{group}-land", shapely.Polygon()))
        if spot is not None and area_km2 >= _SMALL_STATE_KM2:
            lab.update(lat=spot.y, lon=spot.x, min_zoom=3)
        out.append(lab)
    return out


def _table_labels(table: pd.DataFrame, *, kind_of: Any, min_zoom: Any) -> list[dict[str, Any]]:
    return [
        {"text": str(row["name"]), "kind": kind_of(row), "lat": float(row["lat"]),
         "lon": float(row["lon"]), "min_zoom": int(min_zoom(row))}
        for _, row in table.iterrows()
    ]  # fmt: skip


def map_labels(
    zones: gpd.GeoDataFrame,
    *,
    features: pd.DataFrame | None = None,
    gazetteer: str | Path | None = None,
    seas: str | Path | None = None,
) -> list[dict[str, Any]]:
    """Return the labels of a map: states, seas, disputed features and landmarks.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        The zone set drawn (states are labelled on its land).
    features : pandas.DataFrame, optional
        Island features (dispute groups); by default ``data/zones/features.csv`` and
        the Spratly features.
    gazetteer, seas : path, optional
        Landmarks and seas; by default ``data/gazetteer.csv`` and ``data/seas.csv``.

    Returns
    -------
    list of dict
        ``text``, ``kind``, ``lat``, ``lon``, ``min_zoom`` and ``priority``, sorted by
        priority; texts are cut to the map's text limit.
    """
    feats = bundled_features() if features is None else features
    places = pd.read_csv(gazetteer or data_path("gazetteer.csv"), keep_default_na=False)
    # A dispute group's own label names it; its reference point would repeat it.
    places = places[places["kind"] != "island_group"]
    landmarks = _table_labels(
        places,
        kind_of=lambda r: "launch_site" if r["kind"] == "launch_site" else "landmark",
        min_zoom=lambda r: 5 if r["kind"] == "launch_site" else 7,
    )
    sea_labels = _table_labels(
        pd.read_csv(seas or data_path("seas.csv"), keep_default_na=False),
        kind_of=lambda _r: "sea", min_zoom=lambda r: r["min_zoom"],
    )  # fmt: skip
    # Places of the bundled tables are labelled only near the zone set's coverage.
    w, s, e, n = shapely.bounds(shapely.buffer(shapely.envelope(coverage_of(zones)), _NEAR_DEG))
    near = [lab for lab in _disputed_labels(feats, zones) + sea_labels + landmarks
            if w <= lab["lon"] <= e and s <= lab["lat"] <= n]  # fmt: skip
    labels = _state_labels(zones) + near
    for lab in labels:
        lab["text"] = clip(lab["text"])
        lab["lat"], lab["lon"] = round(lab["lat"], 4), round(lab["lon"], 4)
        lab["priority"] = LABEL_PRIORITY[lab["kind"]]
    return sorted(labels, key=lambda lab: (lab["priority"], lab["text"]))


def label_layer(labels: list[dict[str, Any]], *, map_name: str) -> Snippet:
    """Return the script that writes ``labels`` on the map (``Flashpoints.addLabels``)."""
    return Snippet(f"Flashpoints.addLabels({map_name}, {script_json(labels)});")

"""The track layer: vessel tracks by zone, gaps, entries and exits, drawn by ``tracks.js``.

From the positions of :func:`geo.load_tracks` and the visits of :func:`geo.zone_visits`:

* each visit (a vessel's stay in one zone) is a line from its entry point through its
  positions to its exit point, in the grey and width of its zone kind
  (:data:`.style.TRACK_KIND_STYLE`), so a track changes style exactly at the
  crossings ``zone_visits`` timed;
* a *dark* leg (no report for longer than ``dark_after``; the vessel is taken to
  have sailed the geodesic) is dashed, in the same grey;
* a *gap* between two segments of a vessel (no report for longer than ``max_gap``;
  where it went is not known) is a thin dotted line from the last report before it
  to the first after;
* each visit to a zone has an entry and an exit marker, whose popup the page builds.

**What is drawn of the positions.** Within each visit at most one position per
``sample_s`` seconds (the first of each interval on the clock), and both ends of
every dark leg; the crossing points, where the zone changes, are always vertices.
Duplicates and jumps (``flag_duplicate``, ``flag_jump``) are left out, as
``zone_visits`` leaves them out, and so are positions no visit covers. The table
says how many positions there were (``n_positions``) and how many are drawn
(``n_drawn``), and the count is logged. Measured with the default ``sample_s`` (300 s)
on ``synthetic_patrols`` (reports every 10 s to 3 min): February 2023, 77,740 positions
of 31 vessels, 24,706 drawn, a track table of 0.41 MB beside the 4.7 MB of an offline
page's zones and Leaflet; January to April, 377,842 positions of 119 vessels, 119,955
drawn, 2.0 MB. A slider step redraws the four months in about 30 ms (headless Chromium).

Longitudes are made continuous along each vessel's track
(:func:`geo.antimeridian.continuous_longitudes`), so a track across 180° is drawn the
short way. Times travel as whole seconds after ``t0``; numbers as typed arrays and
text as codes into labels (:mod:`.columns`). Every text (vessel ids, groups, zone
names) is cut to :data:`geo.settings.MAP_TEXT_MAX_CHARS` characters and shown by
``tracks.js`` as text nodes.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import settings
from ..antimeridian import continuous_longitudes
from ..errors import InputError
from ..tracks.segments import excluded_rows, require_columns, utc_seconds
from .columns import coordinates, numbers, text, text_column, typed
from .elements import Snippet
from .escape import script_json
from .style import TRACK_DARK_DASH, TRACK_GAP_STYLE, TRACK_KIND_STYLE, track_kind_order

__all__ = ["NOT_ZONES", "VISIT_NEEDED", "track_layer", "track_table"]

log = logging.getLogger(__name__)

#: Columns of :func:`geo.zone_visits` that a track map reads.
VISIT_NEEDED: tuple[str, ...] = (
    "vessel_id", "segment_id", "zone_kind", "zone_name", "claimants", "entry_time",
    "exit_time", "duration_h", "entry_lat", "entry_lon", "exit_lat", "exit_lon",
    "entry_uncertainty_s", "exit_uncertainty_s", "entered_from", "exited_to",
    "open_at_start", "open_at_end",
)  # fmt: skip

#: Zone kinds that are not zones: their visits get no entry and exit markers by default.
NOT_ZONES: tuple[str, ...] = ("high_seas", "outside_coverage")

#: Piece styles, as ``tracks.js`` knows them.
_TRACK, _DARK, _GAP = 0, 1, 2

#: Two times closer than this are the same instant (a position at a crossing), seconds.
_SAME_S = 1e-3


def check_visits(visits: object) -> pd.DataFrame:
    """Return ``visits`` when it is a table of :func:`geo.zone_visits` with rows; else raise."""
    frame = require_columns(visits, VISIT_NEEDED, caller="tracks_map",
                            what="the visits of geo.zone_visits",
                            fix="run geo.zone_visits(tracks) first")  # fmt: skip
    if frame.empty:
        raise InputError("tracks_map: the visits table is empty; there is nothing to draw")
    return frame


@dataclass(frozen=True)
class _Visits:
    """The visits sorted by vessel and time, as arrays."""

    frame: pd.DataFrame  # sorted, index 0..n-1
    vessel: np.ndarray  # code into vessel_ids
    vessel_ids: np.ndarray
    entry_s: np.ndarray
    exit_s: np.ndarray


def _visits(visits: pd.DataFrame) -> _Visits:
    v = visits.assign(vessel_id=visits["vessel_id"].astype(str))
    v = v.sort_values(["vessel_id", "entry_time", "exit_time"], kind="stable", ignore_index=True)
    codes, ids = pd.factorize(v["vessel_id"], sort=True)
    return _Visits(v, codes, np.asarray(ids, dtype=object),
                   utc_seconds(v["entry_time"]), utc_seconds(v["exit_time"]))  # fmt: skip


@dataclass(frozen=True)
class _Positions:
    """Kept positions of the visits' vessels, by vessel and time, with their visit."""

    visit: np.ndarray  # -1 where no visit covers the position
    t: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    dark_next: np.ndarray  # the leg to the vessel's next position is dark
    dark_prev: np.ndarray  # the leg from its previous position is dark


def _positions(tracks: pd.DataFrame, v: _Visits, dark_s: float) -> _Positions:
    kept = tracks.loc[~excluded_rows(tracks)]
    code = pd.Categorical(kept["vessel_id"].astype(str), categories=v.vessel_ids).codes
    t = utc_seconds(kept["time"])
    order = np.lexsort((t, code))
    order = order[code[order] >= 0]
    code, t = code[order].astype(np.int64), t[order]
    lon = (kept["lon"].to_numpy(dtype=float)[order] + 180.0) % 360.0 - 180.0
    lat = kept["lat"].to_numpy(dtype=float)[order]
    visit = _visit_of(code, t, v)
    seg = np.where(visit >= 0, v.frame["segment_id"].to_numpy()[visit], -1)
    same = (code[1:] == code[:-1]) & (seg[1:] == seg[:-1]) & (visit[1:] >= 0) & (visit[:-1] >= 0)
    dark = same & (np.diff(t) > dark_s)
    return _Positions(visit, t, lon, lat, np.r_[dark, False], np.r_[False, dark])


def _visit_of(code: np.ndarray, t: np.ndarray, v: _Visits) -> np.ndarray:
    """Return the visit of each position: the last of its vessel entered by then, if not left."""
    left = pd.DataFrame({"code": code, "t": t, "row": np.arange(len(t))}).sort_values("t")
    right = pd.DataFrame(
        {"code": v.vessel.astype(np.int64), "t": v.entry_s, "visit": np.arange(len(v.entry_s))}
    ).sort_values("t", kind="stable")
    found = pd.merge_asof(left, right, on="t", by="code", direction="backward")
    visit = np.full(len(t), -1, dtype=np.int64)
    visit[found["row"].to_numpy()] = found["visit"].fillna(-1).to_numpy(dtype=np.int64)
    left_it = (visit >= 0) & (t > v.exit_s[np.maximum(visit, 0)] + _SAME_S)
    return np.where(left_it, -1, visit)


@dataclass(frozen=True)
class _Vertices:
    """Every vertex drawn (entry points, kept positions, exit points), by visit and time."""

    visit: np.ndarray
    t: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    dark: np.ndarray  # the step to the next vertex of the visit is dark
    entry: np.ndarray  # vertex of each visit's entry point
    exit: np.ndarray  # ... and of its exit point
    n_drawn: int  # positions among the vertices


def _kept(p: _Positions, v: _Visits, sample_s: float) -> np.ndarray:
    """Return the positions to draw: strictly inside their visit, one per interval, dark ends."""
    safe = np.maximum(p.visit, 0)
    inside = (p.visit >= 0) & (p.t > v.entry_s[safe] + _SAME_S) & (p.t < v.exit_s[safe] - _SAME_S)
    idx = np.flatnonzero(inside)
    bucket = np.floor(p.t[idx] / sample_s)
    first = np.r_[True, (p.visit[idx][1:] != p.visit[idx][:-1]) | (bucket[1:] != bucket[:-1])]
    keep = first | p.dark_next[idx] | p.dark_prev[idx]
    return idx[keep]


def _vertices(p: _Positions, v: _Visits, *, sample_s: float, dark_s: float) -> _Vertices:
    f = v.frame
    n = len(f)
    pick = _kept(p, v, sample_s)
    entry_dark = f["entry_uncertainty_s"].to_numpy(dtype=float) > dark_s
    visit = np.concatenate([np.arange(n), p.visit[pick], np.arange(n)])
    role = np.concatenate([np.zeros(n), np.ones(len(pick)), np.full(n, 2.0)])
    t = np.concatenate([v.entry_s, p.t[pick], v.exit_s])
    order = np.lexsort((t, role, visit))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))

    def cat(entry: np.ndarray, position: np.ndarray, exit_: np.ndarray) -> np.ndarray:
        return np.concatenate([entry, position, exit_])[order]

    return _Vertices(
        visit=visit[order],
        t=t[order],
        lon=cat(
            f["entry_lon"].to_numpy(dtype=float), p.lon[pick], f["exit_lon"].to_numpy(dtype=float)
        ),
        lat=cat(
            f["entry_lat"].to_numpy(dtype=float), p.lat[pick], f["exit_lat"].to_numpy(dtype=float)
        ),
        dark=cat(entry_dark, p.dark_next[pick], np.zeros(n, dtype=bool)),
        entry=rank[:n],
        exit=rank[n + len(pick) :],
        n_drawn=len(pick),
    )


@dataclass(frozen=True)
class _Pieces:
    """Lines to draw: each a run of vertices (``index``, from ``start``) and a style."""

    index: np.ndarray  # vertices of every piece, one after another
    start: np.ndarray  # where each piece begins in ``index``
    style: np.ndarray  # _TRACK, _DARK or _GAP
    visit: np.ndarray  # -1 for gaps
    vessel: np.ndarray


def _runs(vx: _Vertices) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pieces of the visits' lines where the steps change from lit to dark: first, last, dark."""
    first = np.r_[True, vx.visit[1:] != vx.visit[:-1]]
    last = np.r_[first[1:], True]
    change = np.r_[False, vx.dark[1:] != vx.dark[:-1]] & ~first & ~last
    start = np.flatnonzero(first | change)
    after = np.r_[start[1:], len(vx.t)]
    # A piece ends where the next begins (a shared vertex), or at its visit's last vertex.
    end = np.where((after < len(vx.t)) & change[np.minimum(after, len(vx.t) - 1)], after, after - 1)
    return start, end, vx.dark[start]


def _gaps(v: _Visits, vx: _Vertices) -> tuple[np.ndarray, np.ndarray]:
    """Gaps between segments: (vertex of the exit before, vertex of the entry after)."""
    f = v.frame
    ends = f["open_at_end"].to_numpy(dtype=bool)[:-1] & f["open_at_start"].to_numpy(dtype=bool)[1:]
    same = (v.vessel[1:] == v.vessel[:-1]) & (
        f["segment_id"].to_numpy()[1:] != f["segment_id"].to_numpy()[:-1]
    )
    i = np.flatnonzero(ends & same)
    # Vertices are in visit order, so these two are neighbours: a gap is a run of two.
    return vx.exit[i], vx.entry[i + 1]


def _pieces(v: _Visits, vx: _Vertices) -> _Pieces:
    """Every piece (visit runs and gaps) in time order within each vessel."""
    first, last, dark = _runs(vx)
    gap_from, gap_to = _gaps(v, vx)
    first = np.r_[first, gap_from]
    last = np.r_[last, gap_to]
    style = np.r_[np.where(dark, _DARK, _TRACK), np.full(len(gap_from), _GAP)]
    visit = np.r_[vx.visit[first[: len(dark)]], np.full(len(gap_from), -1)]
    vessel = v.vessel[vx.visit[first]]
    order = np.lexsort((vx.t[last], vx.t[first], vessel))
    first, last, style, visit, vessel = (a[order] for a in (first, last, style, visit, vessel))
    length = last - first + 1
    offset = np.cumsum(length) - length
    index = np.repeat(first - offset, length) + np.arange(int(length.sum()))
    return _Pieces(index, offset, style, visit, vessel)


def _continuous(lon: np.ndarray, vessel: np.ndarray) -> np.ndarray:
    """Longitudes along each vessel's pieces without jumps at 180°."""
    out = np.empty_like(lon)
    bounds = np.flatnonzero(np.r_[True, vessel[1:] != vessel[:-1], True])
    for a, b in itertools.pairwise(bounds):
        out[a:b] = continuous_longitudes(lon[a:b], near=float(lon[b - 1]))
    return out


def _marker_table(v: _Visits, vx: _Vertices, lon: np.ndarray, kinds: set[str] | None) -> dict:
    """Return an entry and an exit marker for each visit to a zone (of ``kinds``)."""
    kind = v.frame["zone_kind"].astype(str)
    wanted = kind.isin(kinds) if kinds is not None else ~kind.isin(NOT_ZONES)
    i = np.flatnonzero(wanted.to_numpy())
    at = np.r_[vx.entry[i], vx.exit[i]]
    return {
        "n": 2 * len(i),
        "visit": numbers(np.r_[i, i], integer=True),
        "role": typed(np.r_[np.zeros(len(i)), np.ones(len(i))].astype(np.uint8)),
        "lat": coordinates(vx.lat[at], decimals=settings.MAP_COORD_DECIMALS),
        "lon": coordinates(lon[at], decimals=settings.MAP_COORD_DECIMALS),
    }


def _kinds(kinds: Iterable[str] | None) -> set[str] | None:
    """Return zone kinds as a set (one kind may be given as a string), or None for the default."""
    if kinds is None:
        return None
    return {kinds} if isinstance(kinds, str) else set(kinds)


def _visit_table(v: _Visits, t0: float) -> dict[str, Any]:
    """Return what popups and tooltips say about each visit."""
    f = v.frame
    zone = [z or k.replace("_", " ") for z, k in zip(text(f["zone_name"]), text(f["zone_kind"]),
                                                     strict=True)]  # fmt: skip
    group = f["group"] if "group" in f else pd.Series([""] * len(f))
    return {
        "n": len(f),
        "vessel": numbers(v.vessel, integer=True),
        "group": text_column(group),
        "zone": text_column(zone),
        "kind": text_column(f["zone_kind"]),
        "claimants": text_column(f["claimants"]),
        "entered_from": text_column(f["entered_from"]),
        "exited_to": text_column(f["exited_to"]),
        "segment": numbers(f["segment_id"], integer=True),
        "entry": numbers(np.round(v.entry_s - t0), integer=True),
        "exit": numbers(np.round(v.exit_s - t0), integer=True),
        "duration_h": numbers(f["duration_h"]),
        "entry_uncertainty_s": numbers(f["entry_uncertainty_s"]),
        "exit_uncertainty_s": numbers(f["exit_uncertainty_s"]),
    }


def _bounds(lon: np.ndarray, lat: np.ndarray) -> list[list[float]]:
    """Return the first view, [[south, west], [north, east]]: every vertex, 0.2° around."""
    pad = 0.2
    return [[max(float(lat.min()) - pad, -85.0), float(lon.min()) - pad],
            [min(float(lat.max()) + pad, 85.0), float(lon.max()) + pad]]  # fmt: skip


def track_table(
    tracks: pd.DataFrame,
    visits: pd.DataFrame,
    *,
    tz: str,
    dark_after_h: float,
    sample_s: float,
    marker_kinds: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Return the JSON-ready table that ``Flashpoints.addTracks`` draws.

    Parameters
    ----------
    tracks : pandas.DataFrame
        Positions from :func:`geo.load_tracks`.
    visits : pandas.DataFrame
        Their visits, from :func:`geo.zone_visits` (checked by :func:`check_visits`).
    tz : str
        Time zone in which popups and the slider also give times.
    dark_after_h : float
        A leg longer than this is dark (as ``zone_visits`` was told), hours.
    sample_s : float
        At most one position per this many seconds of a visit is drawn (see the module).
    marker_kinds : iterable of str, optional
        Zone kinds whose visits get entry and exit markers; by default every kind but
        :data:`NOT_ZONES`.

    Returns
    -------
    dict
        Vertices (``lat``, ``lon``, ``t``), pieces (``piece_start``, ``piece_style``,
        ``piece_visit``, ``piece_vessel``), ``visits``, ``markers``, ``vessels``,
        ``styles``, ``t0`` (epoch seconds), ``n_positions``, ``n_drawn``, ``bounds``, and
        what the legend explains: ``drawn`` (zone kinds, whether any leg is dark and
        whether there are gaps).
    """
    v = _visits(check_visits(visits))
    p = _positions(tracks, v, dark_after_h * 3600.0)
    vx = _vertices(p, v, sample_s=sample_s, dark_s=dark_after_h * 3600.0)
    pieces = _pieces(v, vx)
    length = np.diff(np.r_[pieces.start, len(pieces.index)])
    lon_drawn = _continuous(vx.lon[pieces.index], np.repeat(pieces.vessel, length))
    lon = vx.lon.copy()
    lon[pieces.index] = lon_drawn
    t0 = float(np.floor(vx.t.min() / 60.0) * 60.0)
    digits = settings.MAP_COORD_DECIMALS
    n_positions = int((p.visit >= 0).sum())
    log.info("track map: %d of %d positions drawn, %d visits, %d pieces",
             vx.n_drawn, n_positions, len(v.frame), len(pieces.start))  # fmt: skip
    return {
        "t0": t0,
        "tz": tz,
        "n_vertices": len(pieces.index),
        "lat": coordinates(vx.lat[pieces.index], decimals=digits),
        "lon": coordinates(lon_drawn, decimals=digits),
        "t": numbers(np.round(vx.t[pieces.index] - t0), integer=True),
        "piece_start": typed(pieces.start.astype(np.uint32)),
        "piece_style": typed(pieces.style.astype(np.uint8)),
        "piece_visit": numbers(pieces.visit, integer=True),
        "piece_vessel": numbers(pieces.vessel, integer=True),
        "vessels": text(pd.Series(v.vessel_ids, dtype=object)),
        "visits": _visit_table(v, t0),
        "markers": _marker_table(v, vx, lon, _kinds(marker_kinds)),
        "styles": {
            "kinds": TRACK_KIND_STYLE,
            "other": TRACK_KIND_STYLE["high_seas"],
            "gap": TRACK_GAP_STYLE,
            "dark_dash": TRACK_DARK_DASH,
        },
        "n_positions": n_positions,
        "n_drawn": vx.n_drawn,
        "drawn": {
            "kinds": track_kind_order(set(v.frame["zone_kind"].astype(str))),
            "dark": bool((pieces.style == _DARK).any()),
            "gaps": bool((pieces.style == _GAP).any()),
        },
        "bounds": _bounds(lon_drawn, vx.lat[pieces.index]),
    }


def track_layer(table: dict[str, Any], *, map_name: str, control_name: str) -> Snippet:
    """Return the script that draws a track table and adds its layers to the layer control."""
    return Snippet(f"Flashpoints.addTracks({map_name}, {control_name},\n{script_json(table)});")

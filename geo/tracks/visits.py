"""Zone visits: the time each vessel segment spends in each zone.

:func:`zone_visits` cuts every segment of every track (:mod:`geo.tracks.segments`)
at the points where its legs cross zone edges (:mod:`geo.tracks.crossings`) and
returns one row per stay in one zone. The visits of a segment follow each other
without gaps and cover it from its first position to its last; the high seas
(``zone_kind`` ``high_seas``, no zone id) and the area outside the zone set's
coverage (``outside_coverage``) are visits too, so nothing of a track is lost.

**On Dask** (a ``dask.dataframe.DataFrame`` or ``dask_geopandas.GeoDataFrame`` of
positions), the columns visits read (``vessel_id``, ``time``, ``lat``, ``lon``,
``group`` and the duplicate and jump flags) are shuffled on ``vessel_id``
(:func:`geo.distributed.map_prepared_by`), so that **a vessel never spans two
partitions**: its segments, gaps and crossings are all followed inside one
partition, and no state has to cross a partition edge. Each partition then goes
through :func:`zone_visits`: the visits are those of the in-memory path, in no
particular order across vessels (sort by ``vessel_id``, ``segment_id``,
``entry_time``). The flags are used as given: positions flagged file by file miss
a duplicate or a jump across two files (load such files together with
:func:`geo.load_tracks`, which flags them as one table).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from .._progress import Progress
from ..geodesy import GEOD, m_to_nm
from ..prepared import PreparedZones, prepare
from .crossings import Crossings, edge_tree, find_crossings, make_legs
from .segments import as_seconds, check_positions, excluded_rows, segment_numbers, utc_seconds

__all__ = ["VISIT_COLUMNS", "zone_visits"]

#: Columns of :func:`zone_visits`, in order.
VISIT_COLUMNS: tuple[str, ...] = (
    "vessel_id", "segment_id", "zone_id", "zone_kind", "zone_name", "claimants", "disputed",
    "entry_time", "exit_time", "duration_h", "entry_lat", "entry_lon", "exit_lat", "exit_lon",
    "entry_uncertainty_s", "exit_uncertainty_s", "observed_h", "dark_h", "n_positions",
    "min_distance_to_coast_nm", "entered_from", "exited_to", "open_at_start", "open_at_end",
    "group",
)  # fmt: skip

#: The columns of the positions that visits read (on Dask, only these are shuffled).
_READ = ("vessel_id", "time", "lat", "lon", "group", "flag_duplicate", "flag_jump")


@dataclass(frozen=True)
class _Positions:
    """The kept positions, sorted by vessel and time, as arrays."""

    vessel: np.ndarray  # integer codes
    vessel_ids: np.ndarray  # code -> id
    groups: np.ndarray  # code -> group
    t: np.ndarray  # seconds
    lon: np.ndarray
    lat: np.ndarray
    seg: np.ndarray  # global segment number
    seg_number: np.ndarray  # within the vessel
    zone: np.ndarray


@dataclass(frozen=True)
class _Events:
    """Positions and crossings of every segment in time order."""

    seg: np.ndarray
    t: np.ndarray
    zone: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    is_crossing: np.ndarray
    uncertainty_s: np.ndarray  # a crossing's leg duration; NaN for positions
    dark: np.ndarray  # the leg after this event is dark


def _positions(tracks: pd.DataFrame, prepared: PreparedZones, max_gap_s: float) -> _Positions:
    """Kept positions (no duplicates, no jumps), sorted, with segments and zones."""
    kept = tracks.loc[~excluded_rows(tracks)]
    t = utc_seconds(kept["time"])
    codes, ids = pd.factorize(kept["vessel_id"].astype(str))
    order = np.lexsort((t, codes))
    codes, t = codes[order], t[order]
    lon = kept["lon"].to_numpy(dtype=float)[order]
    lon = (lon + 180.0) % 360.0 - 180.0
    lat = kept["lat"].to_numpy(dtype=float)[order]
    group = kept["group"].astype(str).to_numpy()[order] if "group" in kept else np.full(len(t), "")
    groups = pd.Series(group).replace("", np.nan).groupby(codes).first().reindex(
        range(len(ids))).fillna("").to_numpy(dtype=object)  # fmt: skip
    seg, number = segment_numbers(codes, t, max_gap_s)
    zone = prepared.index.lookup(lon, lat) if len(t) else np.zeros(0, dtype=np.int64)
    return _Positions(codes, np.asarray(ids, dtype=object), groups, t, lon, lat, seg, number,
                      zone.astype(np.int64))  # fmt: skip


def _events(p: _Positions, crossings: Crossings, dark_leg: np.ndarray, leg_s: np.ndarray,
            legs_start: np.ndarray) -> _Events:  # fmt: skip
    """Merge positions and crossings into one time-ordered table per segment."""
    n, c = len(p.t), len(crossings.leg)
    pos_dark = np.zeros(n, dtype=bool)
    pos_dark[legs_start] = dark_leg
    start = legs_start[crossings.leg]
    c_t = p.t[start] + crossings.fraction * leg_s[crossings.leg]
    key = np.concatenate([np.arange(n), start])
    sub = np.concatenate([np.zeros(n), np.clip(crossings.fraction, 1e-12, None)])
    order = np.lexsort((sub, key))

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])[order]

    return _Events(
        seg=cat(p.seg, p.seg[start]),
        t=cat(p.t, c_t),
        zone=cat(p.zone, crossings.zone_to),
        lon=cat(p.lon, crossings.lon),
        lat=cat(p.lat, crossings.lat),
        is_crossing=cat(np.zeros(n, dtype=bool), np.ones(c, dtype=bool)),
        uncertainty_s=cat(np.full(n, np.nan), leg_s[crossings.leg]),
        dark=cat(pos_dark, dark_leg[crossings.leg]),
    )


@dataclass(frozen=True)
class _Runs:
    """Runs of events in one zone: first event, first event of the next run, flags."""

    first: np.ndarray
    after: np.ndarray  # first event of the next run (len(events) at the very end)
    of_event: np.ndarray  # run of each event
    seg_start: np.ndarray  # the run opens its segment
    seg_end: np.ndarray  # the run closes its segment


def _runs(ev: _Events) -> _Runs:
    n = len(ev.t)
    new_seg = np.r_[True, ev.seg[1:] != ev.seg[:-1]]
    new = new_seg | np.r_[True, ev.zone[1:] != ev.zone[:-1]]
    first = np.flatnonzero(new)
    after = np.r_[first[1:], n]
    ends_seg = np.r_[new_seg[1:], True]
    return _Runs(first, after, np.cumsum(new) - 1, new_seg[first], ends_seg[after - 1])


def _times(ev: _Events, runs: _Runs) -> dict[str, np.ndarray]:
    """Entry and exit of each run: times, points, uncertainties, observed and dark hours."""
    # A run ends where the next run of its segment begins, else at its last position.
    exit_at = np.where(runs.seg_end, runs.after - 1, np.minimum(runs.after, len(ev.t) - 1))
    same = np.r_[ev.seg[1:] == ev.seg[:-1], False]
    step = np.where(same, np.diff(ev.t, append=ev.t[-1] if len(ev.t) else 0.0), 0.0)
    nr = len(runs.first)
    dark_s = np.bincount(runs.of_event, weights=step * ev.dark, minlength=nr)
    all_s = np.bincount(runs.of_event, weights=step, minlength=nr)
    return {
        "entry_t": ev.t[runs.first], "exit_t": ev.t[exit_at],
        "entry_lat": ev.lat[runs.first], "entry_lon": ev.lon[runs.first],
        "exit_lat": ev.lat[exit_at], "exit_lon": ev.lon[exit_at],
        "entry_uncertainty_s": np.where(runs.seg_start, np.nan, ev.uncertainty_s[runs.first]),
        "exit_uncertainty_s": np.where(runs.seg_end, np.nan, ev.uncertainty_s[exit_at]),
        "observed_h": (all_s - dark_s) / 3600.0, "dark_h": dark_s / 3600.0,
        "n_positions": np.bincount(runs.of_event, weights=~ev.is_crossing, minlength=nr),
    }  # fmt: skip


def _coast_nm(prepared: PreparedZones, ev: _Events, runs: _Runs, t: dict) -> np.ndarray:
    """Least distance to the coast over a run's crossings and sampled positions (nm)."""
    coast = prepared.coastline
    nr = len(runs.first)
    if coast is None or not nr:
        return np.full(nr, np.nan)
    bucket = np.floor(ev.t / settings.TRACK_COAST_SAMPLE_S)
    sampled = np.r_[True, (bucket[1:] != bucket[:-1]) | (ev.seg[1:] != ev.seg[:-1])]
    pick = np.flatnonzero(sampled | ev.is_crossing)
    run = runs.of_event[pick]
    lon, lat = ev.lon[pick], ev.lat[pick]
    bare = np.flatnonzero(t["n_positions"] == 0)  # a corner cut: measure its middle too
    az, _, d = GEOD.inv(t["entry_lon"][bare], t["entry_lat"][bare], t["exit_lon"][bare],
                        t["exit_lat"][bare])  # fmt: skip
    mid_lon, mid_lat, _ = GEOD.fwd(t["entry_lon"][bare], t["entry_lat"][bare], az,
                                   np.asarray(d) / 2.0)  # fmt: skip
    lon, lat = np.r_[lon, mid_lon], np.r_[lat, mid_lat]
    run = np.r_[run, bare]
    d_m, _ = coast.distance_m(lon, lat)
    best = pd.Series(np.asarray(d_m)).groupby(run).min().reindex(range(nr))
    return np.asarray(m_to_nm(best.to_numpy(dtype=float)))


def _zone_columns(prepared: PreparedZones, zone: np.ndarray) -> dict[str, np.ndarray]:
    """Zone id, kind, name and claimants per zone answer (high seas and outside too)."""
    cols = prepared.columns()
    out = {}
    for name in ("zone_id", "zone_kind", "zone_name", "claimants"):
        # Index -2 (OUTSIDE) and -1 (NONE, the high seas) take the two values appended.
        extra = {"zone_kind": ["outside_coverage", "high_seas"]}.get(name, ["", ""])
        per = np.concatenate([cols[name].astype(object), np.asarray(extra, dtype=object)])
        out[name] = per[zone]
    return out


def _neighbour_kinds(kind: np.ndarray, runs: _Runs) -> tuple[np.ndarray, np.ndarray]:
    """Zone kind of the run before and after each run in its segment ("" at its ends)."""
    blank = np.array([""], dtype=object)
    before = np.where(runs.seg_start, "", np.concatenate([blank, kind[:-1]])).astype(object)
    after = np.where(runs.seg_end, "", np.concatenate([kind[1:], blank])).astype(object)
    return before, after


def _to_time(seconds: np.ndarray) -> pd.DatetimeIndex:
    return pd.to_datetime(np.round(seconds * 1e6).astype(np.int64), unit="us", utc=True)


def _table(p: _Positions, ev: _Events, runs: _Runs, prepared: PreparedZones,
           distances: bool) -> pd.DataFrame:  # fmt: skip
    """Assemble the visits table."""
    t = _times(ev, runs)
    zone = ev.zone[runs.first]
    zcols = _zone_columns(prepared, zone)
    seg = ev.seg[runs.first]
    seg_first = np.searchsorted(p.seg, seg)  # the segment's first position
    vessel = p.vessel[seg_first]
    entered, exited = _neighbour_kinds(zcols["zone_kind"], runs)
    coast = _coast_nm(prepared, ev, runs, t) if distances else np.full(len(zone), np.nan)
    out = pd.DataFrame({
        "vessel_id": p.vessel_ids[vessel].astype(str) if len(vessel) else np.zeros(0, dtype=str),
        "segment_id": p.seg_number[seg_first],
        **zcols,
        "disputed": np.char.find(zcols["claimants"].astype(str), "/") >= 0,
        "entry_time": _to_time(t["entry_t"]), "exit_time": _to_time(t["exit_t"]),
        "duration_h": (t["exit_t"] - t["entry_t"]) / 3600.0,
        **{k: t[k] for k in ("entry_lat", "entry_lon", "exit_lat", "exit_lon",
                             "entry_uncertainty_s", "exit_uncertainty_s", "observed_h", "dark_h")},
        "n_positions": t["n_positions"].astype(np.int64),
        "min_distance_to_coast_nm": coast,
        "entered_from": entered, "exited_to": exited,
        "open_at_start": runs.seg_start, "open_at_end": runs.seg_end,
        "group": p.groups[vessel] if len(vessel) else np.zeros(0, dtype=object),
    })  # fmt: skip
    return out[list(VISIT_COLUMNS)]


def _empty() -> pd.DataFrame:
    """Return a visits table with no rows (and the columns' types)."""
    kinds = {"segment_id": "int64", "n_positions": "int64", "disputed": bool,
             "open_at_start": bool, "open_at_end": bool, "entry_time": "datetime64[us, UTC]",
             "exit_time": "datetime64[us, UTC]"}  # fmt: skip
    floats = [c for c in VISIT_COLUMNS if c.endswith(("_h", "_s", "_lat", "_lon", "_nm"))]
    return pd.DataFrame({
        c: pd.Series([], dtype=kinds.get(c, "float64" if c in floats else object))
        for c in VISIT_COLUMNS
    })  # fmt: skip


def _vessel_chunks(p: _Positions, size: int) -> Iterator[_Positions]:
    """Consecutive runs of whole vessels of about ``size`` positions (a vessel is never cut)."""
    n = len(p.t)
    starts = np.flatnonzero(np.r_[True, p.vessel[1:] != p.vessel[:-1]])  # first of each vessel
    lo = 0
    while lo < n:
        # The first vessel start at or after lo + size (or the end) closes the chunk.
        k = np.searchsorted(starts, lo + size)
        hi = int(starts[k]) if k < len(starts) else n
        names = ("vessel", "t", "lon", "lat", "seg", "seg_number", "zone")
        yield replace(p, **{name: getattr(p, name)[lo:hi] for name in names})
        lo = hi


def _chunk_visits(p: _Positions, prepared: PreparedZones, dark_s: float,
                  distances: bool) -> pd.DataFrame:  # fmt: skip
    """Return the visits of positions holding whole segments (legs, crossings, runs)."""
    start = np.flatnonzero(p.seg[1:] == p.seg[:-1])
    legs = make_legs(start, p.lon, p.lat, p.t)
    crossings = find_crossings(prepared, legs, p.zone[start], p.zone[start + 1])
    ev = _events(p, crossings, legs.duration_s > dark_s, legs.duration_s, start)
    return _table(p, ev, _runs(ev), prepared, distances)


def _in_chunks(p: _Positions, prepared: PreparedZones, dark_s: float, *, distances: bool,
               progress: bool) -> pd.DataFrame:  # fmt: skip
    """Return the visits of every vessel, worked through a chunk of vessels at a time."""
    if not len(p.t):
        return _empty()
    chunks = list(_vessel_chunks(p, settings.TRACK_CHUNK_POSITIONS))

    def work(chunk: _Positions) -> pd.DataFrame:
        return _chunk_visits(chunk, prepared, dark_s, distances)

    tables = []
    with Progress(len(p.t), desc="zone visits", unit="pos", enabled=progress) as report:
        if len(chunks) == 1 or settings.workers() == 1:
            for chunk in chunks:
                tables.append(work(chunk))
                report.update(len(chunk.t))
        else:  # GEOS, PROJ and most of NumPy release the GIL: chunks run side by side
            _ = prepared.index, edge_tree(prepared)  # built (and warmed) on this thread
            with ThreadPoolExecutor(max_workers=settings.workers()) as pool:
                for chunk, table in zip(chunks, pool.map(work, chunks), strict=True):
                    tables.append(table)
                    report.update(len(chunk.t))
    return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


def _visits_on_dask(tracks: Any, prepared: PreparedZones, **options: Any) -> Any:
    """Lazy visits of a Dask frame: every vessel's positions in one partition, then visits."""
    from ..distributed import map_prepared_by

    check_positions(tracks._meta, caller="zone_visits")
    read = [c for c in _READ if c in tracks.columns]
    return map_prepared_by(zone_visits, tracks[read], prepared, key="vessel_id", **options)


def zone_visits(
    tracks: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame | PreparedZones | None = None,
    *,
    max_gap: pd.Timedelta | float = settings.TRACK_MAX_GAP_H,
    dark_after: pd.Timedelta | float = settings.TRACK_DARK_AFTER_H,
    distances: bool = True,
    prepared: PreparedZones | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Return one row per visit of a vessel's track segment to a zone.

    Positions flagged ``flag_duplicate`` or ``flag_jump`` are left out. Each
    segment (cut at gaps over ``max_gap``) is followed leg by leg along the
    geodesic at constant speed; its visits follow each other without gaps from
    its first position to its last. How crossings are found and timed, corner
    cuts included, is described in :mod:`geo.tracks.crossings`.

    Parameters
    ----------
    tracks : geopandas.GeoDataFrame or Dask frame
        Positions from :func:`geo.load_tracks`. A ``dask.dataframe.DataFrame`` or
        ``dask_geopandas.GeoDataFrame`` of such positions gives a lazy frame of the
        same visits (see the module's docstring; needs the ``dask`` extra).
    zones : GeoDataFrame or PreparedZones, optional
        The zone set (default: the bundled East Asia set).
    max_gap : pandas.Timedelta or float, default 6.0
        A longer time between two positions ends a segment (a number is hours).
    dark_after : pandas.Timedelta or float, default 1.0
        The time of a leg longer than this counts as ``dark_h`` (a number is hours).
    distances : bool, default True
        Measure ``min_distance_to_coast_nm`` (NaN when False; the slowest column).
    prepared : PreparedZones, optional
        The zone set already prepared (its index is reused).
    progress : bool, default False
        Show progress over the positions (worked through a few hundred thousand
        at a time, whole vessels together: :data:`geo.settings.TRACK_CHUNK_POSITIONS`).

    Returns
    -------
    pandas.DataFrame
        A table of time intervals (no geometry), with the columns of
        :data:`VISIT_COLUMNS`: the vessel, ``segment_id`` (0, 1, ... within the
        vessel), the zone (``zone_kind`` ``high_seas`` with empty id off every
        zone), ``entry_time``/``exit_time`` (UTC), ``duration_h``, the entry and
        exit points, ``entry_uncertainty_s``/``exit_uncertainty_s`` (the duration
        of the leg the crossing was interpolated on; NaN at a segment's ends),
        ``observed_h`` + ``dark_h`` = ``duration_h``, ``n_positions`` (reported
        positions inside; 0 for a leg that cuts a corner), the least distance to
        the coast (nm, over crossings and positions sampled every 10 minutes),
        ``entered_from``/``exited_to`` (zone kinds; "" at a segment's ends),
        ``open_at_start``/``open_at_end`` (the visit starts or ends with its
        segment, so it may have begun earlier or lasted longer) and ``group``.
        ``attrs`` holds ``max_gap_h`` and ``dark_after_h`` (what
        :func:`geo.tracks_map` draws as gaps and dark legs).

    Examples
    --------
    >>> import geo, pandas as pd
    >>> frame = pd.DataFrame({"vessel_id": ["ccg-2302"] * 2,
    ...     "time": ["2023-01-05 00:00", "2023-01-05 02:00"],
    ...     "lat": [25.75, 25.75], "lon": [123.05, 123.30]})
    >>> visits = geo.zone_visits(geo.load_tracks(frame))
    >>> visits[["zone_kind", "n_positions", "open_at_start"]].values.tolist()
    [['contiguous_zone', 1, True], ['territorial_sea', 1, False]]
    """
    if not isinstance(tracks, pd.DataFrame):
        from ..distributed import is_dask_frame

        if is_dask_frame(tracks):
            return _visits_on_dask(tracks, prepare(zones, prepared), max_gap=max_gap,
                                   dark_after=dark_after, distances=distances)  # fmt: skip
    tracks = check_positions(tracks, caller="zone_visits")
    prepared = prepare(zones, prepared)
    gap_s = as_seconds(max_gap, name="max_gap")
    dark_s = as_seconds(dark_after, name="dark_after")
    p = _positions(tracks, prepared, gap_s)
    out = _in_chunks(p, prepared, dark_s, distances=distances, progress=progress)
    out.attrs = {"max_gap_h": gap_s / 3600.0, "dark_after_h": dark_s / 3600.0}
    return out

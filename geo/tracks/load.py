"""Load vessel positions (AIS and the like) without losing a row.

:func:`load_tracks` reads CSV, (Geo)Parquet and NMEA (:mod:`.nmea`) files or a frame,
recognises the column layouts of the common AIS sources, and returns one row per position.
Every row that cannot be read (no vessel id, a time that is not a time, a
latitude or longitude missing or out of range) is listed in
``attrs["rejects"]`` with its 1-based row number, column and reason: loaded +
rejected = rows in the file, as for :func:`geo.load_incidents`. Rows that are
read but doubtful are kept and flagged (:mod:`geo.tracks.clean`). In an NMEA file a
row is a line; lines that are good but hold no position (static data, other sentences)
are listed in ``attrs["not_positions"]``, so loaded + rejected + not positions = rows.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import settings
from .._progress import track
from ..errors import InputError
from ..prepared import PreparedZones, prepare
from .clean import flag_positions
from .nmea import NMEA_SUFFIXES, NmeaLines, is_nmea, read_nmea
from .segments import utc_seconds

__all__ = ["LAYOUTS", "TRACK_COLUMN_ALIASES", "load_tracks"]

log = logging.getLogger(__name__)

#: Column names recognised for each role, compared case-insensitively; the first found wins.
TRACK_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "vessel_id": ("vessel_id", "mmsi", "ssvid"),
    "time": ("# timestamp", "basedatetime", "timestamp", "time", "datetime"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "longitude", "lng"),
    "sog": ("sog", "speed", "speed_kn"),
    "cog": ("cog", "course"),
    "group": ("group", "fleet"),
}

#: Layouts recognised by a column that only they have, and how their times are written.
LAYOUTS: dict[str, tuple[str, str | None]] = {
    "dma": ("# timestamp", "%d/%m/%Y %H:%M:%S"),  # Danish Maritime Authority
    "marinecadastre": ("basedatetime", None),  # US MarineCadastre (ISO 8601)
    "gfw": ("ssvid", None),  # Global Fishing Watch
}

#: Vessel id columns that hold MMSIs (checked by ``flag_invalid_mmsi``).
MMSI_COLUMNS = ("mmsi", "ssvid")

_TEXT_SUFFIXES = (".csv", ".txt", ".csv.gz", ".csv.zip", ".csv.bz2", ".csv.xz")
_PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".pq")


@dataclass
class _Rejects:
    """The first reason of each rejected row (positions in the table, 0-based).

    ``rows`` holds each table row's number in its source (from 1), which the records name.
    """

    rows: np.ndarray

    def __post_init__(self) -> None:
        self.rejected = np.zeros(len(self.rows), dtype=bool)
        self.records: dict[int, dict[str, object]] = {}

    def add(self, mask: np.ndarray, column: str, values: pd.Series, reasons: Any) -> None:
        """Reject the rows of ``mask`` not rejected yet; ``reasons`` is a text or one per row."""
        rows = np.flatnonzero(mask & ~self.rejected)
        cells = values.iloc[rows].tolist()
        texts = [reasons] * len(rows) if isinstance(reasons, str) else list(reasons(cells))
        for i, value, reason in zip(rows.tolist(), cells, texts, strict=True):
            self.records[i] = {"row": int(self.rows[i]), "column": column, "value": value,
                               "reason": reason}  # fmt: skip
        self.rejected[rows] = True

    def table(self) -> list[dict[str, object]]:
        return [self.records[i] for i in sorted(self.records)]


def _read(source: str | Path) -> pd.DataFrame | NmeaLines:
    """Read a CSV, (Geo)Parquet or NMEA file; anything unreadable is an InputError naming it."""
    path, name = Path(source), str(source)
    if not path.exists():
        raise InputError("no such file", source=name)
    if is_nmea(path):
        return read_nmea(path)
    lower = path.name.lower()
    try:
        if lower.endswith(_TEXT_SUFFIXES):
            return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
        if lower.endswith(_PARQUET_SUFFIXES):
            try:
                return gpd.read_parquet(path)
            except ValueError:  # plain Parquet, no geo metadata
                return pd.read_parquet(path)
    except Exception as exc:  # pandas and pyarrow raise many types for unreadable files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the file: {first}", source=name) from exc
    raise InputError(
        f"cannot read {path.suffix or 'this'} files as tracks: expected CSV "
        f"({', '.join(_TEXT_SUFFIXES)}), GeoParquet ({', '.join(_PARQUET_SUFFIXES)}) or NMEA "
        f"({', '.join(NMEA_SUFFIXES)}, or any file whose first line is an AIS sentence)",
        source=name,
    )


def _find_columns(
    frame: pd.DataFrame, overrides: Mapping[str, str] | None, name: str
) -> dict[str, str]:
    """Return the column of each role (overrides first), and check the required ones."""
    by_name: dict[str, str] = {}
    for c in frame.columns:
        by_name.setdefault(str(c).strip().lower(), c)
    found: dict[str, str] = {}
    for role, aliases in TRACK_COLUMN_ALIASES.items():
        hit = next((by_name[a] for a in aliases if a in by_name), None)
        if hit is not None:
            found[role] = hit
    for role, col in dict(overrides or {}).items():
        if role not in TRACK_COLUMN_ALIASES:
            raise InputError(f"columns: unknown role {role!r}; known: {list(TRACK_COLUMN_ALIASES)}")
        if col not in frame.columns:
            raise InputError(f"columns: {role}={col!r} is not a column", source=name)
        found[role] = col
    has_points = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame
    needed = ["vessel_id", "time"] + ([] if has_points else ["lat", "lon"])
    missing = [r for r in needed if r not in found]
    if missing:
        shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
        raise InputError(
            f"no {' or '.join(missing)} column; expected one of "
            + "; ".join(f"{r}: {', '.join(TRACK_COLUMN_ALIASES[r])}" for r in missing)
            + f" (or columns={{...}}); found {shown}",
            source=name,
        )
    return found


def _layout(cols: Mapping[str, str]) -> str:
    """Return the name of the layout whose marker column is among the found columns."""
    names = {str(c).strip().lower() for c in cols.values()}
    return next((k for k, (marker, _) in LAYOUTS.items() if marker in names), "plain")


def _text(series: pd.Series) -> pd.Series:
    """Return a column as stripped text, "" for missing cells; integral floats without ".0"."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values))
        out = series.astype(object).map(str, na_action="ignore")
        out[whole] = values[whole].astype(np.int64).astype(str)
        return out.fillna("").astype(str)
    return series.astype(object).map(str, na_action="ignore").fillna("").astype(str).str.strip()


def _times(series: pd.Series, layout: str) -> pd.Series:
    """Parse times to UTC (naive times are UTC); NaT where a cell is not a time."""
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series if series.dt.tz is not None else series.dt.tz_localize("UTC")
        return out.dt.tz_convert("UTC")
    text = _text(series).str.replace(r"\s*(UTC|GMT)$", "", regex=True)
    fmt = LAYOUTS.get(layout, ("", None))[1]
    return pd.to_datetime(text, format=fmt or "ISO8601", utc=True, errors="coerce")


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return a column as floats and a mask of blank cells."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, np.isnan(values)
    text = _text(series)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return values, (text == "").to_numpy()


def _coordinate(
    frame: pd.DataFrame, col: str, what: str, limit: float, rejects: _Rejects
) -> np.ndarray:
    """Read a latitude or longitude column; reject missing, non-numbers and out of range."""
    raw = frame[col]
    values, blank = _numbers(raw)
    rejects.add(blank, col, raw, f"{what} is missing")
    rejects.add(
        np.isnan(values), col, raw, lambda cs: [f"{what} {c!r} is not a number" for c in cs]
    )
    hint = " (AIS writes 91 and 181 for 'not available')"
    with np.errstate(invalid="ignore"):
        out = ~(np.abs(values) <= limit)

    def outside(cells: list[Any]) -> list[str]:
        return [f"{what} {c} is outside -{limit:g}..{limit:g}{hint}" for c in cells]

    rejects.add(out, col, raw, outside)
    return values


def _read_rows(
    frame: pd.DataFrame, cols: Mapping[str, str], layout: str, rejects: _Rejects
) -> dict[str, Any]:
    """Read the core columns, rejecting rows without a vessel id, time or position."""
    vid = _text(frame[cols["vessel_id"]])
    rejects.add((vid == "").to_numpy(), cols["vessel_id"], frame[cols["vessel_id"]],
                "vessel id is missing")  # fmt: skip
    times = _times(frame[cols["time"]], layout)
    tcol = cols["time"]
    expected = LAYOUTS.get(layout, ("", None))[1] or "ISO 8601, e.g. 2023-01-05T12:00:00Z"
    rejects.add(
        times.isna().to_numpy(), tcol, frame[tcol],
        lambda cs: [f"time {c!r} is not a date and time ({expected})" for c in cs],
    )  # fmt: skip
    if "lat" in cols:
        lat = _coordinate(frame, cols["lat"], "latitude", 90.0, rejects)
        lon = _coordinate(frame, cols["lon"], "longitude", 180.0, rejects)
    else:
        pts = np.asarray(frame.geometry.to_crs(4326).values if frame.crs else frame.geometry.values)
        missing = shapely.is_missing(pts) | shapely.is_empty(pts)
        shown = pd.Series(shapely.to_wkt(pts, rounding_precision=5), index=frame.index)
        rejects.add(missing, "geometry", shown, "geometry is missing")
        rejects.add(shapely.get_type_id(pts) != 0, "geometry", shown, "geometry is not a point")
        lat, lon = shapely.get_y(pts), shapely.get_x(pts)
    return {"vessel_id": vid, "time": times, "lat": lat, "lon": lon}


def _optional(frame: pd.DataFrame, cols: Mapping[str, str]) -> dict[str, Any]:
    """Speed, course and group (NaN or "" where the file has none)."""
    n = len(frame)
    out: dict[str, Any] = {}
    for role in ("sog", "cog"):
        out[role] = _numbers(frame[cols[role]])[0] if role in cols else np.full(n, np.nan)
    out["group"] = _text(frame[cols["group"]]) if "group" in cols else pd.Series([""] * n)
    return out


def _assemble(
    frame: pd.DataFrame, cols: Mapping[str, str], data: dict[str, Any], rejects: _Rejects
) -> gpd.GeoDataFrame:
    """Return the loaded rows by vessel and time, the file's other columns after ours."""
    pick = np.flatnonzero(~rejects.rejected)
    out = pd.DataFrame({"row": rejects.rows[pick]})
    for name, values in data.items():
        if isinstance(values, pd.Series):
            out[name] = values.iloc[pick].reset_index(drop=True)
        else:
            out[name] = np.asarray(values)[pick]
    out["vessel_id"] = out["vessel_id"].astype(str)
    out["group"] = out["group"].astype(str)
    used = set(cols.values()) | (
        {frame.geometry.name} if isinstance(frame, gpd.GeoDataFrame) else set()
    )
    extra = frame.iloc[pick, [j for j, c in enumerate(frame.columns) if c not in used]]
    extra = extra.reset_index(drop=True).rename(columns=lambda c: f"{c}_input" if c in out else c)
    out = pd.concat([out, pd.DataFrame(extra)], axis=1)
    out = out.sort_values(["vessel_id", "time", "row"], kind="stable", ignore_index=True)
    geometry = shapely.points(out["lon"].to_numpy(), out["lat"].to_numpy())
    return gpd.GeoDataFrame(out, geometry=geometry, crs=settings.DEFAULT_CRS)


@dataclass(frozen=True)
class _Loaded:
    """One source read and checked: its rows (not flagged yet) and what was rejected."""

    name: str
    tracks: gpd.GeoDataFrame
    rejects: list[dict[str, object]]
    rows_read: int
    layout: str
    ids_are_mmsi: bool
    not_positions: list[dict[str, object]]


def _load_one(source: str | Path | pd.DataFrame, columns: Mapping[str, str] | None) -> _Loaded:
    """Read one source, find its columns, reject unreadable rows; no flags yet."""
    name = "frame" if isinstance(source, pd.DataFrame) else str(source)
    read = source if isinstance(source, pd.DataFrame) else _read(source)
    frame, lines = (read.frame, read) if isinstance(read, NmeaLines) else (read, None)
    cols = _find_columns(frame, columns, name)
    layout = "nmea" if lines is not None else _layout(cols)
    rejects = _Rejects(lines.rows if lines is not None else np.arange(1, len(frame) + 1))
    data = _read_rows(frame, cols, layout, rejects)
    data.update(_optional(frame, cols))
    tracks = _assemble(frame, cols, data, rejects)
    rejected, rows_read, skipped = rejects.table(), len(frame), []
    if lines is not None:  # the lines with no position to read join the rows' rejects
        rejected = sorted(lines.rejects + rejected, key=itemgetter("row"))
        rows_read, skipped = lines.lines_read, lines.not_positions
    if rejected:
        log.info("%s: %d of %d rows rejected", name, len(rejected), rows_read)
    is_mmsi = str(cols["vessel_id"]).strip().lower() in MMSI_COLUMNS
    return _Loaded(name, tracks, rejected, rows_read, layout, is_mmsi, skipped)


def _sources(source: object) -> list[str | Path | pd.DataFrame]:
    """Return the sources as a list; refuse an empty list or one of other things."""
    if isinstance(source, (str, Path, pd.DataFrame)):
        return [source]
    items = list(source) if isinstance(source, Sequence) else None
    if not items or not all(isinstance(s, (str, Path)) for s in items):
        raise InputError(
            "load_tracks takes a file, a (Geo)DataFrame or a list of files; "
            f"got {type(source).__name__}" + (" (empty)" if items == [] else "")
        )
    return items


def _combine(parts: list[_Loaded]) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Join the files' rows into one table by vessel and time; whether each id is an MMSI."""
    frames = [p.tracks.assign(source_file=p.name) for p in parts]
    mmsi = np.concatenate([np.full(len(p.tracks), p.ids_are_mmsi) for p in parts])
    joined = pd.concat(frames, ignore_index=True)
    # Stable: on the same vessel and time, the earlier file and row come first.
    order = np.lexsort((utc_seconds(joined["time"]), joined["vessel_id"].to_numpy(dtype=str)))
    tracks = gpd.GeoDataFrame(joined.iloc[order].reset_index(drop=True), geometry="geometry",
                              crs=settings.DEFAULT_CRS)  # fmt: skip
    return tracks, mmsi[order]


def _attrs(parts: list[_Loaded], several: bool, max_speed_kn: float) -> dict[str, object]:
    """Return the attrs of the loaded table: rejects (``file`` from a list) and counts."""
    rejects = [({"file": p.name} | r) if several else r for p in parts for r in p.rejects]
    skipped = [({"file": p.name} | r) if several else r for p in parts for r in p.not_positions]
    files = [{"file": p.name, "rows_read": p.rows_read, "loaded": len(p.tracks),
              "rejected": len(p.rejects), "not_positions": len(p.not_positions),
              "layout": p.layout} for p in parts]  # fmt: skip
    attrs: dict[str, object] = {"rejects": rejects, "not_positions": skipped,
                                "rows_read": sum(p.rows_read for p in parts),
                                "files": files, "max_speed_kn": max_speed_kn}  # fmt: skip
    if not several:
        attrs |= {"source": parts[0].name, "layout": parts[0].layout}
    return attrs


def load_tracks(
    source: str | Path | pd.DataFrame | Sequence[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    max_speed_kn: float = settings.TRACK_MAX_SPEED_KN,
    zones: gpd.GeoDataFrame | PreparedZones | None = None,
    prepared: PreparedZones | None = None,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Load vessel positions from files or a frame, with a rejects table and quality flags.

    Parameters
    ----------
    source : path, DataFrame or list of paths
        A CSV file (also ``.csv.gz``), a (Geo)Parquet file, an NMEA file of AIS
        sentences (:mod:`geo.tracks.nmea`, ``pip install 'flashpoints[nmea]'``), or
        a (Geo)DataFrame. Recognised layouts: Danish Maritime Authority (``# Timestamp`` written
        dd/mm/yyyy HH:MM:SS, ``MMSI``, ``Latitude``, ``Longitude``, ``SOG``,
        ``COG``); US MarineCadastre (``MMSI``, ``BaseDateTime``, ``LAT``, ``LON``,
        ``SOG``, ``COG``); Global Fishing Watch (``ssvid`` or ``vessel_id``,
        ``timestamp``, ``lat``, ``lon``, ``speed``, ``course``); and plain
        ``vessel_id`` or ``mmsi``, ``time``, ``lat``, ``lon``, optional ``sog``,
        ``cog``, ``group``. A GeoDataFrame of points needs no lat/lon columns.
        **A list of files** (e.g. one per day) is read file by file and joined into
        one table before the flags are set: a track (and a duplicate or jump) runs on
        across the files.
    columns : mapping, optional
        Explicit roles, e.g. ``{"vessel_id": "callsign", "time": "t"}``; roles are
        those of :data:`TRACK_COLUMN_ALIASES`.
    max_speed_kn : float, default 50.0
        Above this implied geodesic speed from its vessel's last kept position: ``flag_jump``.
    zones, prepared : zone set or PreparedZones, optional
        The zones that decide ``flag_on_land`` (default: the bundled set).
    progress : bool, default False
        Progress over a list of files.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326, sorted by vessel and time, with ``row`` (the source
        row, from 1), ``vessel_id`` (text), ``time`` (UTC; **times without a zone
        are taken as UTC**, times with an offset are converted), ``lat``, ``lon``,
        ``sog`` (knots; NaN where AIS says "not available", 102.3), ``cog``
        (degrees; NaN for 360), ``group`` (text, "" when none), the flags of
        :func:`geo.tracks.clean.flag_positions` and the source's other columns;
        from a list of files also ``source_file`` (``row`` is the row in it); from
        NMEA, ``mmsi`` is the vessel id, ``row`` the line, ``msg_type`` the AIS type.
        ``attrs``: ``rejects`` (records with ``row``, ``column``, ``value``,
        ``reason``, and ``file`` from a list of files), ``not_positions`` (the same
        records for the good NMEA lines that hold no position: static data, other
        sentences), ``rows_read`` (in all: loaded + rejects + not_positions),
        ``files`` (per file: ``file``, ``rows_read``, ``loaded``, ``rejected``,
        ``not_positions``, ``layout``: ``nmea`` for NMEA), ``max_speed_kn``; from one
        source also ``source`` and ``layout``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"mmsi": ["412000001", "412000001", "412000001"],
    ...                       "time": ["2023-01-05 00:00", "2023-01-05 00:10", "soon"],
    ...                       "lat": [26.2, 26.21, 26.3], "lon": [123.4, 123.41, 123.5]})
    >>> tracks = load_tracks(frame)
    >>> len(tracks), [r["reason"] for r in tracks.attrs["rejects"]]
    (2, ["time 'soon' is not a date and time (ISO 8601, e.g. 2023-01-05T12:00:00Z)"])
    >>> str(tracks["time"].iloc[1])
    '2023-01-05 00:10:00+00:00'
    """
    sources = _sources(source)
    several = not isinstance(source, (str, Path, pd.DataFrame))
    files = track(sources, total=len(sources), desc="read tracks", unit="file",
                  enabled=progress and several)  # fmt: skip
    parts = [_load_one(s, columns) for s in files]
    if several:
        tracks, is_mmsi = _combine(parts)
    else:
        tracks, is_mmsi = parts[0].tracks, np.full(len(parts[0].tracks), parts[0].ids_are_mmsi)
    tracks = flag_positions(tracks, max_speed_kn=max_speed_kn, ids_are_mmsi=is_mmsi,
                            prepared=prepare(zones, prepared))  # fmt: skip
    tracks.attrs = _attrs(parts, several, max_speed_kn)
    return tracks

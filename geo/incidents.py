"""Load incident files and validate them without losing a row.

:func:`load_incidents` reads CSV/TSV, GeoJSON, GeoPackage and GeoParquet files
(or a DataFrame), finds the position, time, kind, title, description and source
columns, resolves positions given as text with :func:`geo.locate`, and returns
one row per loaded incident. Every row that cannot be placed is listed in the
rejects table (returned by :func:`rejects`; kept as records in ``gdf.attrs["rejects"]``) with
its row number, column and reason: loaded + rejected = rows in the file.

Row numbers count data rows from 1 (in a CSV the header is not counted).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import settings
from .errors import InputError, ValidationError
from .gazetteer import Gazetteer, default_gazetteer
from .geodesy import destination
from .locate import locate

__all__ = ["COLUMN_ALIASES", "load_incidents", "rejects"]

log = logging.getLogger(__name__)

#: Column names recognised for each role, compared case-insensitively.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id", "event_id"),
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "position": ("position", "position_text", "location", "coordinates", "coords", "where"),
    "date": ("date", "datetime", "time", "timestamp", "event_date", "date_utc", "when"),
    "kind": ("kind", "type", "category", "event_type"),
    "title": ("title", "name", "headline", "event"),
    "description": ("description", "details", "notes", "summary"),
    "source": ("source", "source_url", "url", "link"),
    "uncertainty_km": ("uncertainty_km", "uncertainty", "error_km"),
    "origin": ("origin", "origin_text", "launch_site"),
    "bearing": ("bearing", "bearing_deg", "azimuth", "azimuth_deg"),
    "distance_km": ("distance_km", "range_km"),
    "distance_nm": ("distance_nm", "range_nm"),
}

_TEXT_ROLES = ("kind", "title", "description", "source")

REJECT_COLUMNS = ["row", "column", "value", "reason"]


def rejects(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the rejects table that :func:`load_incidents` attached to its result."""
    records = incidents.attrs.get("rejects") or []
    return pd.DataFrame(records, columns=REJECT_COLUMNS)


def _read(source: str | Path) -> tuple[pd.DataFrame, str]:
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("no such file", source=name)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else None
            if text is None:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("shift_jis")
            sep = _sniff_delimiter(text, suffix)
            from io import StringIO

            frame = pd.read_csv(
                StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True
            )
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        elif suffix in (".parquet", ".geoparquet"):
            frame = gpd.read_parquet(path)
        else:
            frame = gpd.read_file(path, engine="pyogrio")
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode the file as UTF-8 or Shift_JIS ({exc.reason})", source=name
        ) from exc
    except Exception as exc:  # pandas and pyogrio raise many types for unreadable files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the file: {first}", source=name) from exc
    if len(frame.columns) == 0:
        raise InputError("the file has no columns", source=name)
    return frame, name


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Return the delimiter of a CSV/TSV text: tab, comma, semicolon or pipe."""
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters="\t,;|").delimiter
    except csv.Error:
        return ","


def _find_columns(frame: pd.DataFrame, overrides: Mapping[str, str] | None) -> dict[str, str]:
    lower = {str(c).strip().lower(): c for c in frame.columns}
    found: dict[str, str] = {}
    for role, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in lower:
                found[role] = lower[alias]
                break
    for role, col in (overrides or {}).items():
        if role not in COLUMN_ALIASES:
            raise InputError(f"columns: unknown role {role!r}; known: {sorted(COLUMN_ALIASES)}")
        if col not in frame.columns:
            raise InputError(
                f"columns: {role}={col!r} is not a column; columns: {list(frame.columns)}"
            )
        found[role] = col
    return found


def _as_float(value: object) -> float | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return float(text)


def resolve_origin(
    text: object, gazetteer: Gazetteer | None = None
) -> tuple[float, float, float] | None:
    """Return (lat, lon, uncertainty_km) of an origin such as a launch site, or None.

    Coordinates and relative phrases are read by :func:`geo.locate`; otherwise a
    gazetteer name that appears in the text is used ("in or around Sunan near
    Pyongyang" is Sunan).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return None
    try:
        loc = locate(str(text), gazetteer=gazetteer)
        return loc.lat, loc.lon, loc.uncertainty_km
    except ValueError:
        pass
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    mark = gaz.find_in(str(text))
    if mark is None:
        return None
    return float(mark["lat"]), float(mark["lon"]), float(mark["radius_km"])


def _from_origin(
    row: pd.Series, cols: Mapping[str, str], gazetteer: Gazetteer | None
) -> tuple[float, float, float]:
    origin = resolve_origin(row[cols["origin"]], gazetteer)
    if origin is None:
        raise ValueError(f"cannot place origin {row[cols['origin']]!r}")
    try:
        bearing = float(row[cols["bearing"]])
        if "distance_km" in cols:
            distance_km = float(row[cols["distance_km"]])
        else:
            distance_km = float(row[cols["distance_nm"]]) * settings.NM_M / 1000.0
    except ValueError:
        raise ValueError("bearing or distance is not a number") from None
    lon, lat = destination(origin[1], origin[0], bearing, distance_km * 1000.0)
    radial, lateral = 0.05 * distance_km, distance_km * np.sin(np.radians(0.5))
    return float(lat), float(lon), float(np.hypot(radial, lateral) + origin[2])


def load_incidents(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    errors: Literal["report", "raise"] = "report",
    duplicates: Literal["reject", "keep"] = "reject",
    gazetteer: Gazetteer | None = None,
) -> gpd.GeoDataFrame:
    """Load incidents from a file or frame.

    Parameters
    ----------
    source : path or DataFrame
        CSV/TSV (delimiter and encoding sniffed), Excel .xlsx, GeoJSON, GeoPackage
        or GeoParquet file, or a (Geo)DataFrame.
    columns : mapping, optional
        Explicit column roles, e.g. ``{"lat": "Lat_deg", "position": "Where"}``.
        Roles: see :data:`COLUMN_ALIASES`.
    errors : {"report", "raise"}, default "report"
        ``"report"`` loads the good rows and lists the others in
        ``attrs["rejects"]``; ``"raise"`` raises :class:`~geo.errors.ValidationError`
        naming every bad row.
    duplicates : {"reject", "keep"}, default "reject"
        A row with the same position, time and title as an earlier one is rejected
        as "duplicate of row N", or kept.
    gazetteer : Gazetteer, optional
        Landmarks for positions given as phrases.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326 with columns ``row`` (the source row number),
        ``incident_id``, ``date`` (UTC), ``kind``, ``title``, ``description``,
        ``source``, ``position_text``, ``uncertainty_km``, ``lat``, ``lon`` and the
        file's other columns.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"lat": [26.07, 95.0], "lon": [122.73, 130.0]})
    >>> gdf = load_incidents(frame)
    >>> len(gdf), rejects(gdf)["reason"].tolist()
    (1, ['latitude 95 is outside -90..90'])
    """
    if errors not in ("report", "raise"):
        raise InputError(f"errors must be 'report' or 'raise', not {errors!r}")
    if isinstance(source, pd.DataFrame):
        frame, name = source.copy(), "frame"
    else:
        frame, name = _read(source)
    cols = _find_columns(frame, columns)
    geom = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else None
    if geom is not None and frame.crs is not None:
        geom = geom.to_crs(4326)
    relative = {"origin", "bearing"} <= set(cols) and bool(
        {"distance_km", "distance_nm"} & set(cols)
    )
    if geom is None and "position" not in cols and not {"lat", "lon"} <= set(cols) and not relative:
        raise InputError(
            "no coordinate columns: expected lat/lon (or latitude/longitude), a position "
            f"column, or columns={{'lat': ..., 'lon': ...}}; found {list(frame.columns)}",
            source=name,
        )

    n = len(frame)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    unc = np.full(n, np.nan)
    problems: list[dict[str, object]] = []

    def reject(i: int, column: str, value: object, reason: str) -> None:
        problems.append({"row": i + 1, "column": column, "value": value, "reason": reason})

    given_unc = frame[cols["uncertainty_km"]] if "uncertainty_km" in cols else None
    for i in range(n):
        try:
            if geom is not None and geom.iloc[i] is not None and not geom.iloc[i].is_empty:
                g = geom.iloc[i]
                if g.geom_type != "Point":
                    g = g.representative_point()
                la, lo, u, column, value = g.y, g.x, np.nan, "geometry", g.wkt
                lat_col = lon_col = column
            elif {"lat", "lon"} <= set(cols) and (
                str(frame[cols["lat"]].iloc[i]).strip() or str(frame[cols["lon"]].iloc[i]).strip()
            ):
                column = cols["lat"]
                value = frame[cols["lat"]].iloc[i]
                try:
                    la = _as_float(frame[cols["lat"]].iloc[i])
                except ValueError:
                    raise ValueError(f"latitude {value!r} is not a number") from None
                column, value = cols["lon"], frame[cols["lon"]].iloc[i]
                try:
                    lo = _as_float(frame[cols["lon"]].iloc[i])
                except ValueError:
                    raise ValueError(f"longitude {value!r} is not a number") from None
                if la is None or lo is None:
                    raise ValueError("latitude or longitude is missing")
                u = np.nan
                lat_col, lon_col = cols["lat"], cols["lon"]
            elif "position" in cols and str(frame[cols["position"]].iloc[i]).strip():
                column, value = cols["position"], frame[cols["position"]].iloc[i]
                loc = locate(str(value), gazetteer=gazetteer)
                la, lo, u = loc.lat, loc.lon, loc.uncertainty_km
                lat_col = lon_col = column
            elif {"origin", "bearing"} <= set(cols) and (
                "distance_km" in cols or "distance_nm" in cols
            ):
                column, value = cols["origin"], frame[cols["origin"]].iloc[i]
                la, lo, u = _from_origin(frame.iloc[i], cols, gazetteer)
                lat_col = lon_col = column
            else:
                reject(i, cols.get("position", cols.get("lat", "geometry")), "", "no position")
                continue
            if not -90.0 <= la <= 90.0:
                column, value = lat_col, la
                swap = " (are latitude and longitude swapped?)" if -90 <= lo <= 90 else ""
                raise ValueError(f"latitude {la:g} is outside -90..90{swap}")
            if not -180.0 <= lo <= 180.0:
                column, value = lon_col, lo
                raise ValueError(f"longitude {lo:g} is outside -180..180")
            if la == 0.0 and lo == 0.0:
                raise ValueError("position (0, 0) is a placeholder, not a location")
        except ValueError as exc:
            reject(i, column, value, str(exc))
            continue
        lat[i], lon[i], unc[i] = la, lo, u
        if given_unc is not None and str(given_unc.iloc[i]).strip():
            try:
                unc[i] = float(given_unc.iloc[i])
            except ValueError:
                reject(
                    i, cols["uncertainty_km"], given_unc.iloc[i], "uncertainty_km is not a number"
                )
                lat[i] = np.nan

    dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    if "date" in cols:
        raw = frame[cols["date"]]
        parsed = pd.to_datetime(raw, errors="coerce", utc=True, format="mixed")
        bad = parsed.isna() & raw.astype(str).str.strip().ne("") & raw.notna()
        for j in np.flatnonzero(bad.to_numpy()):
            if not np.isnan(lat[j]):
                reject(int(j), cols["date"], raw.iloc[j], f"cannot read {raw.iloc[j]!r} as a date")
                lat[j] = np.nan
        dates = parsed

    if duplicates == "reject":
        seen: dict[tuple, int] = {}
        titles = (
            frame[cols["title"]].astype(str)
            if "title" in cols
            else pd.Series("", index=frame.index)
        )
        for j in np.flatnonzero(~np.isnan(lat)):
            key = (round(lat[j], 5), round(lon[j], 5), str(dates.iloc[j]), titles.iloc[j])
            if key in seen:
                reject(int(j), "", "", f"duplicate of row {seen[key] + 1}")
                lat[j] = np.nan
            else:
                seen[key] = int(j)

    table = pd.DataFrame(problems, columns=REJECT_COLUMNS).sort_values("row", kind="stable")
    table = table.reset_index(drop=True)
    if errors == "raise" and len(table):
        first = table.iloc[0]
        more = f" (and {len(table) - 1} more rejected rows)" if len(table) > 1 else ""
        raise ValidationError(
            f"{first['column']}: {first['reason']}{more}", source=name, row=int(first["row"])
        )

    ok = ~np.isnan(lat)
    out = pd.DataFrame(index=frame.index[ok])
    out["row"] = np.arange(1, n + 1)[ok]
    if "id" in cols:
        out["incident_id"] = frame[cols["id"]].astype(str).to_numpy()[ok]
    else:
        out["incident_id"] = [str(r) for r in out["row"]]
    out["date"] = dates.to_numpy()[ok] if len(dates) else dates
    out["date"] = pd.to_datetime(out["date"], utc=True)
    for role in _TEXT_ROLES:
        values = frame[cols[role]] if role in cols else pd.Series("", index=frame.index)
        out[role] = values.fillna("").astype(str).to_numpy()[ok]
    out["position_text"] = (
        frame[cols["position"]].fillna("").astype(str).to_numpy()[ok] if "position" in cols else ""
    )
    out["uncertainty_km"] = unc[ok]
    if "origin" in cols:
        origins = [resolve_origin(t, gazetteer) for t in frame[cols["origin"]].to_numpy()[ok]]
        out["origin_text"] = frame[cols["origin"]].fillna("").astype(str).to_numpy()[ok]
        out["origin_lat"] = [o[0] if o else np.nan for o in origins]
        out["origin_lon"] = [o[1] if o else np.nan for o in origins]
        out["origin_uncertainty_km"] = [o[2] if o else np.nan for o in origins]
    out["lat"] = lat[ok]
    out["lon"] = lon[ok]
    used = set(cols.values()) | {"geometry"}
    for c in frame.columns:
        if c not in used and c not in out.columns:
            out[c] = frame[c].to_numpy()[ok]
    gdf = gpd.GeoDataFrame(out, geometry=shapely.points(lon[ok], lat[ok]), crs=settings.DEFAULT_CRS)
    # attrs hold plain records, not a frame: pandas compares attrs when combining frames.
    gdf.attrs["rejects"] = table.to_dict("records")
    gdf.attrs["source"] = name
    gdf.attrs["rows_read"] = n
    if len(table):
        log.info("%s: %d of %d rows rejected", name, len(table), n)
    return gdf

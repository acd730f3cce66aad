"""Benchmark: which zone is each point in? flashpoints vs geopandas.sjoin vs DuckDB spatial.

Run with ``make bench`` (or ``python -m benchmarks.classify_bench``). Every
measurement runs in its own process, so that peak memory (max RSS) is per run.

* points: uniform random in the bundled coverage (110-165°E, 15-55°N), seeded;
* zone sets: (a) the bundled East Asia set; (b) the same, densified to at least
  500,000 vertices (what a full-resolution Marine Regions file looks like);
* engines, zone lookup: ``flashpoints`` (ZoneIndex, build + lookup, chunked on
  every core), ``sjoin`` (``geopandas.sjoin(predicate="intersects")``, shapely
  STRtree) and ``duckdb`` (DuckDB spatial, ``ST_Intersects`` join);
* engines, full classification (zone, claimants, distance to the coast and to the
  zone's edge): ``classify`` (:func:`geo.classify`, geodesic) and
  ``sjoin+nearest``, what a geopandas user would write for the zone and the
  distance to the coast: ``sjoin`` then ``sjoin_nearest`` against the coastline
  in an azimuthal equidistant projection centred on the coverage (planar, so not
  geodesic away from the centre, and without the distance to the zone's edge).

The baselines are timed on a sample of the points (``--baseline-points``)
because they are slow; their rate is points per second on that sample.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

SEED = 20261124


def _zones(which: str):
    import shapely

    import geo

    zones = geo.load_zones()
    if which == "b":
        total_len = float(shapely.length(shapely.boundary(zones.geometry.values)).sum())
        step = total_len / 520_000
        zones = zones.assign(geometry=shapely.segmentize(zones.geometry.values, step))
        zones.attrs = {"coverage": geo.load_zones().attrs["coverage"]}
    return zones


def _points(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    return rng.uniform(110.0, 165.0, n), rng.uniform(15.0, 55.0, n)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_one(engine: str, which: str, n: int) -> dict:
    """Time one engine on one zone set and n points (in this process)."""
    import shapely

    zones = _zones(which)
    n_vertices = int(shapely.get_num_coordinates(zones.geometry.values).sum())
    x, y = _points(n)
    result = {"engine": engine, "zones": which, "vertices": n_vertices, "points": n}
    if engine == "flashpoints":
        from geo.index import ZoneIndex

        t0 = time.perf_counter()
        index = ZoneIndex(zones, grid=True)
        t1 = time.perf_counter()
        found = index.lookup(x, y)
        t2 = time.perf_counter()
        result |= {"build_s": t1 - t0, "query_s": t2 - t1, "seconds": t2 - t0,
                   "in_zone": int((found >= 0).sum())}  # fmt: skip
    elif engine == "sjoin":
        import geopandas as gpd

        pts = gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=4326)
        right = gpd.GeoDataFrame(geometry=zones.geometry.values, crs=4326)
        t0 = time.perf_counter()
        joined = gpd.sjoin(pts, right, predicate="intersects", how="left")
        result |= {"seconds": time.perf_counter() - t0, "rows": len(joined)}
    elif engine == "duckdb":
        import glob
        import sysconfig

        import duckdb
        import pandas as pd

        site = sysconfig.get_paths()["purelib"]
        pattern = os.path.join(
            site, "duckdb_ext", "extensions", "*", "*", "spatial.duckdb_extension"
        )
        ext = glob.glob(pattern)[0]
        con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
        con.execute(f"LOAD '{ext}'")
        wkb = shapely.to_wkb(zones.geometry.values)
        con.register("zdf", pd.DataFrame({"zid": np.arange(len(zones)), "wkb": wkb}))
        con.register("pdf", pd.DataFrame({"pid": np.arange(n), "x": x, "y": y}))
        con.execute("CREATE TABLE z AS SELECT zid, ST_GeomFromWKB(wkb) AS geom FROM zdf")
        con.execute("CREATE TABLE p AS SELECT pid, ST_Point(x, y) AS geom FROM pdf")
        t0 = time.perf_counter()
        rows = con.execute(
            "SELECT count(*) FROM p LEFT JOIN z ON ST_Intersects(z.geom, p.geom)"
        ).fetchone()[0]
        result |= {"seconds": time.perf_counter() - t0, "rows": int(rows)}
    elif engine == "classify":
        import geopandas as gpd

        import geo

        pts = gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=4326)
        t0 = time.perf_counter()
        out = geo.classify(pts, zones)
        result |= {"seconds": time.perf_counter() - t0, "rows": len(out)}
    elif engine == "sjoin+nearest":
        import geopandas as gpd

        aeqd = "+proj=aeqd +lat_0=35 +lon_0=137.5 +datum=WGS84 +units=m"
        land = zones[zones["kind"] == "land"]
        coast = gpd.GeoDataFrame(
            geometry=shapely.get_exterior_ring(shapely.get_parts(land.geometry.values)), crs=4326
        ).to_crs(aeqd)
        pts = gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=4326)
        right = gpd.GeoDataFrame(geometry=zones.geometry.values, crs=4326)
        t0 = time.perf_counter()
        joined = gpd.sjoin(pts, right, predicate="intersects", how="left")
        nearest = gpd.sjoin_nearest(pts.to_crs(aeqd), coast, distance_col="coast_m")
        result |= {"seconds": time.perf_counter() - t0, "rows": len(joined) + len(nearest)}
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    result["points_per_s"] = n / result["seconds"]
    result["peak_rss_mb"] = _peak_mb()
    return result


def _spawn(engine: str, which: str, n: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.classify_bench", "--run", engine, which, str(n)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", nargs=3, metavar=("ENGINE", "ZONES", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--points", nargs="+", type=int, default=[1_000_000, 10_000_000])
    parser.add_argument("--baseline-points", type=int, default=50_000)
    parser.add_argument(
        "--classify-points",
        type=int,
        default=1_000_000,
        help="points for the full classification (0 skips it)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.run:
        engine, which, n = args.run
        print(json.dumps(run_one(engine, which, int(n))))
        return 0
    rows = []
    for which in ("a", "b"):
        base = {}
        for engine in ("sjoin", "duckdb"):
            r = _spawn(engine, which, args.baseline_points)
            base[engine] = r["points_per_s"]
            rows.append(r)
            print(
                f"[{which}] {engine:11s} {r['points']:>10,} pts {r['seconds']:8.2f} s "
                f"{r['points_per_s']:>12,.0f} pts/s  peak {r['peak_rss_mb']:7.0f} MB",
                flush=True,
            )
        for n in args.points:
            r = _spawn("flashpoints", which, n)
            r["x_sjoin"] = r["points_per_s"] / base["sjoin"]
            r["x_duckdb"] = r["points_per_s"] / base["duckdb"]
            rows.append(r)
            print(f"[{which}] flashpoints {n:>10,} pts {r['seconds']:8.2f} s "
                  f"{r['points_per_s']:>12,.0f} pts/s  peak {r['peak_rss_mb']:7.0f} MB  "
                  f"(build {r['build_s']:.1f} s)  {r['x_sjoin']:.0f}x sjoin, "
                  f"{r['x_duckdb']:.0f}x duckdb", flush=True)  # fmt: skip
        if args.classify_points:
            r = _spawn("sjoin+nearest", which, args.baseline_points)
            rows.append(r)
            line = f"[{which}] {'sjoin+nearest':13s}{r['points']:>10,} pts {r['seconds']:8.2f} s "
            print(line + f"{r['points_per_s']:>12,.0f} pts/s  peak {r['peak_rss_mb']:7.0f} MB")
            c = _spawn("classify", which, args.classify_points)
            c["x_sjoin_nearest"] = c["points_per_s"] / r["points_per_s"]
            rows.append(c)
            line = f"[{which}] {'classify':13s}{c['points']:>10,} pts {c['seconds']:8.2f} s "
            print(
                line + f"{c['points_per_s']:>12,.0f} pts/s  peak {c['peak_rss_mb']:7.0f} MB  "
                f"{c['x_sjoin_nearest']:.1f}x sjoin+nearest",
                flush=True,
            )
    print(
        f"zone sets: (a) {rows[0]['vertices']:,} vertices, "
        f"(b) {rows[-1]['vertices']:,} vertices; {os.cpu_count()} cores"
    )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

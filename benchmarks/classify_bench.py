"""Benchmark: which zone is each point in, and how far from the coast? Against the best baselines.

Run with ``make bench-classify`` (or ``python -m benchmarks.classify_bench``). Every
measurement runs in its own process, so that peak memory (max RSS) is per run, and
every engine gets the same points: uniform random in the bundled coverage
(95-165°E, 0-55°N), seeded.

Zone only (which zone, which claimants):

* ``zones`` (flashpoints): ``geo.classify(points, zones, distances=False)``,
  timed with the zone index built inside the run (``build_s`` says how long that
  part took); ``zones-saved-index``: the same with
  ``PreparedZones(zones, index_dir=...)`` reading the index that one earlier run
  built and wrote (that one-off cost is printed first);
* ``sjoin-within``: what a geopandas expert writes::

      gpd.sjoin(points, zones[["zone_id", "kind", "claimants", "geometry"]],
                predicate="within", how="left")

  (geopandas then builds the STRtree over the points and tests each zone polygon,
  prepared once; ``predicate="intersects"`` with points on the left is the slow way);
* ``duckdb``: DuckDB spatial, ``ST_Contains(z.geom, p.geom)`` join (its
  SPATIAL_JOIN operator, an R-tree over one side), points and zones already in
  DuckDB tables; on ``--duckdb-points`` points (it does about 7,000 a second on
  this zone set: each candidate is tested against a whole, unprepared country
  polygon), compared by rate.

Full classification (zone, claimants, distance to the coast; flashpoints also the
distance to the zone's edge and the certainty):

* ``classify``: ``geo.classify(points, zones)``, geodesic, everything built in the
  run; ``classify-saved-index``: ``PreparedZones(zones, index_dir=...)`` reading the
  zone index, the coastline and the zone edges with their distance grids
  (:mod:`geo.distance_grid`) that one earlier run built and wrote (that one-off
  cost is printed first), then ``geo.classify(points, prepared=...)``; this one
  also on ``--classify-large`` points (10 million), against the baseline's rate;
* ``sjoin+nearest``: ``sjoin(predicate="within")`` then ``sjoin_nearest`` against
  the coastline in an azimuthal equidistant projection centred on the coverage
  (planar, so not geodesic away from the centre, and no distance to the zone's edge).

``--json FILE`` writes every row; ``python -m benchmarks.compare OLD.json NEW.json``
prints the ratios between two runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

SEED = 20261124


def _zones():
    import geo

    return geo.load_zones()


def _points(n: int, zones) -> tuple[np.ndarray, np.ndarray]:
    w, s, e, n_ = zones.attrs["coverage"].bounds
    rng = np.random.default_rng(SEED)
    return rng.uniform(w, e, n), rng.uniform(s, n_, n)


def _peak_mb() -> float:
    """Return this process's own peak resident size, MB (VmHWM, not ru_maxrss: see tests)."""
    with open("/proc/self/status") as status:
        return int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024.0


def _frame(x: np.ndarray, y: np.ndarray):
    import geopandas as gpd
    import shapely

    return gpd.GeoDataFrame(geometry=shapely.points(x, y), crs=4326)


def _sea(zones):
    """Return the zones an sjoin user joins against: every layer, with the answer's columns."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        zones[["zone_id", "kind", "claimants"]], geometry=zones.geometry.values, crs=4326
    )


def _run_classify_saved(zones, pts, result: dict, index_dir: str) -> None:
    import geo

    t0 = time.perf_counter()
    prepared = geo.PreparedZones(zones, index_dir=index_dir)
    prepared.index, prepared.coastline, prepared.boundaries  # noqa: B018 - read from index_dir
    t1 = time.perf_counter()
    out = geo.classify(pts, prepared=prepared)
    t2 = time.perf_counter()
    result |= {"build_s": t1 - t0, "query_s": t2 - t1, "seconds": t2 - t0, "rows": len(out)}


def _run_zones(zones, pts, result: dict, index_dir: str | None) -> None:
    import geo

    t0 = time.perf_counter()
    prepared = geo.PreparedZones(zones, index_dir=index_dir)
    if index_dir is None:
        prepared.index._build_grid()
    else:
        prepared.index  # noqa: B018 - read from index_dir (built and saved once before)
    t1 = time.perf_counter()
    out = geo.classify(pts, prepared=prepared, distances=False)
    t2 = time.perf_counter()
    result |= {"build_s": t1 - t0, "query_s": t2 - t1, "seconds": t2 - t0, "rows": len(out)}


def _run_duckdb(zones, x, y, result: dict) -> None:
    import glob
    import sysconfig

    import duckdb
    import pandas as pd
    import shapely

    site = sysconfig.get_paths()["purelib"]
    pattern = os.path.join(site, "duckdb_ext", "extensions", "*", "*", "spatial.duckdb_extension")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{glob.glob(pattern)[0]}'")
    wkb = shapely.to_wkb(zones.geometry.values)
    con.register("zdf", pd.DataFrame({"zid": np.arange(len(zones)), "wkb": wkb}))
    con.register("pdf", pd.DataFrame({"pid": np.arange(len(x)), "x": x, "y": y}))
    con.execute("CREATE TABLE z AS SELECT zid, ST_GeomFromWKB(wkb) AS geom FROM zdf")
    con.execute("CREATE TABLE p AS SELECT pid, ST_Point(x, y) AS geom FROM pdf")
    t0 = time.perf_counter()
    rows = con.execute(
        "SELECT count(*) FROM p LEFT JOIN z ON ST_Contains(z.geom, p.geom)"
    ).fetchone()[0]
    result |= {"seconds": time.perf_counter() - t0, "rows": int(rows)}


def _run_nearest(zones, pts, result: dict) -> None:
    import geopandas as gpd
    import shapely

    w, s, e, n = zones.attrs["coverage"].bounds
    aeqd = f"+proj=aeqd +lat_0={(s + n) / 2} +lon_0={(w + e) / 2} +datum=WGS84 +units=m"
    land = zones[zones["kind"] == "land"]
    coast = gpd.GeoDataFrame(
        geometry=shapely.get_exterior_ring(shapely.get_parts(land.geometry.values)), crs=4326
    ).to_crs(aeqd)
    sea = _sea(zones)
    t0 = time.perf_counter()
    joined = gpd.sjoin(pts, sea, predicate="within", how="left")
    nearest = gpd.sjoin_nearest(pts.to_crs(aeqd), coast, distance_col="coast_m")
    result |= {"seconds": time.perf_counter() - t0, "rows": len(joined) + len(nearest)}


def run_one(engine: str, n: int) -> dict:
    """Time one engine on n points (in this process)."""
    import geopandas as gpd
    import shapely

    import geo

    zones = _zones()
    x, y = _points(n, zones)
    n_vertices = int(shapely.get_num_coordinates(zones.geometry.values).sum())
    result = {"engine": engine, "vertices": n_vertices, "points": n}
    if engine == "duckdb":
        _run_duckdb(zones, x, y, result)
    else:
        pts = _frame(x, y)
        if engine == "zones":
            _run_zones(zones, pts, result, None)
        elif engine == "zones-saved-index":
            _run_zones(zones, pts, result, os.environ["FLASHPOINTS_BENCH_INDEX_DIR"])
        elif engine == "sjoin-within":
            t0 = time.perf_counter()
            joined = gpd.sjoin(pts, _sea(zones), predicate="within", how="left")
            result |= {"seconds": time.perf_counter() - t0, "rows": len(joined)}
        elif engine == "classify-saved-index":
            _run_classify_saved(zones, pts, result, os.environ["FLASHPOINTS_BENCH_INDEX_DIR"])
        elif engine == "classify":
            t0 = time.perf_counter()
            out = geo.classify(pts, zones)
            result |= {"seconds": time.perf_counter() - t0, "rows": len(out)}
        elif engine == "sjoin+nearest":
            _run_nearest(zones, pts, result)
        else:
            raise SystemExit(f"unknown engine {engine!r}")
    result["points_per_s"] = n / result["seconds"]
    result["peak_rss_mb"] = _peak_mb()
    return result


def _spawn(engine: str, n: int, env: dict[str, str] | None = None) -> dict:
    # -X faulthandler: a crash prints every thread's Python stack (kept in the error)
    cmd = [sys.executable, "-X", "faulthandler", "-m", "benchmarks.classify_bench", "--run",
           engine, str(n)]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True,
                         env=dict(os.environ) | (env or {}))  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{engine} on {n:,} points failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(r: dict, versus: dict[str, dict]) -> str:
    text = (f"{r['engine']:18s}{r['points']:>11,} pts {r['seconds']:8.2f} s "
            f"{r['points_per_s']:>12,.0f} pts/s  peak {r['peak_rss_mb']:7.0f} MB")  # fmt: skip
    if "build_s" in r:
        text += f"  (index build {r['build_s']:.2f} s, lookup {r['query_s']:.2f} s)"
    for name, other in versus.items():  # rates, as a baseline may run on fewer points
        r[f"x_{name}"] = r["points_per_s"] / other["points_per_s"]
        text += f"  {r[f'x_{name}']:.2f}x {name}"
    return text


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--zone-points", nargs="+", type=int, default=[1_000_000, 10_000_000])
    parser.add_argument("--classify-points", nargs="+", type=int, default=[200_000, 1_000_000])
    parser.add_argument("--classify-large", nargs="*", type=int, default=[10_000_000],
                        help="points for classify-saved-index alone, compared with the "
                             "baseline's rate at the largest --classify-points")  # fmt: skip
    parser.add_argument("--duckdb-points", type=int, default=100_000,
                        help="points given to DuckDB, whose rate is compared (default: "
                             "%(default)s; it does about 7,000 points/s here)")  # fmt: skip
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_one(args.run[0], int(args.run[1]))))
        return 0
    rows = []
    index_dir = tempfile.mkdtemp(prefix="flashpoints-index-")
    saved = {"FLASHPOINTS_BENCH_INDEX_DIR": index_dir}
    once = _spawn("zones-saved-index", 1, saved)  # builds and writes the index: one-off cost
    print(f"zone index built and written once: {once['build_s']:.2f} s ({index_dir})")
    rows.append(once | {"engine": "index-build-and-save"})
    grids = _spawn("classify-saved-index", 1, saved)  # coastline and edges with their grids
    print(f"coastline and zone edges with distance grids built and written once: "
          f"{grids['build_s']:.2f} s")  # fmt: skip
    rows.append(grids | {"engine": "grids-build-and-save"})
    duck = _spawn("duckdb", args.duckdb_points)
    print(_line(duck, {}), flush=True)
    rows.append(duck)
    for n in args.zone_points:
        base = {"sjoin-within": _spawn("sjoin-within", n), "duckdb": duck}
        print(_line(base["sjoin-within"], {}), flush=True)
        mine = _spawn("zones", n)
        print(_line(mine, base), flush=True)
        kept = _spawn("zones-saved-index", n, saved)
        print(_line(kept, base), flush=True)
        rows += [base["sjoin-within"], mine, kept]
    base = {}
    for n in args.classify_points:
        base = {"sjoin+nearest": _spawn("sjoin+nearest", n)}
        print(_line(base["sjoin+nearest"], {}), flush=True)
        mine = _spawn("classify", n)
        print(_line(mine, base), flush=True)
        kept = _spawn("classify-saved-index", n, saved)
        print(_line(kept, base), flush=True)
        rows += [*base.values(), mine, kept]
    for n in args.classify_large:
        kept = _spawn("classify-saved-index", n, saved)
        print(_line(kept, base), flush=True)
        rows.append(kept)
    print(f"zone set: {rows[0]['vertices']:,} vertices; {os.cpu_count()} cores")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

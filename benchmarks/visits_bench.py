"""Benchmark: zone visits of vessel tracks, flashpoints against the best geopandas baseline.

Run with ``make bench-tracks`` (or ``python -m benchmarks.visits_bench``). The
positions are made once, loaded with :func:`geo.load_tracks` (flags set) and
written as GeoParquet; then every engine runs in its own process on that same
file, so that its peak memory (VmHWM, the input frame included) is its own. Only
the visits step is timed, not reading the file. Two sets of positions, seeded:

* ``patrols``: :func:`geo.synthetic_patrols` (January to April 2023) with its
  report interval scaled to give ``--positions`` reports: every track runs along
  the Senkaku territorial sea and contiguous zone, the hard case (many crossings,
  corner cuts);
* ``courses``: ``--vessels`` vessels on straight geodesic courses at 8 to 20 kn
  from random starts in 115-150°E, 20-45°N (reports every 1 to 5 minutes), across
  the EEZs, median lines and territorial seas around Japan, Korea and China.

Engines:

* ``visits-saved-index``: ``geo.zone_visits(tracks, prepared=PreparedZones(zones,
  index_dir=...), distances=False)``, reading the refined zone index one earlier
  run built and wrote (that one-off cost is printed first); ``build_s`` is the
  reading, ``query_s`` the visits;
* ``visits-saved-index-coast``: the same with ``min_distance_to_coast_nm``
  (``distances=True``; the coastline's distance grid is kept there too);
* ``visits``: ``geo.zone_visits(tracks, zones, distances=False)``, the zone index
  built in the run;
* ``sjoin-runs``: what a geopandas expert writes for the same question (which
  zone, from when to when), the positions' zone by ``sjoin(predicate="within")``
  against the sea zones (they meet edge to edge, with overlaps of under 0.001 km²
  where they do: a position matched twice is kept once), then, per vessel
  in time order, a run-length grouping of consecutive positions in the same zone
  (entry = first position's time, exit = last position's time; a new run also
  after a gap over 6 h; no interpolated crossing, no corner cut)::

      kept = positions[~(positions["flag_duplicate"] | positions["flag_jump"])]
      joined = gpd.sjoin(kept[["vessel_id", "time", "geometry"]],
                         sea[["zone_id", "geometry"]], predicate="within", how="left")
      joined = joined[~joined.index.duplicated()]     # in two zones' overlap: once
      joined = joined.sort_values(["vessel_id", "time"], kind="stable")
      zone = joined["zone_id"].fillna("")             # "": the high seas
      vessel, time = joined["vessel_id"], joined["time"]
      new = ((vessel != vessel.shift()) | (zone != zone.shift())
             | (time.diff() > pd.Timedelta(hours=6)))
      visits = joined.assign(zone_id=zone).groupby(new.cumsum().to_numpy()).agg(
          vessel_id=("vessel_id", "first"), zone_id=("zone_id", "first"),
          entry_time=("time", "first"), exit_time=("time", "last"),
          n_positions=("time", "size"))

The issue's target (#19) is visits at 1,000,000 positions a second or more on 2
cores. ``--json FILE`` writes every row (``python -m benchmarks.compare OLD NEW``
compares two runs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.classify_bench import _peak_mb

SEED = 20261124
DATASETS = ("patrols", "courses")
ENGINES = ("sjoin-runs", "visits", "visits-saved-index", "visits-saved-index-coast")
#: Box of the ``courses`` starts: the seas around Japan, Korea and China (W, S, E, N).
COURSE_BOX = (115.0, 20.0, 150.0, 45.0)


def sjoin_runs(positions, sea):
    """Return the visits of the geopandas baseline (the code quoted in the docstring)."""
    import geopandas as gpd
    import pandas as pd

    kept = positions[~(positions["flag_duplicate"] | positions["flag_jump"])]
    joined = gpd.sjoin(kept[["vessel_id", "time", "geometry"]],
                       sea[["zone_id", "geometry"]], predicate="within", how="left")  # fmt: skip
    joined = joined[~joined.index.duplicated()]  # in two zones' overlap: once
    joined = joined.sort_values(["vessel_id", "time"], kind="stable")
    zone = joined["zone_id"].fillna("")  # "": the high seas
    vessel, time = joined["vessel_id"], joined["time"]
    new = ((vessel != vessel.shift()) | (zone != zone.shift())
           | (time.diff() > pd.Timedelta(hours=6)))  # fmt: skip
    return joined.assign(zone_id=zone).groupby(new.cumsum().to_numpy()).agg(
        vessel_id=("vessel_id", "first"), zone_id=("zone_id", "first"),
        entry_time=("time", "first"), exit_time=("time", "last"),
        n_positions=("time", "size"))  # fmt: skip


def _patrols(n: int):
    """Return n reports of synthetic Senkaku patrols (their report interval scaled)."""
    import geo

    coarse = (100.0, 1800.0)  # a quick first draw, to learn the count per report interval
    reports_s = len(geo.synthetic_patrols(report_interval_s=coarse, seed=0)) * sum(coarse) / 2
    mean_s = reports_s / n * 0.97  # a few per cent too many, then cut (in time order)
    low, high = mean_s * 2 * coarse[0] / sum(coarse), mean_s * 2 * coarse[1] / sum(coarse)
    return geo.synthetic_patrols(report_interval_s=(low, high), seed=0).iloc[:n]


def _courses(n: int, vessels: int):
    """Return n reports of vessels on straight geodesic courses in the seas of COURSE_BOX."""
    import pandas as pd

    from geo.geodesy import GEOD, knots_to_m_s

    rng = np.random.default_rng(SEED)
    w, s, e, north = COURSE_BOX
    vessel = np.sort(rng.integers(0, vessels, n))
    first = np.r_[True, vessel[1:] != vessel[:-1]]
    step_s = np.where(first, 0.0, rng.uniform(60.0, 300.0, n))
    start = np.flatnonzero(first)
    t_s = np.cumsum(step_s) - np.repeat(np.cumsum(step_s)[start], np.diff(np.r_[start, n]))
    lon0, lat0 = rng.uniform(w, e, vessels), rng.uniform(s, north, vessels)
    azimuth, speed = rng.uniform(0.0, 360.0, vessels), rng.uniform(8.0, 20.0, vessels)
    lon, lat, _ = GEOD.fwd(lon0[vessel], lat0[vessel], azimuth[vessel],
                           knots_to_m_s(speed[vessel]) * t_s)  # fmt: skip
    return pd.DataFrame({
        "mmsi": (412_000_000 + vessel).astype(str),
        "time": pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(t_s, unit="s"),
        "lat": lat, "lon": lon, "sog": speed[vessel], "cog": azimuth[vessel],
    })  # fmt: skip


def write_positions(dataset: str, n: int, vessels: int, folder: Path) -> Path:
    """Make the positions, load them (flags set) and write them as GeoParquet."""
    import geo

    frame = _patrols(n) if dataset == "patrols" else _courses(n, vessels)
    path = folder / f"{dataset}-{n}.parquet"
    geo.load_tracks(frame).to_parquet(path)
    return path


def run_one(engine: str, path: str) -> dict:
    """Time one engine on the positions of ``path`` (in this process)."""
    import geopandas as gpd

    import geo

    zones = geo.load_zones()
    positions = gpd.read_parquet(path)
    result: dict = {"engine": engine, "points": len(positions)}
    index_dir = os.environ.get("FLASHPOINTS_BENCH_INDEX_DIR")
    t0 = time.perf_counter()
    if engine == "sjoin-runs":
        sea = zones[~zones["kind"].isin(["continental_shelf", "regime"])]
        visits = sjoin_runs(positions, sea)
    elif engine in ("visits", "visits-saved-index", "visits-saved-index-coast"):
        distances = engine.endswith("-coast")
        prepared = geo.PreparedZones(zones, index_dir=None if engine == "visits" else index_dir)
        prepared.index  # noqa: B018 - built (visits) or read from index_dir
        if distances:
            prepared.coastline  # noqa: B018 - read from index_dir with its grid
        t1 = time.perf_counter()
        result["build_s"] = t1 - t0
        visits = geo.zone_visits(positions, prepared=prepared, distances=distances)
        result["query_s"] = time.perf_counter() - t1
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    result["seconds"] = time.perf_counter() - t0
    result |= {"visits": len(visits), "points_per_s": len(positions) / result["seconds"],
               "peak_rss_mb": _peak_mb()}  # fmt: skip
    return result


def _spawn(engine: str, path: Path, index_dir: str) -> dict:
    cmd = [sys.executable, "-X", "faulthandler", "-m", "benchmarks.visits_bench", "--run",
           engine, str(path)]  # fmt: skip
    env = dict(os.environ, FLASHPOINTS_BENCH_INDEX_DIR=index_dir)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{engine} on {path.name} failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(r: dict, base: dict | None) -> str:
    text = (f"{r['engine']:34s}{r['points']:>11,} pos {r['seconds']:8.2f} s "
            f"{r['points_per_s']:>12,.0f} pos/s  peak {r['peak_rss_mb']:6.0f} MB  "
            f"{r['visits']:>9,} visits")  # fmt: skip
    if "build_s" in r:
        text += f"  (index {r['build_s']:.2f} s, visits {r['query_s']:.2f} s)"
    if base is not None:
        r["x_sjoin_runs"] = r["points_per_s"] / base["points_per_s"]
        text += f"  {r['x_sjoin_runs']:.2f}x sjoin-runs"
    return text


def _build_once(path: Path, index_dir: str, engines: list[str]) -> list[dict]:
    """Build and write the kept index (and coastline grid) once; report the one-off cost."""
    rows = []
    for engine in ("visits-saved-index", "visits-saved-index-coast"):
        if engine in engines:
            once = _spawn(engine, path, index_dir)
            print(f"{engine}: kept index built and written once in {once['build_s']:.2f} s "
                  f"({index_dir})")  # fmt: skip
            rows.append(once | {"engine": f"{engine}-build-and-save"})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Make the positions, run every engine on each set, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--positions", nargs="+", type=int, default=[1_000_000])
    parser.add_argument("--vessels", type=int, default=1_000, help="vessels of 'courses'")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_one(args.run[0], args.run[1])))
        return 0
    rows: list[dict] = []
    with (
        tempfile.TemporaryDirectory(prefix="flashpoints-visits-") as folder,
        tempfile.TemporaryDirectory(prefix="flashpoints-index-") as index_dir,
    ):
        for dataset in args.datasets:
            for n in args.positions:
                path = write_positions(dataset, n, args.vessels, Path(folder))
                if not rows:
                    rows += _build_once(path, index_dir, args.engines)
                base = None
                for engine in args.engines:
                    r = _spawn(engine, path, index_dir) | {"dataset": dataset}
                    r["engine"] = f"{dataset}/{engine}"
                    print(_line(r, base), flush=True)
                    base = r if engine == "sjoin-runs" else base
                    rows.append(r)
    print(f"{os.cpu_count()} cores")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

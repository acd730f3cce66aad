"""Benchmark: classify GeoParquet positions in memory vs on a local Dask cluster.

Run with ``make bench-dask`` (or ``python -m benchmarks.dask_bench``). Writes
``--points`` uniform random points in the bundled coverage (seeded) as GeoParquet
files of ``--partition-points`` rows, then classifies them (full
:func:`geo.classify`: zone, claimants, geodesic distances) two ways, each in its
own process:

* ``memory``: ``geopandas.read_parquet`` of every file, :func:`geo.classify`, and
  ``to_parquet`` of the result (one process; its own threads);
* ``dask``: ``flashpoints classify --engine dask`` on a ``distributed.LocalCluster``
  of ``--workers`` worker processes (one thread each), which reads, classifies and
  writes one partition per task.

Both use ``PreparedZones(zones, index_dir=...)``: the zone index and the distance
grids are built once first (that time is printed) and read by each process or
worker. Reported: seconds, points per second, and peak memory (max RSS) of the
process, or of each worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20261124


def write_positions(folder: Path, n: int, per_file: int) -> list[Path]:
    """Write n random points in the coverage as GeoParquet files of per_file rows."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(SEED)
    paths = []
    for i, start in enumerate(range(0, n, per_file)):
        m = min(per_file, n - start)
        part = gpd.GeoDataFrame(
            {"pid": np.arange(start, start + m)},
            geometry=shapely.points(rng.uniform(110, 165, m), rng.uniform(15, 55, m)),
            crs=4326,
        )
        path = folder / f"positions-{i:04d}.parquet"
        part.to_parquet(path)
        paths.append(path)
    return paths


def run_memory(folder: Path, out: Path, index_dir: str) -> dict:
    """Classify everything in this process."""
    import geopandas as gpd
    import pandas as pd

    import geo

    t0 = time.perf_counter()
    prepared = geo.PreparedZones(geo.load_zones(), index_dir=index_dir)
    frame = pd.concat([gpd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))])
    out_frame = geo.classify(gpd.GeoDataFrame(frame, crs=4326), prepared=prepared)
    out_frame.to_parquet(out)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"engine": "memory", "rows": len(out_frame), "seconds": seconds, "peak_rss_mb": [peak]}


def run_dask(folder: Path, out: Path, workers: int, index_dir: str) -> dict:
    """Classify on a local cluster through the command line's code path."""
    from distributed import Client, LocalCluster

    import geo
    from geo.distributed import map_to_parquet

    zones = geo.load_zones()
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:  # fmt: skip
        t0 = time.perf_counter()
        _, rows_written = map_to_parquet(
            geo.classify, folder, out, prepared=geo.PreparedZones(zones, index_dir=index_dir),
            scheduler=cluster.scheduler_address,
        )  # fmt: skip
        seconds = time.perf_counter() - t0
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    return {"engine": "dask", "workers": workers, "rows": rows_written, "seconds": seconds,
            "peak_rss_mb": sorted(peaks.values())}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--partition-points", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--run", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        engine, folder, out, index_dir = args.run
        if engine == "prepare":  # the zone index and distance grids, built once
            import geo

            t0 = time.perf_counter()
            kept = geo.PreparedZones(geo.load_zones(), index_dir=index_dir)
            kept.index, kept.coastline, kept.boundaries  # noqa: B018
            print(json.dumps({"seconds": time.perf_counter() - t0}))
            return 0
        result = (
            run_memory(Path(folder), Path(out), index_dir)
            if engine == "memory"
            else run_dask(Path(folder), Path(out), args.workers, index_dir)
        )
        print(json.dumps(result))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "positions"
        folder.mkdir()
        paths = write_positions(folder, args.points, args.partition_points)
        print(f"{args.points:,} points in {len(paths)} GeoParquet files", flush=True)
        index_dir = str(Path(tmp) / "index")
        cmd = [sys.executable, "-m", "benchmarks.dask_bench", "--run", "prepare", "-", "-",
               index_dir]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        once = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        print(f"zone index and distance grids built and written once: {once:.1f} s", flush=True)
        for engine in ("memory", "dask"):
            out = Path(tmp) / (f"out-{engine}.parquet" if engine == "memory" else "out-dask")
            cmd = [sys.executable, "-m", "benchmarks.dask_bench", "--workers", str(args.workers),
                   "--run", engine, str(folder), str(out), index_dir]  # fmt: skip
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            r["points_per_s"] = r["rows"] / r["seconds"]
            rows.append(r)
            who = f"{engine} ({r.get('workers', 1)} {'workers' if engine == 'dask' else 'process'})"
            peaks = ", ".join(f"{p:,.0f}" for p in r["peak_rss_mb"])
            print(f"{who:22s} {r['rows']:>12,} rows {r['seconds']:9.1f} s "
                  f"{r['points_per_s']:>10,.0f} pts/s  peak MB {peaks}", flush=True)  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: load a 1,000,000-row incident CSV with :func:`geo.load_incidents`.

Run with ``make bench-load`` (or ``python -m benchmarks.load_bench``). Writes a
seeded CSV of ``--rows`` incidents: a date (ISO day, a quarter of them with a
UTC time), a kind, a title, and latitude/longitude with 4 decimals, except for
1 % of the rows, whose position is a text instead (a relative phrase such as
"approximately 200 km west of Oshima-Oshima" or degrees and minutes; 200
distinct texts). Each loader runs in its own process; reported are the seconds
and the peak memory (max RSS from ``resource.getrusage``) of that process:

* ``import``: ``import geo`` and nothing else (the floor of every process);
* ``baseline``: the fastest loader an expert would write for the same file,
  which places nothing from text and checks nothing::

      frame = pd.read_csv(path, dtype={"title": str, "kind": str, "position": str})
      frame["date"] = pd.to_datetime(frame["date"], format="ISO8601", utc=True)
      gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                             crs=4326)

* ``flashpoints``: ``geo.load_incidents(path)``: every row placed (position texts
  through :func:`geo.locate`, once per distinct text), checked, dated with its
  precision, duplicates rejected, the rejects table built.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20261125
KINDS = np.array(["missile", "buoy", "vessel", "aircraft", "other"])
PLACES = ["Oshima-Oshima", "Okushiri Island", "Sunan", "Uotsuri Island", "Oga Peninsula"]
DIRECTIONS = ["west", "NNW", "east", "southwest", "north"]


def position_texts(n: int) -> list[str]:
    """Return `n` distinct position texts: relative phrases and degrees-minutes."""
    out = []
    for i in range(n):
        if i % 2:
            place, way = PLACES[i % len(PLACES)], DIRECTIONS[(i // 5) % len(DIRECTIONS)]
            out.append(f"approximately {100 + i} km {way} of {place}")
        else:
            out.append(f"{26 + i % 20}°{i % 60:02d}′N {122 + i % 30}°{(i * 7) % 60:02d}′E")
    return out


def write_csv(path: Path, rows: int, *, text_share: float = 0.01, distinct: int = 200) -> None:
    """Write the benchmark CSV (seeded)."""
    import pandas as pd

    rng = np.random.default_rng(SEED)
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3650, rows), unit="D")
    dates = days.strftime("%Y-%m-%d").to_numpy(dtype=object)
    timed = rng.random(rows) < 0.25
    dates[timed] = days[timed] + pd.to_timedelta(rng.integers(0, 86400, timed.sum()), unit="s")
    dates[timed] = pd.DatetimeIndex(dates[timed]).strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
    lat = np.char.mod("%.4f", rng.uniform(15.0, 55.0, rows)).astype(object)
    lon = np.char.mod("%.4f", rng.uniform(110.0, 165.0, rows)).astype(object)
    texts = np.array(position_texts(distinct), dtype=object)
    with_text = rng.random(rows) < text_share
    position = np.full(rows, "", dtype=object)
    position[with_text] = texts[rng.integers(0, distinct, with_text.sum())]
    lat[with_text], lon[with_text] = "", ""
    frame = pd.DataFrame(
        {
            "date": dates,
            "kind": KINDS[rng.integers(0, len(KINDS), rows)],
            "title": [f"Incident {i}" for i in range(rows)],
            "lat": lat,
            "lon": lon,
            "position": position,
        }
    )
    frame.to_csv(path, index=False)


def run(loader: str, path: Path) -> dict:
    """Run one loader in this process; return its rows, seconds and peak memory."""
    t0 = time.perf_counter()
    import geopandas as gpd
    import pandas as pd

    import geo

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = 0
    if loader == "baseline":
        frame = pd.read_csv(path, dtype={"title": str, "kind": str, "position": str})
        frame["date"] = pd.to_datetime(frame["date"], format="ISO8601", utc=True)
        gdf = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326
        )
        rows = len(gdf)
    elif loader == "flashpoints":
        gdf = geo.load_incidents(path)
        rows = len(gdf) + len(geo.rejects(gdf))
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "loader": loader,
        "rows": rows,
        "import_s": import_s,
        "seconds": seconds if loader != "import" else import_s,
        "peak_rss_mb": peak,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the file, run each loader in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run(args.run[0], Path(args.run[1]))))
        return 0
    if args.write:
        write_csv(Path(args.write), args.rows)
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incidents.csv"
        # Written by a child: a process started by a large one inherits its peak RSS.
        me = [sys.executable, "-m", "benchmarks.load_bench", "--rows", str(args.rows)]
        subprocess.run([*me, "--write", str(path)], check=True)
        size_mb = path.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size_mb:,.0f} MB CSV, 1 % position texts", flush=True)
        for loader in ("import", "baseline", "flashpoints"):
            cmd = [sys.executable, "-m", "benchmarks.load_bench", "--run", loader, str(path)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            r["file_mb"] = size_mb
            results.append(r)
            print(f"{loader:12s} {r['rows']:>10,} rows {r['seconds']:8.1f} s  "
                  f"peak {r['peak_rss_mb']:8,.0f} MB", flush=True)  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

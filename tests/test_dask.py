"""Classification on a real Dask cluster (distributed.LocalCluster, worker processes)."""

import os
import signal
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

import geo

dask_geopandas = pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as c:  # fmt: skip
        yield c


def _points(n: int, seed: int) -> gpd.GeoDataFrame:
    """Random points over and around the bundled coverage (so some are outside it)."""
    rng = np.random.default_rng(seed)
    frame = gpd.GeoDataFrame(
        {"pid": np.arange(n), "uncertainty_km": rng.choice([0.0, 2.0, 30.0], n)},
        geometry=shapely.points(rng.uniform(105, 170, n), rng.uniform(10, 60, n)),
        crs=4326,
    )
    frame.loc[frame.index[::997], "geometry"] = None  # rows with no position are kept
    return frame


def _assert_same_answers(got: gpd.GeoDataFrame, expected: gpd.GeoDataFrame, **kw) -> None:
    """Equal frames; text columns categorical in both, their categories in any order.

    Each partition's categoricals hold the values it has; Dask joins them in the
    order the partitions come, the in-memory answer sorts them.
    """
    text = [c for c in expected.columns if isinstance(expected[c].dtype, pd.CategoricalDtype)]
    assert text, "the answer's text columns are categoricals"
    for c in text:
        assert isinstance(got[c].dtype, pd.CategoricalDtype), c
    as_text = {c: lambda f, c=c: f[c].astype(object) for c in text}
    assert_geodataframe_equal(got.assign(**as_text), expected.assign(**as_text), **kw)


def test_core_does_not_import_dask():
    code = "import sys, geo; geo.classify; print(any(m.startswith('dask') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_dask_frame_gives_the_in_memory_answers(client):
    pts = _points(12_000, 1)
    expected = geo.classify(pts)
    lazy = geo.classify(dask_geopandas.from_geopandas(pts, npartitions=4))
    assert lazy.npartitions == 4
    got = lazy.compute()
    assert len(got) == len(pts)
    assert set(got["zone_kind"].dropna()) >= {"high_seas", "outside_coverage", "eez"}
    _assert_same_answers(got.sort_index(), expected)


def test_cli_reads_and_writes_partitioned_geoparquet(client, cli, tmp_path):
    pts = _points(9_000, 2)
    folder = tmp_path / "positions"
    folder.mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(pts)), 3)):
        pts.iloc[part].to_parquet(folder / f"part-{i}.parquet")
    out = tmp_path / "out"
    address = client.scheduler.address
    result = cli("classify", str(folder / "*.parquet"), "-o", str(out), "--engine", "dask",
                 "--scheduler", address, "--no-progress")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "9000 rows read, 9000 written" in result.stdout
    written = sorted(out.glob("*.parquet"))
    assert len(written) == 3
    got = gpd.read_parquet(out).sort_values("pid").set_index("pid")
    expected = geo.classify(pts).set_index("pid")
    _assert_same_answers(got, expected, check_index_type=False)
    # The output folder is not overwritten.
    again = cli("classify", str(folder), "-o", str(out), "--engine", "dask",
                "--scheduler", address, "--no-progress")  # fmt: skip
    assert again.returncode == 2
    assert again.stderr.strip() == (
        f"flashpoints: {out} exists; remove it or choose another output folder"
    )
    none = cli("classify", str(tmp_path / "nothing-*.parquet"), "-o", str(tmp_path / "o2"),
               "--engine", "dask", "--scheduler", address)  # fmt: skip
    assert none.returncode == 2
    assert "no GeoParquet files match" in none.stderr


def test_a_worker_killed_mid_run_loses_nothing(client):
    pts = _points(24_000, 3)
    expected = geo.classify(pts)
    lazy = geo.classify(dask_geopandas.from_geopandas(pts, npartitions=16))
    future = client.compute(lazy)
    name = lazy._name  # the classify tasks' key prefix

    def finished(dask_scheduler=None):
        return sum(
            1 for ts in dask_scheduler.tasks.values()
            if ts.state == "memory" and isinstance(ts.key, tuple) and ts.key[0] == name
        )  # fmt: skip

    deadline = time.monotonic() + 120
    while client.run_on_scheduler(finished) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not future.done(), "the run ended before a worker could be killed"
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    os.kill(pids[victim], signal.SIGKILL)
    got = future.result(timeout=300)
    _assert_same_answers(got.sort_index(), expected)
    # The nanny restarted the worker: the cluster is whole again.
    client.wait_for_workers(2, timeout=60)

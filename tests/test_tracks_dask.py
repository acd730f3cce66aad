"""Zone visits of a Dask frame (#19): every vessel in one partition, the in-memory answers."""

from __future__ import annotations

import pandas as pd
import pytest

import geo

dask_geopandas = pytest.importorskip("dask_geopandas")

pytestmark = pytest.mark.dask

_ORDER = ["vessel_id", "segment_id", "entry_time"]


@pytest.fixture(scope="module")
def tracks():
    """One month of synthetic patrols (about 10,000 positions of some 30 vessels), loaded."""
    return geo.load_tracks(geo.synthetic_patrols(months=[2], report_interval_s=(600, 900)))


def _sorted(visits: pd.DataFrame) -> pd.DataFrame:
    return visits.sort_values(_ORDER, ignore_index=True)


def test_dask_visits_equal_the_in_memory_visits(tracks):
    expected = geo.zone_visits(tracks)
    # In time order, cut in four: most vessels' tracks run over a partition edge.
    by_time = tracks.sort_values("time", ignore_index=True)
    lazy_in = dask_geopandas.from_geopandas(by_time, npartitions=4)
    parts = [lazy_in.get_partition(i).compute() for i in range(4)]
    vessels = [set(p["vessel_id"]) for p in parts]
    split = {v for i, a in enumerate(vessels) for b in vessels[i + 1 :] for v in a & b}
    assert len(split) >= 5
    # Visits of each partition by itself are wrong at the edges (a check that this test can fail).
    naive = pd.concat([geo.zone_visits(p) for p in parts], ignore_index=True)
    assert len(naive) != len(expected)
    lazy = geo.zone_visits(lazy_in)
    assert lazy.npartitions == 4
    got = lazy.compute()
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected))
    # Each vessel's visits came from one partition.
    per_partition = [set(lazy.get_partition(i).compute()["vessel_id"]) for i in range(4)]
    assert sum(len(s) for s in per_partition) == expected["vessel_id"].nunique()


def test_dask_visits_refuse_raw_positions():
    raw = dask_geopandas.from_geopandas(
        geo.load_tracks(
            pd.DataFrame({"mmsi": ["1"], "time": ["2023-01-01"], "lat": [25.0], "lon": [123.0]})
        ).drop(columns="lat"),
        npartitions=1,
    )
    with pytest.raises(geo.InputError, match="missing lat"):
        geo.zone_visits(raw)


def test_dask_visits_on_a_local_cluster(tracks):
    distributed = pytest.importorskip("distributed")
    expected = geo.zone_visits(tracks, distances=False)
    lazy_in = dask_geopandas.from_geopandas(tracks.sort_values("time", ignore_index=True),
                                            npartitions=3)  # fmt: skip
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):  # fmt: skip
        got = geo.zone_visits(lazy_in, distances=False).compute()
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected))

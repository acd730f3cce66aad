"""Shared fixtures: tiny zone sets and incident frames built in code."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import geopandas as gpd
import pytest
import shapely

import geo
from geo.antimeridian import split_antimeridian
from tests.support import run_cli


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli("map", "-o", path)`` runs the ``flashpoints`` command (see tests/support.py)."""
    return run_cli


@pytest.fixture(scope="session")
def bundled_zones() -> gpd.GeoDataFrame:
    """The bundled set as prepared once per process (classify reuses its index)."""
    return geo.prepared.bundled().zones


@pytest.fixture
def square_zones() -> gpd.GeoDataFrame:
    """Two 'states' on a 10x10 degree coverage: land squares with a 1-degree sea ring."""
    rows = []
    for code, x0 in (("AAA", 1.0), ("BBB", 6.0)):
        land = shapely.box(x0, 4.0, x0 + 2.0, 6.0)
        ring = shapely.difference(land.buffer(1.0, join_style="mitre"), land)
        rows.append(
            {
                "zone_id": f"{code.lower()}-land",
                "name": f"{code} land",
                "kind": "land",
                "claimants": code,
                "sovereign": code,
                "source": "test",
                "geometry": land,
            }
        )
        rows.append(
            {
                "zone_id": f"{code.lower()}-eez",
                "name": f"{code} EEZ",
                "kind": "eez",
                "claimants": code,
                "sovereign": code,
                "source": "test",
                "geometry": ring,
            }
        )
    zones = gpd.GeoDataFrame(rows, crs=4326)
    zones.attrs["coverage"] = shapely.box(0.0, 0.0, 10.0, 10.0)
    return zones


@pytest.fixture
def dateline_zones() -> gpd.GeoDataFrame:
    """A 1-degree 'territorial sea' astride 180 on the equator, coverage 170E to 170W."""
    zones = gpd.GeoDataFrame(
        [{"zone_id": "x-ts", "name": "X territorial sea", "kind": "territorial_sea",
          "claimants": "XXX", "sovereign": "XXX", "source": "test",
          "geometry": split_antimeridian(shapely.box(179.5, -1.0, 180.5, 1.0))}],
        crs=4326,
    )  # fmt: skip
    zones.attrs["coverage"] = split_antimeridian(shapely.box(170.0, -10.0, 190.0, 10.0))
    return zones


@pytest.fixture
def points_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"title": ["in A land", "in A sea", "open sea", "outside"]},
        geometry=shapely.points([(2.0, 5.0), (0.5, 5.0), (5.0, 9.0), (20.0, 20.0)]),
        crs=4326,
        index=[10, 11, 12, 13],
    )

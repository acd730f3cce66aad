import numpy as np
import pytest
import shapely

from geo.geodesy import GEOD, buffer_lines_m, destination, geodesic_circle, nm_to_m


def _min_geodesic_distance_m(lon, lat, line):
    dense = shapely.segmentize(line, 0.005)
    xy = shapely.get_coordinates(dense)
    _, _, d = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return d.min()


@pytest.mark.parametrize("distance_nm", [12.0, 200.0])
@pytest.mark.parametrize(
    "coast",
    [
        shapely.LineString([(128.0, 30.0), (131.0, 33.5), (135.0, 34.0)]),  # mid latitude
        shapely.LineString([(141.0, 50.0), (143.5, 54.0)]),  # high latitude, long piece
    ],
)
def test_buffer_edge_is_at_the_distance_within_half_a_mile(coast, distance_nm):
    buf = buffer_lines_m(coast, nm_to_m(distance_nm))
    ring = shapely.get_coordinates(
        buf.exterior if buf.geom_type == "Polygon" else buf.geoms[0].exterior
    )
    step = max(1, len(ring) // 150)
    errors_nm = [
        abs(_min_geodesic_distance_m(x, y, coast) - nm_to_m(distance_nm)) / 1852.0
        for x, y in ring[::step]
    ]
    assert max(errors_nm) < 0.5, max(errors_nm)


def test_destination_matches_inverse():
    lon, lat = destination(139.37, 41.51, 270.0, 200_000.0)
    az, _, d = GEOD.inv(139.37, 41.51, float(lon), float(lat))
    assert d == pytest.approx(200_000.0, abs=0.01)
    assert az % 360 == pytest.approx(270.0, abs=1e-6)


def test_geodesic_circle_radius():
    circle = geodesic_circle(123.47, 25.74, 22_224.0)
    xy = shapely.get_coordinates(circle.exterior)
    _, _, d = GEOD.inv(np.full(len(xy), 123.47), np.full(len(xy), 25.74), xy[:, 0], xy[:, 1])
    assert np.allclose(d, 22_224.0, atol=0.01)


def test_geodesic_circle_across_antimeridian_stays_simple():
    circle = geodesic_circle(179.9, 10.0, 50_000.0)
    assert circle.is_valid
    assert shapely.bounds(circle)[2] > 180.0

import math

import pandas as pd
import pytest

from geo.gazetteer import Gazetteer
from geo.geodesy import GEOD
from geo.locate import locate


@pytest.fixture
def gaz():
    return Gazetteer(
        pd.DataFrame(
            {
                "name": ["Alpha Island", "Cape Beta"],
                "alt_names": ["Alpha-jima;Alfa", ""],
                "lat": [40.0, 35.0],
                "lon": [140.0, 130.0],
                "radius_km": [2.0, 0.5],
                "source": ["test", "test"],
            }
        )
    )


@pytest.mark.parametrize(
    ("text", "dist_km", "bearing"),
    [
        ("approximately 200 km west of Alpha Island", 200.0, 270.0),
        ("about 100 nautical miles NNW of the Alpha-jima", 185.2, 337.5),
        ("50 miles south-east of Alpha Island, inside the EEZ", 80.4672, 135.0),
        ("waters about 20 kilometers southwest of the island of Alpha in Beta", 20.0, 225.0),
        ("some 1,180 kilometers north-northwest of Cape Beta's Alpha Island", 1180.0, 337.5),
        ("Alpha-jimaの北西約30キロ", 30.0, 315.0),
        ("沖縄県・Alpha-jimaから南南東200~250キロの海域", 225.0, 157.5),
        ("120 km bearing 045° from Alfa", 120.0, 45.0),
    ],
)
def test_relative_phrases_are_geodesic(gaz, text, dist_km, bearing):
    loc = locate(text, gazetteer=gaz)
    az, _, d = GEOD.inv(140.0, 40.0, loc.lon, loc.lat)
    assert d / 1000 == pytest.approx(dist_km, rel=1e-9)
    assert az % 360 == pytest.approx(bearing, abs=1e-6)
    assert loc.method == "relative"
    assert loc.landmark == "Alpha Island"


def test_uncertainty_grows_with_hedge_and_compass(gaz):
    hedged = locate("approximately 200 km west of Alpha Island", gazetteer=gaz)
    plain = locate("200 km west of Alpha Island", gazetteer=gaz)
    bearing = locate("200 km 270 of Alpha Island", gazetteer=gaz)
    lateral = 200 * math.sin(math.radians(11.25))
    assert hedged.uncertainty_km == pytest.approx(math.hypot(20, lateral) + 2.0)
    assert plain.uncertainty_km == pytest.approx(math.hypot(10, lateral) + 2.0)
    assert bearing.uncertainty_km < plain.uncertainty_km


def test_range_widens_uncertainty(gaz):
    ranged = locate("about 300 km to 350 km west of the Alpha Island in Gamma", gazetteer=gaz)
    assert ranged.distance_km == pytest.approx(325.0)
    lateral = 325 * math.sin(math.radians(11.25))
    assert ranged.uncertainty_km == pytest.approx(math.hypot(32.5, lateral) + 2.0)


def test_japanese_coordinates():
    loc = locate("北緯28度49.6分、東経126度17.6分")
    assert (loc.lat, loc.lon) == pytest.approx((28 + 49.6 / 60, 126 + 17.6 / 60))
    assert loc.uncertainty_km == pytest.approx(0.05 / 60 * 111.32)


def test_unknown_landmark_names_closest(gaz):
    with pytest.raises(ValueError, match=r"unknown landmark 'Alpa Island'.*Alpha Island"):
        locate("200 km west of Alpa Island", gazetteer=gaz)


def test_coordinates_uncertainty_follows_precision():
    assert locate("26°04′N 122°44′E").uncertainty_km == pytest.approx(0.5 / 60 * 111.32)
    assert locate("26N 122E").uncertainty_km == pytest.approx(0.5 * 111.32)
    assert locate("26.07, 122.73").uncertainty_km == pytest.approx(0.005 * 111.32)


def test_garbage_is_a_clear_error(gaz):
    with pytest.raises(ValueError, match="cannot read"):
        locate("somewhere off the coast of nowhere", gazetteer=gaz)

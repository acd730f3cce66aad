"""The palette as colour-blind readers see it (geo/maps/style.py).

Each colour is judged as it is drawn, over the white page of the tile-less map:
a state at 80 % opacity (the legend swatch) and at the EEZ fill opacity, a marker
at its fill opacity, land at the land fill opacity. What the eye gets is then
simulated for deuteranopia, protanopia and tritanopia with the matrices of Machado,
Oliveira & Fernandes (2009) at severity 1.0, applied in linear RGB (sRGB decode,
matrix, sRGB encode), and two colours are compared by CIEDE2000 (Sharma, Wu &
Dalal 2005), in CIELAB with a D65 white.

The ``MIN_*`` constants are what the palette achieves, rounded down: a change to
style.py that makes any of them worse fails here.
"""

from __future__ import annotations

import itertools
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.classify import classify
from geo.maps.style import (
    CERTAINTY_COLORS,
    CHECK_COLORS,
    DISPUTED_EDGE,
    KIND_STYLE,
    LAND_COLOR,
    OTHER_COLOR,
    STATE_COLORS,
    TRACK_GAP_STYLE,
    TRACK_KIND_STYLE,
    state_color,
)
from geo.maps.zones import claim_codes

PAGE = "#ffffff"  # no tiles offline: the sea is the page
SWATCH_OPACITY = 0.8  # the legend's state swatch
EEZ_OPACITY = KIND_STYLE["eez"]["fillOpacity"]
LAND_OPACITY = KIND_STYLE["land"]["fillOpacity"]
MARKER_OPACITY = 0.95  # flashpoints.js incidentMarker
#: Opacities the stripes of overlapping claims are seen at: the legend swatch (solid)
#: and the fills of the hatched zone kinds.
HATCH_OPACITIES = {
    "legend": 1.0,
    "territorial_sea": KIND_STYLE["territorial_sea"]["fillOpacity"],
    "contiguous_zone": KIND_STYLE["contiguous_zone"]["fillOpacity"],
    "eez": EEZ_OPACITY,
}

VISIONS = ("normal", "deuteranopia", "protanopia", "tritanopia")

#: Machado, Oliveira & Fernandes (2009), Table 1 (severity 1.0), on linear RGB.
MACHADO_2009 = {
    "normal": np.eye(3),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}

#: linear sRGB -> XYZ (IEC 61966-2-1, D65).
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)

#: Smallest CIEDE2000 between two states' 80 % swatches, per vision (achieved:
#: 13.10 TWN/USA, 9.65 KOR/USA, 9.77 PHL/MHL, 12.58 TWN/USA).
MIN_DELTA_E_BY_VISION = {
    "normal": 13.0,
    "deuteranopia": 9.6,
    "protanopia": 9.7,
    "tritanopia": 12.5,
}
#: The floor over all four visions.
MIN_DELTA_E = min(MIN_DELTA_E_BY_VISION.values())
#: The same pairs at the EEZ fill (achieved 1.74, TWN/USA under tritanopia): faint by
#: design, the zones' solid outlines carry the state too.
MIN_DELTA_E_EEZ = 1.7
#: Each state's EEZ fill against the open sea (achieved 3.79).
MIN_DELTA_E_EEZ_VS_SEA = 3.7
#: Japan against China, at the swatch and at the EEZ fill (achieved 48.3 and 8.57).
MIN_DELTA_E_JPN_CHN = 48.0
MIN_DELTA_E_JPN_CHN_EEZ = 8.5
#: A state's swatch against the disputed edge, the land and other states' grey
#: (achieved 12.41).
MIN_DELTA_E_STATE_VS_REST = 12.4
#: Marker greys against each other within a scheme (achieved 26.5 for certainty,
#: 17.66 for statement checks).
MIN_DELTA_E_MARKERS = 17.6
#: A marker grey against any state's (or other states') swatch (achieved 11.39).
MIN_DELTA_E_MARKER_VS_STATE = 11.3
#: A marker against the white sea it is mostly drawn on (achieved 10.53, the
#: light grey of "no verdict").
MIN_DELTA_E_MARKER_VS_SEA = 10.5
#: Neighbouring stripes of every hatched claimant set on the bundled map, by where
#: they are seen (achieved 26.02, 10.73, 7.33, 3.81; CHN/TWN under deuteranopia).
MIN_DELTA_E_HATCH = {
    "legend": 26.0,
    "territorial_sea": 10.7,
    "contiguous_zone": 7.3,
    "eez": 3.8,
}
#: The same for the Spratly sets of four or five claimants, between *neighbouring*
#: stripes only (stripes repeat in the claimants' order), where Malaysia and Brunei
#: have no colour of their own (the palette of ten admits no eleventh colour at the
#: thresholds above) and are drawn in OTHER_COLOR: weaker, as achieved (16.06, 8.65,
#: 5.73, 2.36; VNM/BRN under protanopia, MYS/PHL under tritanopia). Tooltips and
#: popups name every claimant.
MIN_DELTA_E_HATCH_MANY = {
    "legend": 16.0,
    "territorial_sea": 8.6,
    "contiguous_zone": 5.7,
    "eez": 2.3,
}
#: Claimant sets drawn hatched on the bundled map (tests below also read the data).
HATCHED_SETS = [
    ("CHN", "JPN", "TWN"),
    ("JPN", "KOR"),
    ("JPN", "RUS"),
    ("CHN", "TWN"),
    ("CHN", "TWN", "VNM"),
    ("CHN", "PHL", "TWN"),
    ("MHL", "USA"),
    ("CHN", "PHL", "TWN", "VNM"),
    ("CHN", "MYS", "TWN", "VNM"),
    ("CHN", "MYS", "PHL", "TWN", "VNM"),
    ("BRN", "CHN", "MYS", "TWN", "VNM"),
]

#: The palette before this check, as reviewed (Japan, Russia, Taiwan and the
#: Marshall Islands ran together under deuteranopia).
REVIEWED_PALETTE = {
    "JPN": "#d7263d",
    "CHN": "#f4a300",
    "TWN": "#2e9e44",
    "KOR": "#1f5fbf",
    "PRK": "#7b3fa0",
    "RUS": "#8c564b",
    "PHL": "#17becf",
    "VNM": "#e377c2",
    "USA": "#1b2a6b",
    "MHL": "#9aa83a",
}


# --- colour science -----------------------------------------------------------------


def _rgb(color: str) -> np.ndarray:
    """``#rrggbb`` as sRGB in 0..1."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255.0


def _decode(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _encode(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def _over(color: str, opacity: float, background: str = PAGE) -> np.ndarray:
    """``color`` at ``opacity`` over ``background``, blended in sRGB as browsers do."""
    return opacity * _rgb(color) + (1.0 - opacity) * _rgb(background)


def simulate(srgb: np.ndarray, vision: str) -> np.ndarray:
    """What a reader with ``vision`` sees of an sRGB colour (Machado et al. 2009)."""
    return _encode(_decode(srgb) @ MACHADO_2009[vision].T)


def lab(srgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour."""
    xyz = _decode(srgb) @ SRGB_TO_XYZ.T / SRGB_TO_XYZ.sum(axis=1)
    d = 6 / 29
    f = np.where(xyz > d**3, np.cbrt(xyz), xyz / (3 * d * d) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1), after Sharma et al. (2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.degrees(np.arctan2(b1, a1)) % 360 if c1 else 0.0
    h2 = np.degrees(np.arctan2(b2, a2)) % 360 if c2 else 0.0
    dh = h2 - h1
    if c1 * c2 == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    r_c = 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7))
    r_t = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * r_c
    terms = (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
    return float(np.sqrt(terms + r_t * (d_c / s_c) * (d_h / s_h)))


def seen(color: str, opacity: float, vision: str, background: str = PAGE) -> np.ndarray:
    """CIELAB of ``color`` drawn at ``opacity`` over ``background``, as ``vision`` sees it."""
    return lab(simulate(_over(color, opacity, background), vision))


def difference(a: tuple[str, float], b: tuple[str, float], vision: str) -> float:
    """CIEDE2000 between two (colour, opacity) drawn over the page, under ``vision``."""
    return delta_e_2000(seen(*a, vision), seen(*b, vision))


def closest_pair(colors: dict[str, str], opacity: float, vision: str) -> tuple[float, str, str]:
    """The two entries of ``colors`` nearest each other at ``opacity``, and their distance."""
    labs = {k: seen(c, opacity, vision) for k, c in colors.items()}
    return min((delta_e_2000(labs[a], labs[b]), a, b) for a, b in itertools.combinations(labs, 2))


# --- the measures themselves --------------------------------------------------------


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7, 13, 15, 17, 19, 25, 34
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected):
    assert delta_e_2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(np.array(lab2), np.array(lab1)) == pytest.approx(expected, abs=1e-4)


def test_lab_of_the_primaries():
    assert lab(_rgb("#ffffff")) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert lab(_rgb("#ff0000")) == pytest.approx([53.2408, 80.0925, 67.2032], abs=1e-3)
    assert lab(_rgb("#0000ff")) == pytest.approx([32.2970, 79.1875, -107.8602], abs=1e-3)


@pytest.mark.parametrize("vision", VISIONS)
def test_simulation_keeps_greys(vision):
    for grey in ("#000000", "#767676", "#ffffff"):
        assert simulate(_rgb(grey), vision) == pytest.approx(_rgb(grey), abs=2e-3)


def test_simulation_merges_red_and_green_for_red_green_deficiency():
    red, green = _rgb("#d55e00"), _rgb("#009e73")
    normal = delta_e_2000(lab(red), lab(green))
    assert normal > 50  # 54.4; 20.5 under deuteranopia, 18.2 under protanopia
    for vision in ("deuteranopia", "protanopia"):
        assert delta_e_2000(lab(simulate(red, vision)), lab(simulate(green, vision))) < normal / 2
    # Tritanopia keeps red against green (62.7) but merges blue with green (38.4 -> 12.4).
    blue, teal = _rgb("#0072b2"), _rgb("#009e73")
    tritan = delta_e_2000(lab(simulate(blue, "tritanopia")), lab(simulate(teal, "tritanopia")))
    assert tritan < delta_e_2000(lab(blue), lab(teal)) / 2


@pytest.mark.parametrize(
    ("vision", "swatch", "eez"),
    [
        ("normal", 16.06, 2.92),
        ("deuteranopia", 4.10, 0.46),
        ("protanopia", 5.16, 0.82),
        ("tritanopia", 9.16, 1.64),
    ],
)
def test_the_reviewed_palette_ran_together(vision, swatch, eez):
    """The measure sees what the review saw: closest pairs of the old colours."""
    assert closest_pair(REVIEWED_PALETTE, SWATCH_OPACITY, vision)[0] == pytest.approx(
        swatch, abs=0.01
    )
    assert closest_pair(REVIEWED_PALETTE, EEZ_OPACITY, vision)[0] == pytest.approx(eez, abs=0.01)
    if vision in ("deuteranopia", "protanopia"):
        assert swatch < MIN_DELTA_E_BY_VISION[vision] / 1.8


def test_the_reviewed_palette_merged_japan_with_taiwan_and_russia():
    old = REVIEWED_PALETTE
    jpn = (old["JPN"], SWATCH_OPACITY)
    assert difference(jpn, (old["TWN"], SWATCH_OPACITY), "deuteranopia") < 5.0
    assert difference(jpn, (old["RUS"], SWATCH_OPACITY), "protanopia") < 5.2


# --- states -------------------------------------------------------------------------


def test_the_palette_covers_the_ten_states_in_hex():
    assert set(STATE_COLORS) == {
        "JPN", "CHN", "TWN", "KOR", "PRK", "RUS", "PHL", "VNM", "USA", "MHL"
    }  # fmt: skip
    for color in [*STATE_COLORS.values(), *CERTAINTY_COLORS.values(), *CHECK_COLORS.values()]:
        assert re.fullmatch(r"#[0-9a-f]{6}", color), color


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_states_stand_apart_at_the_swatch(vision):
    delta, _a, _b = closest_pair(STATE_COLORS, SWATCH_OPACITY, vision)
    assert delta >= MIN_DELTA_E_BY_VISION[vision] >= MIN_DELTA_E


@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_states_stand_apart_at_the_eez_fill(vision):
    delta, _a, _b = closest_pair(STATE_COLORS, EEZ_OPACITY, vision)
    assert delta >= MIN_DELTA_E_EEZ
    sea = lab(simulate(_rgb(PAGE), vision))
    for color in STATE_COLORS.values():
        assert delta_e_2000(seen(color, EEZ_OPACITY, vision), sea) >= MIN_DELTA_E_EEZ_VS_SEA


@pytest.mark.parametrize("vision", VISIONS)
def test_japan_and_china_stay_well_apart(vision):
    jpn, chn = STATE_COLORS["JPN"], STATE_COLORS["CHN"]
    swatch = difference((jpn, SWATCH_OPACITY), (chn, SWATCH_OPACITY), vision)
    eez = difference((jpn, EEZ_OPACITY), (chn, EEZ_OPACITY), vision)
    assert swatch >= MIN_DELTA_E_JPN_CHN
    assert eez >= MIN_DELTA_E_JPN_CHN_EEZ


@pytest.mark.parametrize("vision", VISIONS)
def test_states_stand_apart_from_edges_land_and_other_states(vision):
    rest = {
        "disputed edge": seen(DISPUTED_EDGE, 1.0, vision),
        "land": seen(LAND_COLOR, LAND_OPACITY, vision),
        "other state": seen(OTHER_COLOR, SWATCH_OPACITY, vision),
    }
    for color in STATE_COLORS.values():
        state = seen(color, SWATCH_OPACITY, vision)
        for name, what in rest.items():
            assert delta_e_2000(state, what) >= MIN_DELTA_E_STATE_VS_REST, (color, name)


def test_hatched_sets_are_the_bundled_maps(bundled_zones):
    disputed = bundled_zones[
        (bundled_zones["kind"] != "land") & bundled_zones["claimants"].str.contains("/")
    ]
    found = {tuple(claim_codes(c)) for c in disputed["claimants"]}
    assert found == set(HATCHED_SETS)


@pytest.mark.parametrize("where", HATCH_OPACITIES)
@pytest.mark.parametrize("vision", VISIONS)
def test_hatching_stripes_stand_apart(vision, where):
    """Stripes repeat in the claimants' order, so every two claimants of a set touch."""
    opacity = HATCH_OPACITIES[where]
    for claimants in HATCHED_SETS:
        if len(claimants) > 3:
            # Only neighbours touch; a state without a colour is drawn in OTHER_COLOR.
            pairs = [(claimants[i - 1], claimants[i]) for i in range(len(claimants))]
            least = MIN_DELTA_E_HATCH_MANY[where]
        else:
            pairs, least = list(itertools.combinations(claimants, 2)), MIN_DELTA_E_HATCH[where]
        for a, b in pairs:
            pair = (state_color(a), opacity), (state_color(b), opacity)
            assert difference(*pair, vision) >= least, (a, b)


# --- incident markers ---------------------------------------------------------------


def test_certainty_colors_cover_every_certainty_value(square_zones):
    pts = gpd.GeoDataFrame(
        {"uncertainty_km": [1.0, 80.0, 0.0]},
        geometry=shapely.points([(0.5, 5.0), (0.5, 5.0), (20.0, 20.0)]),  # the last: outside
        crs=4326,
    )
    values = classify(pts, square_zones)["certainty"]
    assert set(values) == set(CERTAINTY_COLORS) == {"certain", "borderline", ""}


def test_check_colors_cover_every_statement_check_value():
    assert set(CHECK_COLORS) == {"agree", "disagree", "borderline", ""}


@pytest.mark.parametrize("scheme", [CERTAINTY_COLORS, CHECK_COLORS], ids=["certainty", "check"])
@pytest.mark.parametrize("vision", VISIONS)
def test_marker_colors_tell_apart_and_never_read_as_a_state(vision, scheme):
    delta, _a, _b = closest_pair(scheme, MARKER_OPACITY, vision)
    assert delta >= MIN_DELTA_E_MARKERS
    swatches = [seen(c, SWATCH_OPACITY, vision) for c in [*STATE_COLORS.values(), OTHER_COLOR]]
    sea = lab(simulate(_rgb(PAGE), vision))
    for color in scheme.values():
        marker = seen(color, MARKER_OPACITY, vision)
        assert min(delta_e_2000(marker, s) for s in swatches) >= MIN_DELTA_E_MARKER_VS_STATE
        assert delta_e_2000(marker, sea) >= MIN_DELTA_E_MARKER_VS_SEA


@pytest.mark.parametrize("vision", VISIONS)
def test_a_disagreeing_statement_stands_out(vision):
    sea = lab(simulate(_rgb(PAGE), vision))
    contrast = {
        k: delta_e_2000(seen(c, MARKER_OPACITY, vision), sea) for k, c in CHECK_COLORS.items()
    }
    assert max(contrast, key=contrast.__getitem__) == "disagree"
    assert contrast["disagree"] >= 95.0
    disagree = seen(CHECK_COLORS["disagree"], MARKER_OPACITY, vision)
    for value, color in CHECK_COLORS.items():
        if value != "disagree":
            assert delta_e_2000(disagree, seen(color, MARKER_OPACITY, vision)) >= 17.7


def test_marker_colors_are_neutral():
    """Greys carry no hue, so no reader can take a marker for a state."""
    for color in [*CERTAINTY_COLORS.values(), *CHECK_COLORS.values()]:
        r, g, b = _rgb(color)
        assert r == g == b


def test_tracks_take_the_checked_greys_darker_and_wider_inside():
    """Track lines use the statement-check greys (checked above), never a state's hue."""
    for style in [*TRACK_KIND_STYLE.values(), TRACK_GAP_STYLE]:
        assert style["color"] in CHECK_COLORS.values()
    order = ["territorial_sea", "contiguous_zone", "eez", "high_seas"]
    lightness = [_rgb(TRACK_KIND_STYLE[k]["color"])[0] for k in order]
    weights = [TRACK_KIND_STYLE[k]["weight"] for k in order]
    assert lightness == sorted(lightness)
    assert len(set(lightness)) == len(order)
    assert weights == sorted(weights, reverse=True)

"""Hostile text on maps: nothing users wrote runs, everything shown is shown as text.

Every column a map shows and every zone attribute carries markup, script,
template and URL payloads. The page is opened in headless Chromium (online with
Leaflet from the locally routed CDN, and offline), every popup, tooltip, range
ring label, the legend and the layer control are opened, and then nothing may
have run (no ``window.__pwned``, no dialog, no element built from the text) while
each text is on screen exactly as written. A 30 MB cell draws a small page in
bounded memory.
"""

import json
import subprocess
import sys
import textwrap

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import classify, incident_map
from geo.maps import save_map
from geo.maps.escape import TRUNCATED
from tests.browser_support import NODE_MODULES, open_offline, open_page
from tests.support import incident_table, table_text

PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "<script>window.__pwned=1</script>",
    "${window.__pwned=1}`",
    "{{ 7*7 }}",
    "javascript:window.__pwned=1",
    '"><svg onload=window.__pwned=1>',
    "<img src=x onerror=alert(1)>",
    "constructor",  # kinds that are names of every JavaScript object's properties
    "__proto__",
]
# One incident per payload, two or three in each zone of the square zone set.
POINTS = [(2, 5), (1.5, 4.5), (0.5, 5), (3.5, 5), (2, 3.5), (7, 5), (5.5, 5), (8.5, 5), (7, 6.5)]
# Columns the popup shows as typed; the kind is the payload itself (a layer per kind),
# the source too ("javascript:..." must not become a link).
TEXT_COLUMNS = ("title", "description", "position_text", "origin_text", "statement_eez")
ZONE_COLUMNS = ("zone_id", "name", "claimants", "sovereign", "source")
READY = "window.Flashpoints && window.Flashpoints.ready === true"


def _hostile_incidents() -> gpd.GeoDataFrame:
    rows = []
    for j, p in enumerate(PAYLOADS):
        row = {c: f"{p} @{c}{j}" for c in TEXT_COLUMNS}
        row |= {
            "kind": p,
            "source": p,
            "notes": f"{p} @notes{j}",  # a column the map does not show
            # dates: real ones, and date-like text (left out of the page, never run)
            "date": f"2023-07-{10 + j:02d}" if j % 2 else f"2023-07-12{p}",
            "uncertainty_km": 5.0,
            "origin_lat": 9.5,
            "origin_lon": 0.5 + j,
        }
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry=shapely.points(POINTS), crs=4326)


@pytest.fixture
def hostile_zones(square_zones):
    zones = square_zones.copy()
    assert len(zones) * 2 >= len(PAYLOADS) - 1
    for i in range(len(zones)):
        p = f"{PAYLOADS[i]} {PAYLOADS[i + len(zones)]}"
        for c in ZONE_COLUMNS:
            zones.loc[zones.index[i], c] = f"{p} @{c}{i}"
    return zones


@pytest.fixture
def hostile(hostile_zones):
    classified = classify(_hostile_incidents(), hostile_zones)
    assert classified["zone_name"].notna().all()  # every incident in a (hostile) zone
    return classified, hostile_zones


_INSPECT = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const out = {popups: [], tips: [], zones: [], rings: [], lines: []};
  Flashpoints.incidents.markers.forEach(mk => {
    mk.fire('click', {latlng: mk.getLatLng()}, true);
    out.popups.push([...document.querySelectorAll('.leaflet-popup-content')].pop().innerText);
    map.closePopup();
    mk.fire('mouseover', {latlng: mk.getLatLng()}, true);
    out.tips.push(mk.getTooltip().getElement().innerText);
    mk.closeTooltip();
  });
  map.eachLayer(l => {
    const cls = (l.options && l.options.className) || '';
    const tip = l.getTooltip && l.getTooltip();
    if (!tip) return;
    if (cls.includes('fp-line')) {
      l.openTooltip(l.getBounds().getCenter());
      out.lines.push(tip.getElement().innerText);
    } else if (l instanceof L.GeoJSON) {
      l.openTooltip(l.getBounds().getCenter());
      out.zones.push(tip.getElement().innerText);
    } else if (cls.includes('fp-range-ring')) {
      l.openTooltip(l.getLatLngs()[0]);
      out.rings.push(tip.getElement().innerText);
    } else return;
    l.closeTooltip();
  });
  return out;
}"""

_RAN = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
  images: document.querySelectorAll('img:not(.leaflet-tile)').length,
  svgs: document.querySelectorAll('svg:not(#fp-legend svg):not(.leaflet-attribution-flag)').length,
  scripts: [...document.scripts].filter(s => s.textContent.trim() === 'window.__pwned=1').length,
  links: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:').length,
})"""


def _check_page(page, log, classified: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> None:
    """Open everything that shows text; assert nothing ran and each text reads as written."""
    page.wait_for_function(READY, timeout=15_000)
    page.locator(".leaflet-control-layers").hover()
    control = page.locator(".leaflet-control-layers-overlays").inner_text()
    page.locator("#fp-legend summary").click()  # the legend opens collapsed
    legend = page.locator("#fp-legend").inner_text()
    seen = page.evaluate(_INSPECT)
    page.wait_for_timeout(500)  # an <img src=x> would have failed to load by now
    assert page.evaluate(_RAN) == {
        "pwned": None, "handlers": 0, "images": 0, "svgs": 0, "scripts": 0, "links": 0
    }  # fmt: skip
    assert log.dialogs == []
    assert log.page_errors == []
    assert log.console_errors == []

    assert len(seen["popups"]) == len(classified)
    for i, row in enumerate(classified.itertuples()):
        popup, tip = seen["popups"][i], seen["tips"][i]
        assert tip == row.title
        assert popup.startswith(row.title + "\n")
        for text in (row.description, row.source, row.position_text, row.origin_text,
                     row.zone_name, row.claimants, row.statement_eez):  # fmt: skip
            assert text in popup, (text, popup)
        assert f"Kind\t{row.kind}\n" in popup
        assert f"Launched from\t{row.origin_text}" in popup
        assert "@notes" not in popup  # columns not shown stay out
        assert f"Incidents: {row.kind}" in control
        assert row.kind in legend
    assert sorted(seen["zones"]) == sorted(
        f"{z.name}\nclaimants: {z.claimants}" for z in zones.itertuples()
    )
    assert sorted(seen["rings"]) == sorted(f"50 km from {t}" for t in classified["origin_text"])
    # Boundary lines are named with the zones' hostile ids and claimants, as text.
    assert seen["lines"]
    assert any(c in line for c in zones["claimants"] for line in seen["lines"])


@pytest.mark.browser
def test_hostile_text_stays_text_online(hostile, tmp_path):
    classified, zones = hostile
    m = incident_map(classified, zones, range_rings_km=[50])
    out = save_map(m, tmp_path / "hostile.html")
    with open_page(out) as (page, log):
        _check_page(page, log, classified, zones)
        # Leaflet came from its CDN address (answered locally), integrity-checked.
        assert [u for u in log.local if u.endswith("leaflet.js")] == [
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
        ]
        assert log.aborted == []


@pytest.mark.browser
def test_hostile_text_stays_text_offline(hostile, tmp_path):
    classified, zones = hostile
    m = incident_map(classified, zones, range_rings_km=[50], tiles=None)
    out = save_map(m, tmp_path / "hostile-offline.html", offline=True)
    with open_offline(out) as (page, log):
        _check_page(page, log, classified, zones)
        assert log.aborted == []


@pytest.mark.browser
def test_hostile_type_column_through_the_cli(cli, tmp_path):
    # `kind` read from a `type` column, as the loader does for user files.
    payload = '<img src=x onerror="window.__pwned=1">"><svg onload=alert(1)>'
    csv = tmp_path / "hostile.csv"
    pd.DataFrame(
        {"lat": [30.5, 31.0], "lon": [127.5, 128.0], "type": [payload, "{{ 7*7 }}"],
         "title": [payload, "t"], "description": [payload, "d"], "source": ["javascript:x", "s"]}
    ).to_csv(csv, index=False)  # fmt: skip
    out = tmp_path / "hostile.html"
    result = cli("map", str(csv), "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    with open_page(out) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        page.locator(".leaflet-control-layers").hover()
        control = page.locator(".leaflet-control-layers-overlays").inner_text()
        assert f"Incidents: {payload}" in control
        assert "Incidents: {{ 7*7 }}" in control
        page.locator("#fp-legend summary").click()  # the legend opens collapsed
        assert payload in page.locator("#fp-legend").inner_text()
        page.wait_for_timeout(500)
        assert page.evaluate(_RAN)["pwned"] is None
        assert page.evaluate(_RAN)["handlers"] == 0
        assert log.dialogs == []
        assert log.page_errors == []


@pytest.mark.browser
def test_tampered_cdn_asset_is_refused(square_zones, points_frame, tmp_path):
    """The integrity check is enforced: a changed leaflet.js from the CDN never runs."""
    m = incident_map(classify(points_frame, square_zones), square_zones, tiles=None)
    out = save_map(m, tmp_path / "m.html")
    url = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    tampered = tmp_path / "leaflet.js"
    original = (NODE_MODULES / "leaflet" / "dist" / "leaflet.js").read_bytes()
    tampered.write_bytes(original + b"\nwindow.__tampered = 1;\n")
    with open_page(out, extra={url: tampered}) as (page, log):
        page.wait_for_timeout(1_000)
        assert page.evaluate("typeof window.L") == "undefined"
        assert page.evaluate("window.__tampered === undefined")
        assert any("integrity" in e and url in e for e in log.console_errors), log.console_errors
    # The same page with the real file draws.
    with open_page(out) as (page, log):
        page.wait_for_function(READY, timeout=15_000)
        assert log.console_errors == []


# A 30 MB description: the page holds its first MAP_TEXT_MAX_CHARS characters, the frame
# all of them, and drawing needs far less than the 3.8 GB it took before cells were cut.
_BIG_CELL_API = textwrap.dedent(
    """
    import json, sys
    def peak_mb():  # VmHWM: this process's own peak (ru_maxrss starts at pytest's size)
        with open("/proc/self/status") as status:
            return int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024
    import geopandas as gpd, shapely
    from geo import classify, incident_map
    from geo.maps import save_map
    land = shapely.box(1, 4, 3, 6)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a-land", "a-eez"], "name": ["A land", "A EEZ"], "kind": ["land", "eez"],
         "claimants": ["AAA", "AAA"], "sovereign": ["AAA", "AAA"], "source": ["t", "t"]},
        geometry=[land, land.buffer(1.0, join_style="mitre").difference(land)], crs=4326)
    zones.attrs["coverage"] = shapely.box(0, 0, 10, 10)
    n = int(sys.argv[2])
    pts = gpd.GeoDataFrame({"title": ["big"], "description": ["x" * n]},
                           geometry=[shapely.Point(0.5, 5)], crs=4326)
    classified = classify(pts, zones)
    out = save_map(incident_map(classified, zones, tiles=None), sys.argv[1])
    print(json.dumps({"peak_mb": peak_mb(), "kept": len(classified["description"].iloc[0])}))
    """
)

_BIG_CELL_CLI = textwrap.dedent(
    """
    import json, sys
    def peak_mb():  # VmHWM: this process's own peak (ru_maxrss starts at pytest's size)
        with open("/proc/self/status") as status:
            return int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) / 1024
    from geo.cli import main
    status = main(sys.argv[1:])
    print(json.dumps({"status": status,
                      "peak_mb": peak_mb()}))
    """
)


def _page_description(html: str) -> list[str]:
    table = incident_table(html)
    return table_text(table["description"], table["n"])


def _run(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_30mb_description_draws_a_small_map_in_bounded_memory(tmp_path):
    out = tmp_path / "big.html"
    got = _run(_BIG_CELL_API, str(out), str(30_000_000))
    print(f"API, 30 MB description: peak {got['peak_mb']:.0f} MB, page {out.stat().st_size} B")
    assert got["kept"] == 30_000_000  # the classified frame keeps the whole text
    assert out.stat().st_size < 200_000
    assert _page_description(out.read_text()) == ["x" * 2000 + TRUNCATED]
    assert got["peak_mb"] < 1000


def test_a_30mb_description_through_the_cli(tmp_path):
    csv, out = tmp_path / "big.csv", tmp_path / "big.html"
    csv.write_text(f'lat,lon,kind,title,description\n30.5,127.5,buoy,big,"{"x" * 30_000_000}"\n')
    got = _run(_BIG_CELL_CLI, "map", str(csv), "-o", str(out), "--no-progress")
    print(f"CLI, 30 MB description: peak {got['peak_mb']:.0f} MB, page {out.stat().st_size} B")
    assert got["status"] == 0
    assert out.stat().st_size < 5_000_000  # the bundled zones are most of it
    assert _page_description(out.read_text()) == ["x" * 2000 + TRUNCATED]
    assert got["peak_mb"] < 1000

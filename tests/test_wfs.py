"""The Marine Regions WFS client against a real HTTP server on 127.0.0.1."""

import codecs
import http.server
import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from geo import load_zones
from geo.errors import DataSourceError, InputError
from geo.zones.wfs import fetch_marineregions
from tests.support import PEAK_PROBE_PRELUDE

FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"mrgid": 8487, "geoname": "Japanese Exclusive Economic Zone",
                           "pol_type": "200NM", "iso_sov1": "JPN", "iso_sov2": None},
            "geometry": {"type": "Polygon",
                         "coordinates": [[[130, 30], [135, 30], [135, 35], [130, 35], [130, 30]]]},
        }
    ],
}  # fmt: skip
BODY = json.dumps(FEATURES).encode()
COUNTED = {**FEATURES, "totalFeatures": 1, "numberMatched": 1, "numberReturned": 1}


def _with(**members):
    return json.dumps({**FEATURES, **members}).encode()


#: Bodies served with status 200 by path (the default is BODY).
BODIES = {
    "notgeojson": b'{"error": "no"}',
    "oops": b'{"features": "oops"}',
    "notlist": _with(features="oops"),
    "nofeatures": json.dumps({"type": "FeatureCollection"}).encode(),
    "counted": json.dumps(COUNTED).encode(),
    "unknowncount": _with(totalFeatures="unknown", numberMatched="unknown"),
    "totalwrong": _with(totalFeatures=2),
    "matchedwrong": {**COUNTED, "numberMatched": 5000},
    "returnedwrong": {**COUNTED, "numberReturned": 0},
    "notfeature": _with(features=[{"type": "Polygon", "coordinates": []}]),
    "badgeometry": _with(features=[{"type": "Feature", "geometry": "x", "properties": {}}]),
    "noproperties": _with(features=[{"type": "Feature", "geometry": None}]),
    "nullgeometry": _with(features=[{"type": "Feature", "geometry": None, "properties": {}}]),
    "twolists": BODY[:-1] + b', "features": []}',
    "trailing": BODY + b" []",
    "deep": BODY.replace(b"[[[130", b"[" * 100_000 + b"[[[130").replace(
        b"30]]]", b"30]]]" + b"]" * 100_000
    ),
    "html": b"<html><body>Service unavailable</body></html>",
    "utf8bom": codecs.BOM_UTF8 + BODY,
    "utf16": json.dumps(FEATURES, ensure_ascii=False).encode("utf-16"),
    "utf16be": codecs.BOM_UTF16_BE + json.dumps(FEATURES).encode("utf-16-be"),
    "utf32": json.dumps(FEATURES).encode("utf-32"),
    "utf16nobom": json.dumps(FEATURES).encode("utf-16-le"),
    "latin1": BODY.replace(b"Japanese", "Jap\u00e9nese".encode("latin-1")),
}
BODIES = {k: v if isinstance(v, bytes) else json.dumps(v).encode() for k, v in BODIES.items()}


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        mode = self.path.split("?")[0].strip("/")
        n = self.hits[mode] = self.hits.get(mode, 0) + 1
        self.server.queries.append(self.path)
        if mode.startswith("redirect-"):  # to the same path on another port
            port, rest = mode.removeprefix("redirect-").split("-", 1)
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/{rest}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "error500" or (mode == "flaky" and n == 1):
            self.send_response(500)
            self.end_headers()
            return
        if mode == "notfound":
            self.send_response(404)
            self.end_headers()
            return
        if mode.startswith("bigcollection-"):
            self._big_collection(int(mode.removeprefix("bigcollection-")))
            return
        body = BODIES.get(mode, BODY)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        length = len(body) + (500 if mode == "truncated" else 0)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if mode == "truncated":
            self.close_connection = True

    def _big_collection(self, n):
        """Stream a valid FeatureCollection of ``n`` features, ended by closing the connection."""
        feature = json.dumps(FEATURES["features"][0]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"type": "FeatureCollection", "features": [')
        batch = b",".join([feature] * 1000)
        for i in range(n // 1000):  # n is a multiple of 1000
            self.wfile.write((b"," if i else b"") + batch)
        self.wfile.write(b'], "totalFeatures": %d}' % n)


@pytest.fixture
def server():
    _Handler.hits = {}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.queries = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def _files(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_download_is_cached_with_metadata(server, tmp_path):
    srv, base = server
    path = fetch_marineregions(
        "eez", bbox=(120, 20, 150, 45), cache_dir=tmp_path, base_url=f"{base}/ok"
    )
    assert path.exists()
    meta = json.loads(path.with_suffix(".meta.json").read_text())
    assert meta["layer"] == "eez"
    assert meta["features"] == 1
    assert meta["bytes"] == len(BODY)
    assert "typeName=MarineRegions%3Aeez" in srv.queries[0]
    assert "bbox=120%2C20%2C150%2C45%2CEPSG%3A4326" in srv.queries[0]
    # Served from the cache the second time: no new request.
    again = fetch_marineregions(
        "eez", bbox=(120, 20, 150, 45), cache_dir=tmp_path, base_url=f"{base}/ok"
    )
    assert again == path
    assert len(srv.queries) == 1
    zones = load_zones(path)
    assert zones.set_index("zone_id").loc["mr-8487", "claimants"] == "JPN"


@pytest.mark.parametrize(
    ("mode", "message", "requests"),
    [
        ("truncated", "broke off", 2),
        ("error500", "HTTP 500", 2),
        ("notfound", "HTTP 404", 1),
        ("notgeojson", "not a GeoJSON FeatureCollection", 1),
        ("oops", "the answer's features is not a list", 1),
        ("notlist", "the answer's features is not a list", 1),
        ("nofeatures", "the answer has no features list", 1),
        ("twolists", "the answer has two features lists", 1),
        ("totalwrong", "the server says totalFeatures=2 but sent 1 features", 1),
        ("matchedwrong", "the server says numberMatched=5000 but sent 1 features", 1),
        ("returnedwrong", "the server says numberReturned=0 but sent 1 features", 1),
        ("notfeature", "feature 1 of the answer is not a GeoJSON Feature", 1),
        ("badgeometry", "feature 1 of the answer has no geometry", 1),
        ("noproperties", "feature 1 of the answer has no properties", 1),
        ("trailing", "not JSON", 2),
        ("deep", "nests too deeply", 1),
        ("html", "not JSON", 2),
        ("utf16nobom", "UTF-16 or UTF-32 text without a byte-order mark", 1),
        ("latin1", "not utf-8 text", 1),
    ],
)
def test_failures_leave_no_file(server, tmp_path, mode, message, requests):
    srv, base = server
    with pytest.raises(DataSourceError, match=message):
        fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/{mode}", attempts=2)
    assert len(srv.queries) == requests
    assert _files(tmp_path) == []


def test_retry_after_server_error(server, tmp_path):
    srv, base = server
    path = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/flaky", attempts=3)
    assert path.exists()
    assert len(srv.queries) == 2


def test_offline_is_one_clear_line(cli, tmp_path):
    # A port nothing listens on: connection refused, as when offline.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = cli("zones", "fetch", "--layer", "eez", "--cache-dir", str(tmp_path),
                 "--url", f"http://127.0.0.1:{port}/wfs")  # fmt: skip
    assert result.returncode == 2
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flashpoints:")
    assert "cannot reach" in lines[0]
    assert "offline" in lines[0]
    assert "Traceback" not in result.stderr
    assert _files(tmp_path) == []


def test_cli_fetch_prints_path(server, cli, tmp_path):
    _, base = server
    result = cli("zones", "fetch", "--layer", "eez_12nm", "--bbox", "120", "20", "150", "45",
                 "--cache-dir", str(tmp_path), "--url", f"{base}/ok")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(".geojson")


@pytest.mark.parametrize("mode", ["counted", "unknowncount", "nullgeometry"])
def test_valid_collections_are_kept(server, tmp_path, mode):
    _, base = server
    path = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/{mode}")
    assert json.loads(path.read_bytes()) == json.loads(BODIES[mode])
    assert json.loads(path.with_suffix(".meta.json").read_text())["features"] == 1


@pytest.mark.parametrize("mode", ["utf8bom", "utf16", "utf16be", "utf32"])
def test_bodies_with_a_byte_order_mark_are_cached_as_utf8(server, tmp_path, mode):
    _, base = server
    path = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/{mode}")
    assert json.loads(path.read_bytes().decode("utf-8")) == FEATURES  # no BOM left
    meta = json.loads(path.with_suffix(".meta.json").read_text())
    assert meta["bytes"] == path.stat().st_size
    zones = load_zones(path)
    assert zones.set_index("zone_id").loc["mr-8487", "claimants"] == "JPN"
    assert _files(tmp_path) == sorted([path.name, path.with_suffix(".meta.json").name])


def test_utf16_body_through_the_cli(server, cli, tmp_path):
    _, base = server
    result = cli("zones", "fetch", "--layer", "eez", "--cache-dir", str(tmp_path),
                 "--url", f"{base}/utf16")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(Path(result.stdout.strip()).read_text(encoding="utf-8")) == FEATURES


def test_invalid_answer_is_one_clear_line(server, cli, tmp_path):
    _, base = server
    result = cli("zones", "fetch", "--layer", "eez", "--cache-dir", str(tmp_path),
                 "--url", f"{base}/notlist")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "flashpoints: Marine Regions layer 'eez': the answer's features is not a list"
    ]
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    "bad",
    [b'{"features": "oops"}', BODY[:-40], b"", json.dumps({**FEATURES, "features": 3}).encode()],
)
def test_invalid_cached_file_is_downloaded_again(server, tmp_path, caplog, bad):
    srv, base = server
    path = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok")
    path.write_bytes(bad)
    again = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok")
    assert again == path
    assert len(srv.queries) == 2
    assert json.loads(path.read_bytes()) == FEATURES
    assert "is unusable" in caplog.text
    # Now vouched for by its metadata record again: served without a request.
    fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok")
    assert len(srv.queries) == 2


def test_cached_file_of_an_older_version_is_checked_once(server, tmp_path):
    srv, base = server
    path = fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok")
    meta_path = path.with_suffix(".meta.json")
    meta = json.loads(meta_path.read_text())
    del meta["checked"]  # as written before the cached files were checked
    meta_path.write_text(json.dumps(meta))
    assert fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok") == path
    assert len(srv.queries) == 1  # valid: served, not downloaded again
    assert "checked" in json.loads(meta_path.read_text())


@pytest.fixture
def other_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.queries = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def test_redirect_to_a_failing_host_names_that_host(server, other_server, cli, tmp_path):
    _, base = server
    _, port = other_server
    result = cli("zones", "fetch", "--layer", "eez", "--cache-dir", str(tmp_path),
                 "--url", f"{base}/redirect-{port}-error500")  # fmt: skip
    assert result.returncode == 2
    first = base.removeprefix("http://")
    assert result.stderr.strip().splitlines() == [
        f"flashpoints: Marine Regions layer 'eez': HTTP 500 from 127.0.0.1:{port} "
        f"(redirected from {first})"
    ]


def test_deadline_and_size_limit_per_call(server, tmp_path):
    _, base = server
    with pytest.raises(DataSourceError, match="over the limit of 100 bytes"):
        fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok", max_bytes=100)
    with pytest.raises(InputError, match="download deadline_s must be a positive number"):
        fetch_marineregions("eez", cache_dir=tmp_path, base_url=f"{base}/ok", deadline_s=-1)
    assert _files(tmp_path) == []


#: Fetches a large layer in a fresh interpreter; prints the resident size before
#: and the peak during the fetch (MiB), the feature count and the file size (see
#: the memory probe of tests/test_download.py for why VmHWM and not ru_maxrss).
MEMORY_PROBE = (
    "import json, sys\nfrom geo.zones.wfs import fetch_marineregions\n"
    + PEAK_PROBE_PRELUDE
    + textwrap.dedent(
        """
    path = fetch_marineregions("eez", cache_dir=sys.argv[2], base_url=sys.argv[1], attempts=1)
    peak = mib("VmHWM:")
    meta = json.loads(path.with_suffix(".meta.json").read_text())
    print(before, peak, meta["features"], path.stat().st_size)
    """
    )
)


def test_a_large_layer_is_checked_in_flat_memory(server, tmp_path):
    _, base = server
    n = 200_000  # about 60 MB of GeoJSON
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, f"{base}/bigcollection-{n}", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    before, peak, features, size = out.stdout.split()
    assert int(features) == n
    assert int(size) > 50_000_000
    added = float(peak) - float(before)
    # Parsing the body whole would take several times its size.
    assert added < 40, out.stdout
    print(f"{int(size) / 1e6:.0f} MB layer: +{added:.1f} MiB")

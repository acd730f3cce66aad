"""The Marine Regions WFS client against a real HTTP server on 127.0.0.1."""

import http.server
import json
import threading
from typing import ClassVar

import pytest

from geo import load_zones
from geo.errors import DataSourceError
from geo.zones.wfs import fetch_marineregions

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


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        mode = self.path.split("?")[0].strip("/")
        n = self.hits[mode] = self.hits.get(mode, 0) + 1
        self.server.queries.append(self.path)
        if mode == "error500" or (mode == "flaky" and n == 1):
            self.send_response(500)
            self.end_headers()
            return
        if mode == "notfound":
            self.send_response(404)
            self.end_headers()
            return
        body = b'{"error": "no"}' if mode == "notgeojson" else BODY
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        length = len(body) + (500 if mode == "truncated" else 0)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if mode == "truncated":
            self.close_connection = True


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

"""geo.io.download against real HTTP servers on 127.0.0.1: deadline, size limit, streaming,
redirects, interrupted downloads.

Each server mode is a path: ``/trickle`` (one byte of body every 0.2 s for as long as the
client listens), ``/slowheaders`` (the same, in the headers), ``/stall`` (half the body,
then silence), ``/big?size=N&framing=length|chunked|close`` (N bytes, with a
Content-Length, chunked, or ended by closing the connection), ``/error500``,
``/redirect?to=URL``.
"""

from __future__ import annotations

import contextlib
import http.server
import math
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from geo import settings
from geo.errors import DataSourceError, InputError
from geo.io import BadDownload, download
from tests.support import PEAK_PROBE_PRELUDE

TRICKLE_PAUSE_S = 0.2
BLOCK = bytes(range(256)) * 4096  # 1 MiB of a known pattern


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        self.server.queries.append(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        getattr(self, "_" + url.path.strip("/"))(query)

    def _error500(self, query):
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect(self, query):
        self.send_response(302)
        self.send_header("Location", query["to"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _trickle(self, query):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up: what the test wants
            for _ in range(100000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(TRICKLE_PAUSE_S)

    def _slowheaders(self, query):
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        with contextlib.suppress(OSError):
            for _ in range(100000):
                self.wfile.write(b"X-Slow: x\r\n"[_ % 11 : _ % 11 + 1])
                self.wfile.flush()
                time.sleep(TRICKLE_PAUSE_S)

    def _stall(self, query):
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.write(b"12345")
        self.wfile.flush()
        time.sleep(3)

    def _big(self, query):
        size, framing = int(query["size"]), query.get("framing", "length")
        if framing == "chunked":
            self.protocol_version = "HTTP/1.1"
        self.send_response(200)
        if framing == "length":
            self.send_header("Content-Length", str(size))
        if framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may refuse the rest
            self._send_pattern(size, chunked=framing == "chunked")
        self.close_connection = True

    def _send_pattern(self, size, *, chunked):
        sent = 0
        while sent < size:
            piece = BLOCK[: min(len(BLOCK), size - sent)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


def _start():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.queries = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


@pytest.fixture
def server():
    srv, base = _start()
    yield srv, base
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def other_server():
    """A second server on another port: the host a redirect leads to."""
    srv, base = _start()
    yield srv, base
    srv.shutdown()
    srv.server_close()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def _pattern(size: int) -> bytes:
    return (BLOCK * (size // len(BLOCK) + 1))[:size]


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_body_is_streamed_into_the_target(server, tmp_path, framing):
    _, base = server
    target = tmp_path / "sub" / "body.bin"
    seen = []

    def check(path):
        seen.append((path.parent == target.parent, path != target, path.read_bytes()))

    got = download(f"{base}/big?size=3000000&framing={framing}", target, check=check)
    assert got == target
    assert target.read_bytes() == _pattern(3_000_000)
    # The check saw the whole body in a temporary file beside the target.
    assert seen == [(True, True, _pattern(3_000_000))]
    assert _files(tmp_path) == ["body.bin"]


def test_trickling_server_hits_the_deadline(server, tmp_path):
    srv, base = server
    target = tmp_path / "slow.bin"
    started = time.monotonic()
    with pytest.raises(DataSourceError, match=r"took longer than 2 s in all") as info:
        download(f"{base}/trickle", target, deadline_s=2, timeout_s=30, attempts=3)
    elapsed = time.monotonic() - started
    # Per read, the server is never silent for long: only the total deadline stops it.
    assert 2.0 <= elapsed < 2.0 + 1.0, elapsed
    assert "DOWNLOAD_DEADLINE_S" in str(info.value)
    assert f"127.0.0.1:{srv.server_address[1]}" in str(info.value)
    assert len(srv.queries) == 1  # a deadline is not retried: it would be as slow again
    assert _files(tmp_path) == []


def test_trickled_headers_hit_the_deadline_too(server, tmp_path):
    srv, base = server
    started = time.monotonic()
    with pytest.raises(DataSourceError, match=r"took longer than 1\.5 s in all"):
        download(f"{base}/slowheaders", tmp_path / "x.bin", deadline_s=1.5, timeout_s=30)
    assert 1.5 <= time.monotonic() - started < 1.5 + 1.0
    assert len(srv.queries) == 1
    assert _files(tmp_path) == []


def test_a_silent_server_stalls_and_is_retried(server, tmp_path):
    srv, base = server
    with pytest.raises(DataSourceError, match=r"stalled \(nothing for 0\.5 s\)"):
        download(f"{base}/stall", tmp_path / "x.bin", timeout_s=0.5, attempts=2)
    assert len(srv.queries) == 2
    assert _files(tmp_path) == []


def test_existing_target_is_kept_when_a_download_fails(server, tmp_path):
    _, base = server
    target = tmp_path / "kept.bin"
    target.write_bytes(b"the old copy")
    with pytest.raises(DataSourceError, match="took longer"):
        download(f"{base}/trickle", target, deadline_s=0.5, attempts=1)
    assert target.read_bytes() == b"the old copy"
    assert _files(tmp_path) == ["kept.bin"]


def test_oversize_is_refused_from_content_length(server, tmp_path):
    srv, base = server
    started = time.monotonic()
    with pytest.raises(DataSourceError, match=r"says it is 50\.0 MB, over the limit of 1\.0 MB"):
        download(f"{base}/big?size=50000000", tmp_path / "big.bin", max_bytes=1_000_000)
    assert time.monotonic() - started < 2.0  # refused before the body is read
    assert len(srv.queries) == 1  # not retried
    assert _files(tmp_path) == []


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_oversize_is_refused_while_streaming(server, tmp_path, framing):
    srv, base = server
    with pytest.raises(DataSourceError, match=r"sent more, over the limit of 1\.0 MB") as info:
        download(f"{base}/big?size=5000000&framing={framing}", tmp_path / "big.bin",
                 max_bytes=1_000_000)  # fmt: skip
    assert "DOWNLOAD_MAX_BYTES" in str(info.value)
    assert len(srv.queries) == 1
    assert _files(tmp_path) == []


def test_a_body_of_exactly_the_limit_is_kept(server, tmp_path):
    _, base = server
    for framing in ("length", "chunked"):
        target = tmp_path / f"{framing}.bin"
        download(f"{base}/big?size=1000000&framing={framing}", target, max_bytes=1_000_000)
        assert target.stat().st_size == 1_000_000


def test_default_limits_come_from_settings(server, tmp_path, monkeypatch):
    _, base = server
    monkeypatch.setattr(settings, "DOWNLOAD_MAX_BYTES", 10_000)
    with pytest.raises(DataSourceError, match=r"over the limit of 10,000 bytes"):
        download(f"{base}/big?size=20000", tmp_path / "x.bin")
    monkeypatch.setattr(settings, "DOWNLOAD_MAX_BYTES", 10**9)
    monkeypatch.setattr(settings, "DOWNLOAD_DEADLINE_S", 0.6)
    with pytest.raises(DataSourceError, match=r"took longer than 0\.6 s"):
        download(f"{base}/trickle", tmp_path / "x.bin", attempts=1)


@pytest.mark.parametrize(
    ("option", "value"),
    [("deadline_s", 0), ("deadline_s", math.inf), ("max_bytes", -1), ("timeout_s", math.nan)],
)
def test_limits_must_be_positive(tmp_path, option, value):
    with pytest.raises(InputError, match=f"download {option} must be a positive number"):
        download("http://127.0.0.1:9/x", tmp_path / "x.bin", **{option: value})


def test_redirect_error_names_the_host_that_answered(server, other_server, tmp_path):
    _, first = server
    final_srv, final = other_server
    first_host, final_host = first.removeprefix("http://"), final.removeprefix("http://")
    url = f"{first}/redirect?to={urllib.parse.quote(final + '/error500')}"
    with pytest.raises(DataSourceError) as info:
        download(url, tmp_path / "x.bin", attempts=1, what="layer")
    assert str(info.value) == f"layer: HTTP 500 from {final_host} (redirected from {first_host})"
    assert final_srv.queries == ["/error500"]


def test_redirect_to_an_unreachable_host_names_it(server, tmp_path):
    _, first = server
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    url = f"{first}/redirect?to={urllib.parse.quote(f'http://{dead}/wfs')}"
    with pytest.raises(DataSourceError, match=f"cannot reach {dead} \\(.*redirected from"):
        download(url, tmp_path / "x.bin", attempts=1)


def test_a_rejected_body_leaves_nothing(server, tmp_path):
    srv, base = server

    def check(path):
        raise BadDownload("not wanted", retry=False)

    with pytest.raises(DataSourceError, match="x: not wanted"):
        download(f"{base}/big?size=1000", tmp_path / "x.bin", check=check, what="x")
    assert len(srv.queries) == 1
    assert _files(tmp_path) == []


#: Run by the memory test in a fresh interpreter (Linux). It prints the body's size,
#: the resident size before the download and the peak resident size during it, in
#: MiB. The peak is the kernel's VmHWM, restarted before the download; not
#: getrusage's ru_maxrss, which in a child of a large process (pytest) starts at
#: the parent's resident size, as Linux carries it over at exec.
MEMORY_PROBE = (
    "import sys\nfrom geo.io import download\n"
    + PEAK_PROBE_PRELUDE
    + textwrap.dedent(
        """
    path = download(sys.argv[1], sys.argv[2], max_bytes=10**9, attempts=1)
    peak = mib("VmHWM:")
    print(path.stat().st_size, before, peak)
    """
    )
)


def test_a_large_download_keeps_memory_flat(server, tmp_path):
    _, base = server
    size = 100_000_000
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, f"{base}/big?size={size}&framing=chunked",
         str(tmp_path / "big.bin")],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    written, before_mib, peak_mib = out.stdout.split()
    assert int(written) == size
    # Holding the body would add at least its 95 MiB; streaming adds a chunk or two.
    added = float(peak_mib) - float(before_mib)
    assert added < 40, out.stdout
    print(f"100 MB download: resident {float(before_mib):.0f} MiB before, peak "
          f"{float(peak_mib):.0f} MiB (+{added:.1f})")  # fmt: skip


#: ``flashpoints`` as its console script runs it, with Python's own Ctrl-C handler
#: even when the test runner was started with SIGINT ignored.
CLI = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from geo.cli import main; sys.exit(main())"
)


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_fetch_leaves_no_temporary_file(server, tmp_path, signum, status):
    _, base = server
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "zones", "fetch", "--layer", "eez",
         "--cache-dir", str(cache), "--url", f"{base}/trickle"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _files(cache) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        partial = _files(cache)
        assert len(partial) == 1, partial  # mid-download: the temporary file
        assert partial[0].startswith(".")
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == status, stderr
    assert "Traceback" not in stderr
    assert _files(cache) == []

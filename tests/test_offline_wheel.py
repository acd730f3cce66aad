"""Offline maps straight from the wheel: the vendored assets in geo/maps/vendor.

The map assets of geo/assets.py ship inside the package (geo/maps/vendor, rebuilt
by ``make vendor``), so an installed package writes a self-contained map with no
npm, no network and no cache. These tests check the vendored copies against the
pinned hashes and against npm's, and build the real wheel, write an offline map
from it in a clean folder and open that map in headless Chromium with every
request blocked.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo.assets import ASSETS, sri_hash
from geo.errors import DataSourceError
from geo.maps.offline import asset_bytes, inline_assets
from geo.maps.vendor.rebuild import vendor_assets
from tests.browser_support import open_offline

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "geo" / "maps" / "vendor"
NODE_MODULES = ROOT / "node_modules"
#: First-party files in the vendor folder (everything else is a package's file).
OWN_FILES = {"README.md", "rebuild.py"}
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"


def _vendored_names() -> set[str]:
    """Every file the vendor folder should hold, relative to it."""
    names = set()
    for asset in ASSETS.values():
        names.update(f"{asset.package}/{name}" for name in asset.files())
        names.add(f"{asset.package}/{asset.license_file}")
    return names


def _css_refs(css: str) -> set[str]:
    """Relative files a stylesheet refers to with url() (not data: URLs, not #fragments)."""
    refs = {ref.strip("'\" ") for ref in re.findall(r"url\(([^)]+)\)", css)}
    return {ref for ref in refs if not ref.startswith(("data:", "#"))}


# -- (a) the vendored copies are the pinned files --------------------------------------


@pytest.mark.parametrize("package", sorted(ASSETS))
def test_every_asset_file_is_vendored_with_its_pinned_hash(package):
    asset = ASSETS[package]
    assert set(asset.integrity) == set(asset.files())
    for name in asset.files():
        path = VENDOR / asset.package / name
        assert path.is_file(), f"{path} is missing: run `make vendor`"
        assert sri_hash(path.read_bytes()) == asset.integrity[name], name
    assert (VENDOR / asset.package / asset.license_file).is_file()


@pytest.mark.parametrize("package", sorted(ASSETS))
def test_images_are_exactly_what_the_stylesheets_refer_to(package):
    asset = ASSETS[package]
    referred = set()
    for name in asset.css:
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        css = (VENDOR / asset.package / name).read_text(encoding="utf-8")
        referred.update(posixpath.normpath(folder + ref) for ref in _css_refs(css))
    assert referred == set(asset.images)


def test_vendor_folder_holds_the_assets_their_licences_and_nothing_else():
    found = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert found == _vendored_names() | OWN_FILES


def test_vendor_readme_names_every_file_package_and_version():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for name in _vendored_names():
        assert f"`{name}`" in readme, name
        assert f"{(VENDOR / name).stat().st_size:,}" in readme, name
    for asset in ASSETS.values():
        assert f"`{asset.package}@{asset.version}`" in readme
    assert "make vendor" in readme


# -- (b) the vendored copies are npm's -------------------------------------------------


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="no node_modules (run `npm ci`)")
def test_vendored_copies_equal_the_npm_files():
    for name in sorted(_vendored_names()):
        assert (VENDOR / name).read_bytes() == (NODE_MODULES / name).read_bytes(), name


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="no node_modules (run `npm ci`)")
def test_rebuild_writes_the_vendor_folder_as_committed(tmp_path):
    target = tmp_path / "vendor"
    (target / "stale-package").mkdir(parents=True)
    (target / "stale-package" / "old.js").write_text("old")
    written = vendor_assets(NODE_MODULES, target)
    assert {p.relative_to(target).as_posix() for p in written} == _vendored_names()
    assert not (target / "stale-package").exists()
    for name in _vendored_names():
        assert (target / name).read_bytes() == (VENDOR / name).read_bytes(), name


def test_rebuild_refuses_a_package_at_another_version(tmp_path):
    fake = tmp_path / "node_modules" / "leaflet"
    fake.mkdir(parents=True)
    (fake / "package.json").write_text('{"version": "1.9.4"}')
    target = tmp_path / "vendor"
    target.mkdir()
    with pytest.raises(DataSourceError, match=r"version 1\.9\.4, geo/assets\.py pins 1\.9\.3"):
        vendor_assets(tmp_path / "node_modules", target)
    assert list(target.iterdir()) == []


# -- the offline writer looks in the vendor folder first -------------------------------


@pytest.fixture
def no_npm_no_cache(monkeypatch, tmp_path):
    """No node_modules and an empty cache: only the vendor folder can answer."""
    monkeypatch.delenv("FLASHPOINTS_VENDOR_DIR", raising=False)
    monkeypatch.setenv("FLASHPOINTS_NODE_MODULES", str(tmp_path / "empty-node-modules"))
    monkeypatch.setenv("FLASHPOINTS_CACHE_DIR", str(tmp_path / "empty-cache"))


def test_assets_come_from_the_vendor_folder(no_npm_no_cache):
    for asset in ASSETS.values():
        for name in asset.files():
            assert (
                asset_bytes(asset.cdn_prefix + name) == (VENDOR / asset.package / name).read_bytes()
            )


def test_vendor_folder_comes_before_node_modules(monkeypatch, tmp_path):
    broken = tmp_path / "node_modules"
    (broken / "leaflet" / "dist").mkdir(parents=True)
    (broken / "leaflet" / "dist" / "leaflet.js").write_text("not leaflet")
    monkeypatch.delenv("FLASHPOINTS_VENDOR_DIR", raising=False)
    monkeypatch.setenv("FLASHPOINTS_NODE_MODULES", str(broken))
    assert asset_bytes(LEAFLET_JS) == (VENDOR / "leaflet" / "dist" / "leaflet.js").read_bytes()


def test_a_tampered_vendored_copy_is_refused(monkeypatch, tmp_path):
    copy = tmp_path / "vendor"
    shutil.copytree(VENDOR / "leaflet", copy / "leaflet")
    with (copy / "leaflet" / "dist" / "leaflet.js").open("a") as f:
        f.write("\nwindow.__tampered = 1;\n")
    monkeypatch.setenv("FLASHPOINTS_VENDOR_DIR", str(copy))
    page = f'<script src="{LEAFLET_JS}"></script>'
    with pytest.raises(DataSourceError, match=r"leaflet\.js is not the file pinned .*make vendor"):
        inline_assets(page)


# -- (c) the wheel alone writes a working offline map ----------------------------------

# Run with the unpacked wheel first on sys.path (PYTHONPATH), so that `geo` is the
# wheel's, and this interpreter's site-packages for the dependencies.
_WRITE_MAP = """
import sys
import geo, geo.cli, geo.maps.offline
for module in (geo, geo.maps.offline):
    assert module.__file__.startswith(sys.argv[1]), module.__file__
sys.exit(geo.cli.main(["map", "--offline", "-o", sys.argv[2], "--no-progress"]))
"""

_MAP_STATE = """() => {
    const map = Object.values(window).find(v => typeof L !== "undefined" && v instanceof L.Map);
    let layers = 0;
    if (map) map.eachLayer(() => layers++);
    return {
        leaflet: typeof L === "undefined" ? null : L.version,
        map: Boolean(map),
        layers: layers,
        panes: document.querySelectorAll(".leaflet-container .leaflet-pane").length,
        drawn: document.querySelectorAll(
            ".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").length,
        control: document.querySelectorAll(".leaflet-control-layers").length,
    };
}"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the project's wheel with pip, as `pip install .` would."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("flashpoints-*.whl")
    return built


def test_wheel_ships_the_vendored_assets_and_not_the_rebuild_script(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for asset in ASSETS.values():
            for name in asset.files():
                data = z.read(f"geo/maps/vendor/{asset.package}/{name}")
                assert sri_hash(data) == asset.integrity[name], name
    shipped = {
        n.removeprefix("geo/maps/vendor/") for n in names if n.startswith("geo/maps/vendor/")
    }
    assert shipped == _vendored_names() | {"README.md"}


@pytest.mark.browser
def test_offline_map_from_the_wheel_alone_renders_with_the_network_blocked(wheel, tmp_path):
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(unpacked)
    work = tmp_path / "work"  # no node_modules here or beside the package
    work.mkdir()
    out = work / "offline.html"
    env = {k: v for k, v in os.environ.items() if k != "FLASHPOINTS_VENDOR_DIR"}
    env |= {
        "PYTHONPATH": str(unpacked),
        "FLASHPOINTS_NODE_MODULES": str(tmp_path / "empty-node-modules"),
        "FLASHPOINTS_CACHE_DIR": str(tmp_path / "empty-cache"),
    }
    (tmp_path / "empty-node-modules").mkdir()
    (tmp_path / "empty-cache").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _WRITE_MAP, str(unpacked), str(out)],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "empty-cache").iterdir()) == []

    page_html = out.read_text(encoding="utf-8")
    assert "<script src=" not in page_html
    assert '<link rel="stylesheet" href=' not in page_html
    assert " * Leaflet 1.9.3, a JS library for interactive maps." in page_html
    assert "data:image/png;base64," in page_html  # the layer-control icon, from leaflet.css

    with open_offline(out) as (page, log):
        page.wait_for_function("typeof L !== 'undefined'", timeout=15_000)
        page.wait_for_function(
            "window.Flashpoints && window.Flashpoints.ready === true", timeout=15_000
        )
        state = page.evaluate(_MAP_STATE)
        assert state["leaflet"] == "1.9.3"
        assert state["map"]
        assert state["layers"] > 0
        assert state["panes"] > 0
        assert state["drawn"] > 0
        assert state["control"] == 1
        assert log.aborted == []
        assert log.page_errors == []
        assert log.console_errors == []

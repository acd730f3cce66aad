"""The house rules of ARCHITECTURE.md, checked on the code itself.

* data flows one way (load -> locate -> classify -> query/render): no import
  circles between the package's modules, counting imports inside functions too;
* no module-level cache keyed by zone frames: what is derived from a zone set
  lives in a ``PreparedZones`` passed in;
* small functions: none over 80 lines in ``geo/`` (the declarative argparse
  table of the command line aside);
* maps and queries consume classified frames and say so when given raw ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import geo
from geo.errors import InputError

PACKAGE = Path(geo.__file__).resolve().parent
MAX_FUNCTION_LINES = 80
#: Declarative tables, not logic (the argparse tree of the command line).
LONG_ALLOWED = {("cli.py", "build_parser")}


def _module_name(path: Path) -> str:
    parts = ["geo", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of the package that ``name`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            target = f"{base}.{node.module}" if node.level and node.module else node.module or base
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_no_import_circles():
    mods = _modules()
    # The package root re-exports the public API: it is the top, not part of the flow.
    graph = {n: _imports(n, p, set(mods)) - {"geo"} for n, p in mods.items() if n != "geo"}
    assert _cycle(graph) is None, f"import circle: {' -> '.join(_cycle(graph) or [])}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_function_is_long():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES and (path.name, node.name) not in LONG_ALLOWED:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.name} ({lines} lines)")
    assert long == []


def test_no_module_level_cache_keyed_by_frames():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign):
                targets = [node.target]
            value = getattr(node, "value", None)
            is_store = isinstance(value, (ast.Dict, ast.Call)) and (
                not isinstance(value, ast.Call)
                or getattr(value.func, "id", getattr(value.func, "attr", ""))
                in ("dict", "OrderedDict", "WeakKeyDictionary", "WeakValueDictionary")
            )
            for t in targets:
                name = getattr(t, "id", "")
                if is_store and name.lstrip("_").upper() in ("STORE", "CACHE"):
                    offenders.append(f"{path.name}:{name}")
    assert offenders == []
    assert not (PACKAGE / "_cache.py").exists()


def test_prepared_parts_are_built_once_and_not_pickled(square_zones):
    import pickle

    prepared = geo.PreparedZones(square_zones)
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(0.5, 5.0)], crs=4326)
    geo.classify(pts, prepared=prepared)
    index = prepared.index
    geo.classify(pts, prepared=prepared)
    assert prepared.index is index  # reused, not rebuilt
    copy = pickle.loads(pickle.dumps(prepared))
    assert "built: nothing" in repr(copy)  # only the zone set travels
    assert geo.classify(pts, prepared=copy)["zone_id"].tolist() == ["aaa-eez"]


def test_zones_and_prepared_must_agree(square_zones, bundled_zones):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(0.5, 5.0)], crs=4326)
    with pytest.raises(InputError, match="different zone sets"):
        geo.classify(pts, bundled_zones, prepared=geo.PreparedZones(square_zones))


def test_maps_refuse_raw_incidents(points_frame, square_zones):
    with pytest.raises(InputError, match=r"incident_map takes classified incidents"):
        geo.incident_map(points_frame, square_zones)

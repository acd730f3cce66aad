"""Compare two benchmark runs: ``python -m benchmarks.compare OLD.json NEW.json``.

Rows are matched by engine, zone set and point count (the keys present in both);
for each pair it prints both times and the ratio NEW/OLD (above 1: slower now) and
the peak memory of both. A perf regression guard for people, not a timed unit test:
it exits 1 when a matched row is slower than ``--slower`` times (default 1.25).
"""

from __future__ import annotations

import argparse
import json
import sys


def _key(row: dict) -> tuple:
    return (row.get("engine"), row.get("zones", ""), row.get("points"), row.get("incidents"))


def _seconds(row: dict) -> float | None:
    for name in ("seconds", "render_s", "write_s"):
        if isinstance(row.get(name), (int, float)):
            return float(row[name])
    return None


def compare(old: list[dict], new: list[dict], *, slower: float) -> tuple[list[str], int]:
    """Return the report lines and how many matched rows are slower than ``slower``."""
    before = {_key(r): r for r in old}
    lines, worse = [], 0
    for row in new:
        was = before.get(_key(row))
        a, b = (_seconds(was) if was else None), _seconds(row)
        if a is None or b is None:
            continue
        ratio = b / a
        flag = "  SLOWER" if ratio > slower else ""
        worse += ratio > slower
        mem = ""
        if "peak_rss_mb" in row and "peak_rss_mb" in was:
            mem = f"  peak {was['peak_rss_mb']:.0f} -> {row['peak_rss_mb']:.0f} MB"
        name = " ".join(str(k) for k in _key(row) if k not in (None, ""))
        lines.append(f"{name:40s} {a:9.3f} s -> {b:9.3f} s  x{ratio:5.2f}{mem}{flag}")
    return lines, worse


def main(argv: list[str] | None = None) -> int:
    """Print the comparison; exit 1 if any matched row got slower than allowed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--slower", type=float, default=1.25)
    args = parser.parse_args(argv)
    with open(args.old) as a, open(args.new) as b:
        lines, worse = compare(json.load(a), json.load(b), slower=args.slower)
    print("\n".join(lines) if lines else "no rows in common")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())

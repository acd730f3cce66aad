"""Constants and helpers shared by several test modules (tests import this, never each other).

``run_cli`` reaches tests as the ``cli`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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

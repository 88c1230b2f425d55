"""The events pipeline knows no capability: importing all of it loads none (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import tts_connector
import tts_connector.events

# Shared building blocks the pipeline may use; every other package of the layer is a capability.
SHARED = {"events"}


def test_importing_every_events_module_loads_no_capability_package() -> None:
    modules = [f"tts_connector.events.{m.name}" for m in pkgutil.iter_modules(tts_connector.events.__path__)]
    packages = {m.name for m in pkgutil.iter_modules(tts_connector.__path__) if m.ispkg}
    forbidden = sorted(packages - SHARED)
    assert modules and "connect" in forbidden
    script = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({n.split('.')[1] for n in sys.modules if n.startswith('tts_connector.') "
        "and n.count('.') >= 1})))"
    )
    root = Path(tts_connector.__file__).parents[1]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root)

    loaded = set(json.loads(out.stdout))
    assert not loaded & set(forbidden), f"events/ imports capability packages: {sorted(loaded & set(forbidden))}"

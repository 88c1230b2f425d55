"""The README's run command: the demo walks the guide against the sandboxes and says what happened."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def test_demo_walks_the_guide_and_stops_cleanly(tmp_path: Path) -> None:
    tts_local = Path(sys.executable).with_name("tts-local")

    result = subprocess.run([str(tts_local), "demo"], cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "GET /health -> ok" in out
    assert "created attribute tiktok_shop_synced" in out
    assert "Nothing to change: already set up." in out
    assert "HTTP 200: TikTok Shop connected" in out
    assert "Sandbox US Shop" in out and "Sandbox UK Shop" in out
    assert "The connector serves Sandbox US Shop" in out
    assert "Connected: yes" in out
    assert "TikTok now shows BAG-TOTE at 35.00 USD with 2 in stock" in out
    assert "TikTok now shows 33.00: reconciliation healed it." in out
    assert "1 drifted, 1 healed" in out
    assert "Stock push" in out and "finished: 1/1 SKUs done (1 pushed, 0 failed)" in out
    assert "the stack is stopped" in out

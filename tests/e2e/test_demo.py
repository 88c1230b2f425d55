"""The README's run command: the demo walks the guide against the sandboxes and says what happened."""

from __future__ import annotations

import re
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
    # Product push: mappings, a configurable and a simple product pushed, written back and audited, a failure.
    assert "Mapped Magento Women > Tops > Tees (5) to TikTok" in out
    assert "Still missing:" in out and "Nothing missing: products of this category can be pushed." in out
    assert ": 2 succeeded, 0 failed of 2." in out
    assert "tiktok_shop_synced=Yes" in out
    assert "TikTok status: ACTIVATE" in out
    assert "  Magento product MUG-SOLDOUT: has no description" in out and "fix: Fill in Description" in out
    # Orders: both shipping types in Magento, the merchant's shipment pushed to TikTok (issue 13).
    assert "  shipping: seller, delivery option" in out and "processing/processing" in out
    assert "complete, invoiced and shipped with TikTok's tracking TT" in out
    assert "TikTok: IN_TRANSIT via UPS 1Z999AA10123456784" in out
    assert "delivers it: TikTok order" in out and "is DELIVERED." in out
    # TikTok gets Magento's salable quantity: the 2 set in source 'default' plus the 10 in 'warehouse_east'.
    assert "Magento's salable quantity is now 12" in out
    assert "TikTok now shows WB/01 750ml at 35.00 USD with 12 in stock" in out
    assert "TikTok now shows 33.00: reconciliation healed it." in out
    assert "1 drifted, 1 healed" in out
    assert "Stock push" in out and "finished: 1/1 SKUs done (1 pushed, 0 failed)" in out
    # Refunds: the platform order's return credited to the cent, the order Closed (issue 14).
    assert re.search(r"refunded (\d+\.\d\d) USD; Magento credit memo #\S+: \1\n", out), out
    assert "is now closed (fully refunded)" in out
    assert "the stack is stopped" in out
    assert "/console/ and log in" in out and "operator@example.com  password " in out
    assert "GET /console/ui/shops with the operator's ID token -> HTTP 200, 2 shops listed" in out
    assert "and without a token -> HTTP 401" in out

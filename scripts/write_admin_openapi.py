"""Regenerate docs/admin-openapi.json from the admin function (run by `make openapi`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def admin_openapi() -> dict[str, object]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from tts_connector.admin.app import build_admin_app, openapi_document

    document: dict[str, object] = openapi_document(build_admin_app())
    return document


if __name__ == "__main__":
    target = ROOT / "docs" / "admin-openapi.json"
    target.write_text(json.dumps(admin_openapi(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {target}")

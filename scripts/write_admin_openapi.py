"""Regenerate docs/admin-openapi.json from the admin function (run by `make openapi`)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def admin_openapi() -> dict[str, object]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    spec = importlib.util.spec_from_file_location("admin_app", ROOT / "functions" / "admin" / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    document: dict[str, object] = module.openapi_document()
    return document


if __name__ == "__main__":
    target = ROOT / "docs" / "admin-openapi.json"
    target.write_text(json.dumps(admin_openapi(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {target}")

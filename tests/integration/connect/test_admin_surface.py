"""The admin API's published contract and the ttsc command line, through the local stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from local_stack import LocalStack, StackConfig
from tests.integration.stack_support import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("state"), run_schedules=False)
    with LocalStack(config) as running:
        yield running


def _ttsc(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TTSC_URL": stack.url, "TTSC_ADMIN_TOKEN": stack.config.admin_token}
    ttsc = Path(sys.executable).with_name("ttsc")
    return subprocess.run([str(ttsc), *args], env=env, capture_output=True, text=True, timeout=120)


def test_served_openapi_document_matches_the_one_in_the_repository(stack: LocalStack) -> None:
    served = requests.get(f"{stack.url}/admin/openapi.json", headers=stack.admin_headers, timeout=60)

    assert served.status_code == 200
    kept = json.loads((ROOT / "docs" / "admin-openapi.json").read_text())
    assert served.json() == kept, "docs/admin-openapi.json is stale: run `make openapi`"
    assert set(kept["paths"]) >= {"/tts/authorization/start", "/admin/status", "/admin/shops/{shop_id}"}


def test_ttsc_prints_human_output_and_json_on_request(stack: LocalStack) -> None:
    human = _ttsc(stack, "status")
    as_json = _ttsc(stack, "--json", "status")

    assert human.returncode == 0, human.stderr
    assert "No shops authorized yet" in human.stdout
    parsed: dict[str, Any] = json.loads(as_json.stdout)
    assert parsed["connected"] is False and parsed["shops"] == []


def test_ttsc_connect_prints_an_authorize_link(stack: LocalStack) -> None:
    result = _ttsc(stack, "connect")

    assert result.returncode == 0
    assert "/open/authorize?service_id=" in result.stdout and "state=" in result.stdout


def test_ttsc_exits_non_zero_with_the_api_message_on_failure(stack: LocalStack) -> None:
    result = _ttsc(stack, "shops", "select", "999")

    assert result.returncode == 1
    assert "HTTP 404" in result.stderr and "not authorized" in result.stderr
    assert "ttsc shops list" in result.stderr  # the hint


def test_ttsc_refuses_a_wrong_admin_token(stack: LocalStack) -> None:
    env = {**os.environ, "TTSC_URL": stack.url, "TTSC_ADMIN_TOKEN": "wrong"}
    ttsc = Path(sys.executable).with_name("ttsc")

    result = subprocess.run([str(ttsc), "status"], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert "HTTP 403" in result.stderr


def test_ttsc_usage_error_exits_2() -> None:
    ttsc = Path(sys.executable).with_name("ttsc")

    result = subprocess.run([str(ttsc), "shops"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 2

"""Every handler imports from the `sam build` output with only the built layer and the runtime's boto3.

A module missing from the layer, a dependency missing from layers/common/requirements.txt, or a handler
importing something only the dev environment has fails here instead of in AWS.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import botocore
import pytest

from local_stack.template import SamTemplate
from tests.integration.stack_support import ROOT

pytestmark = pytest.mark.integration

BUILD_DIR = ROOT / ".aws-sam" / "build"
SOURCES = ["template.yaml", "functions", "layers/common"]
# What the Lambda Python runtime itself provides (boto3 and its dependencies), nothing else.
RUNTIME_PACKAGES = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]


def _newest_source_mtime() -> float:
    newest = 0.0
    for source in SOURCES:
        path = ROOT / source
        files = (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        )
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


@pytest.fixture(scope="module")
def build_dir() -> Path:
    marker = BUILD_DIR / "template.yaml"
    if not marker.exists() or marker.stat().st_mtime < _newest_source_mtime():
        sam = Path(sys.executable).with_name("sam")
        subprocess.run(
            [str(sam), "build", "--parallel"],
            cwd=ROOT,
            check=True,
            env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        )
    return BUILD_DIR


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = Path(boto3.__file__).parents[1]
    assert Path(botocore.__file__).parents[1] == site
    shim = tmp_path_factory.mktemp("lambda-runtime")
    for name in RUNTIME_PACKAGES:
        (shim / name).symlink_to(site / name)
    return shim


def _functions() -> dict[str, str]:
    template = SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "https://magento.example.com"})
    return {logical_id: spec.handler for logical_id, spec in template.functions({}).items()}


@pytest.mark.parametrize(("function", "handler"), sorted(_functions().items()))
def test_handler_imports_from_the_built_artifact(
    build_dir: Path, runtime_dir: Path, function: str, handler: str
) -> None:
    module, _, attribute = handler.rpartition(".")
    layer = build_dir / "CommonLayer" / "python"
    code = build_dir / function
    assert layer.is_dir(), "sam build did not produce the layer"
    assert (code / f"{module}.py").is_file()
    assert not (code / "tts_connector").exists(), "the layer package must not be copied into the function"

    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": os.pathsep.join([str(code), str(layer), str(runtime_dir)]),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "packaging-test",
        "POWERTOOLS_METRICS_NAMESPACE": "PackagingTest",
        "EVENTS_TABLE": "t",
        "IDEMPOTENCY_TABLE": "t",
        "TIKTOK_EVENTS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/1/q.fifo",
        "CONSOLE_AUTH_URL": "https://tts-example.auth.us-east-1.amazoncognito.com",
    }
    # -S: no site-packages, so nothing from the dev virtualenv can satisfy an import.
    script = f"import {module}; assert callable({module}.{attribute})"
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], cwd=code, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr


def test_the_console_templates_and_shell_assets_are_in_the_build(build_dir: Path) -> None:
    """Non-Python files ship too: the layer's Jinja2 templates and the shell's page and assets."""
    sources = ROOT / "layers" / "common" / "tts_connector" / "console" / "templates"
    built = build_dir / "CommonLayer" / "python" / "tts_connector" / "console" / "templates"
    assert {p.name for p in sources.glob("*.html")} == {p.name for p in built.glob("*.html")}
    static = ROOT / "functions" / "console_shell" / "static"
    built_static = build_dir / "ConsoleShellFunction" / "static"
    assert sorted(p.relative_to(static) for p in static.rglob("*") if p.is_file()) == sorted(
        p.relative_to(built_static) for p in built_static.rglob("*") if p.is_file()
    )

"""Tables created from template.yaml's own definitions inside moto's in-process mock, for store unit tests.

The key schema, indexes and TTL come from the template, so a store tested here cannot drift from the table
it gets in AWS (the style-anchors' serverless-test-samples habit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from local_stack import moto_fixes
from local_stack.resources import table_arguments
from local_stack.template import SamTemplate

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def template_tables(*logical_ids: str) -> Iterator[dict[str, Any]]:
    """{logical id: boto3 Table} for each table, in a fresh moto mock."""
    template = SamTemplate(ROOT / "template.yaml", {"MagentoBaseUrl": "http://magento.test"})
    resources = template.of_type("AWS::DynamoDB::Table")
    # moto's DynamoDB is not thread-safe; store tests with concurrent writers need the local stack's fix.
    moto_fixes.install()
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        tables = {}
        for logical_id in logical_ids:
            dynamodb.create_table(TableName=logical_id, **table_arguments(resources[logical_id]["Properties"]))
            tables[logical_id] = dynamodb.Table(logical_id)
        yield tables

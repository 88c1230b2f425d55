"""MSI: sources, source items and salable quantity."""

from __future__ import annotations

import re

import pytest

from magento_sandbox import MagentoSandbox
from tts_connector.errors import InvalidInputError, NotFoundError
from tts_connector.magento import MagentoClient, SearchCriteria, SourceItem

pytestmark = pytest.mark.integration


def test_sources_and_source_items(magento: MagentoClient) -> None:
    sources = {s["source_code"] for s in magento.inventory.sources().items}
    items = magento.inventory.source_items_for(["MS-TEE-M-BLA", "WB/01 750ml"])

    assert sources == {"default", "warehouse_east"}
    assert SourceItem("MS-TEE-M-BLA", "warehouse_east", 5.0, 1) in items
    assert SourceItem("WB/01 750ml", "default", 40.0, 1) in items
    by_source = magento.inventory.search_source_items(SearchCriteria().where("source_code", "warehouse_east"))
    assert {i["sku"] for i in by_source.items} == {"MS-TEE-M-BLA", "MS-TEE-M-RED", "WB/01 750ml"}


def test_saving_source_items_changes_salable_quantity(magento: MagentoClient, sandbox: MagentoSandbox) -> None:
    assert magento.inventory.salable_quantity("WB/01 750ml") == 50.0

    magento.inventory.save_source_items(
        [SourceItem("WB/01 750ml", "default", 7), SourceItem("WB/01 750ml", "warehouse_east", 3, status=0)]
    )

    assert magento.inventory.salable_quantity("WB/01 750ml") == 7.0
    assert sandbox.source_quantity("WB/01 750ml", "warehouse_east") == 3.0


def test_invalid_source_items_are_refused_with_msi_messages(magento: MagentoClient) -> None:
    with pytest.raises(
        InvalidInputError, match=re.escape('Validation Failed; Source with code "nowhere" does not exist.')
    ):
        magento.inventory.save_source_items([SourceItem("BAG-TOTE", "nowhere", 1)])


def test_salable_quantity_errors(magento: MagentoClient) -> None:
    with pytest.raises(InvalidInputError, match="without Source Items support"):
        magento.inventory.salable_quantity("MS-TEE")
    with pytest.raises(NotFoundError):
        magento.inventory.salable_quantity("NOPE")

"""Settings stay consistent: a local variable and a README row per merchant setting; layer and project agree."""

from __future__ import annotations

from pathlib import Path

import yaml

from local_stack.endpoints import PARAMETER_VARIABLES
from tts_connector.settings import MERCHANT_SETTINGS, load_settings

ROOT = Path(__file__).resolve().parents[3]


def _template_parameters() -> set[str]:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)
    return set(template["Parameters"])


def test_every_template_parameter_has_a_local_variable_and_a_readme_row() -> None:
    readme = (ROOT / "README.md").read_text()
    parameters = _template_parameters()

    assert parameters == set(PARAMETER_VARIABLES)
    for parameter, variable in PARAMETER_VARIABLES.items():
        assert f"`{parameter}`" in readme, f"README lacks template parameter {parameter}"
        assert f"`{variable}`" in readme, f"README lacks local variable {variable}"


def test_hints_name_the_parameter_in_aws_and_the_variable_locally() -> None:
    assert {parameter for parameter, _ in MERCHANT_SETTINGS.values()} <= _template_parameters()
    in_aws, locally = load_settings({}), load_settings({"TTS_LOCAL_STACK": "true"})

    assert "MagentoStoreCode" in in_aws.where_to_change("magento_store_code")
    assert "TTS_MAGENTO_STORE_CODE" in locally.where_to_change("magento_store_code")
    for field, (parameter, variable) in MERCHANT_SETTINGS.items():
        assert PARAMETER_VARIABLES[parameter].split(",")[0] in variable, field


def test_the_layer_and_the_project_ask_for_the_same_runtime_packages() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    layer = [
        line.strip()
        for line in (ROOT / "layers" / "common" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def by_name(requirements: list[str]) -> dict[str, str]:
        return {r.split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip(): r for r in requirements}

    assert by_name(layer)["aws-lambda-powertools"] == by_name(project)["aws-lambda-powertools"]
    assert set(by_name(layer)) <= set(by_name(project))

"""`ttsc push` and `ttsc sync`: arguments become the admin API's requests."""

from __future__ import annotations

import argparse

import pytest

from ttsc.__main__ import build_parser
from ttsc.commands import subcommands
from ttsc.commands.stock_sync import _selection, _settings_change
from ttsc.transport import CliError


def test_push_commands_share_ttsc_push_with_other_capabilities() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    first = subcommands(sub, "push", "push")
    first.add_parser("products")

    assert subcommands(sub, "push", "push") is first  # a second capability adds to the same `ttsc push`


@pytest.mark.parametrize(
    ("argv", "selection"),
    [
        (["push", "prices", "--sku", "A", "B"], {"skus": ["A", "B"]}),
        (["push", "stock", "--category", "7"], {"category_id": 7}),
        (["push", "stock", "--attribute-set", "4"], {"attribute_set_id": 4}),
        (["push", "prices", "--updated-since", "2026-06-01T00:00:00Z"], {"updated_since": "2026-06-01T00:00:00Z"}),
        (["push", "prices", "--all"], {"all": True}),
    ],
)
def test_a_push_names_exactly_one_selection(argv: list[str], selection: dict[str, object]) -> None:
    assert _selection(build_parser().parse_args(argv)) == selection


def test_a_push_without_or_with_two_selections_is_a_usage_error() -> None:
    for argv in (["push", "prices"], ["push", "prices", "--all", "--sku", "A"], ["push", "prices", "--warehouse", "1"]):
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args(argv)
        assert exit_.value.code == 2


def test_settings_options_become_a_partial_change() -> None:
    args = build_parser().parse_args(
        [
            "sync",
            "settings",
            "--price-sync",
            "off",
            "--price-adjustment",
            "percent",
            "--price-amount",
            "12.5",
            "--stock-floor",
            "2",
            "--warehouse-sources",
            "W1=default,east",
            "W2=north",
        ]
    )

    assert _settings_change(args) == {
        "sync": {
            "price_sync": False,
            "price_rule": {"adjustment": "percent", "amount": "12.5"},
            "stock_buffer": {"floor": 2},
        },
        "inventory": {"sources_by_warehouse": {"W1": ["default", "east"], "W2": ["north"]}},
    }
    assert _settings_change(build_parser().parse_args(["sync", "settings"])) == {}
    cleared = build_parser().parse_args(["sync", "settings", "--clear-warehouse-sources"])
    assert _settings_change(cleared) == {"inventory": {"sources_by_warehouse": {}}}


def test_a_malformed_warehouse_mapping_is_refused_before_calling_the_api() -> None:
    args = build_parser().parse_args(["sync", "settings", "--warehouse-sources", "W1"])

    with pytest.raises(CliError, match="WAREHOUSE=SOURCE"):
        _settings_change(args)

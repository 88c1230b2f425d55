"""One module per capability; each has `register(subparsers)`."""

import argparse
from typing import Any


def subcommands(sub: Any, name: str, help_text: str) -> Any:
    """The subcommands of `ttsc <name>`, created by the first capability that adds one and shared by the others
    (product push and price/stock sync both add commands under `ttsc push`)."""
    existing = sub.choices.get(name)
    if existing is not None:
        return next(a for a in existing._actions if isinstance(a, argparse._SubParsersAction))
    return sub.add_parser(name, help=help_text).add_subparsers(dest=f"{name}_command", required=True)

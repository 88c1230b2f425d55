"""The connector's local stack: template.yaml run on one machine with moto, a gateway, SQS pollers and schedules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local_stack.stack import LocalStack, StackConfig

__all__ = ["LocalStack", "StackConfig"]


def __getattr__(name: str) -> Any:
    # Lazy: every Lambda worker process runs `python -m local_stack.worker`, which imports this package
    # first; importing the stack here would load moto and SAM CLI (seconds) into each cold start.
    if name in __all__:
        from local_stack import stack

        return getattr(stack, name)
    raise AttributeError(f"module 'local_stack' has no attribute {name!r}")

"""Starting function workers ahead of traffic, as Lambda's provisioned concurrency keeps sandboxes initialised.

The local runtime counts a worker's imports against its first invocation, so on a busy machine a cold webhook
function can miss TikTok's 3 s (TikTok, and the sandbox, retry only minutes later) and a cold consumer adds
seconds to the first orders. Tests, the demo and the order benchmark start the workers they will use first.
"""

from __future__ import annotations

from local_stack.stack import LocalStack


def warm_order_functions(stack: LocalStack, *, webhook_workers: int = 1, consumers: int = 2) -> None:
    """Initialise the webhook intake and the order events consumers (two pollers in the template)."""
    assert stack.runtime is not None
    stack.runtime.prewarm("TikTokWebhookFunction", webhook_workers)
    stack.runtime.prewarm("OrderEventsFunction", consumers)

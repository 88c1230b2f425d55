"""The connector's local stack: template.yaml run on one machine with moto, a gateway, SQS pollers and schedules."""

from local_stack.stack import LocalStack, StackConfig

__all__ = ["LocalStack", "StackConfig"]

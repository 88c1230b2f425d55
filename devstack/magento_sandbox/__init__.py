"""A stateful Magento 2.4.8 REST sandbox for local development and tests (dev-only, never deployed)."""

from magento_sandbox.config import Fault, SandboxConfig
from magento_sandbox.event_delivery import Target as EventTarget
from magento_sandbox.server import MagentoSandbox

__all__ = ["EventTarget", "Fault", "MagentoSandbox", "SandboxConfig"]

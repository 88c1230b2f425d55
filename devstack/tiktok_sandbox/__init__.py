"""A stateful, strict TikTok Shop Open API (202309) sandbox for tests and local runs.

Start it with `TikTokSandbox(SandboxConfig(...)).start()` or `python -m tiktok_sandbox --port N`.
"""

from tiktok_sandbox.config import SandboxConfig, ShopSeed
from tiktok_sandbox.server import TikTokSandbox

__all__ = ["SandboxConfig", "ShopSeed", "TikTokSandbox"]

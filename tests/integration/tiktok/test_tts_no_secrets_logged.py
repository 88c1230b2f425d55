"""Nothing the client logs or raises carries the app secret, an access token or a request signature."""

from __future__ import annotations

import logging

import pytest

from tests.integration.tiktok.support import connect
from tiktok_sandbox import TikTokSandbox
from tts_connector.tiktok.errors import InvalidSignatureError, TikTokTransientError

pytestmark = pytest.mark.integration


def test_failures_and_retries_do_not_leak_secrets(sandbox: TikTokSandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tts = connect(sandbox, timeout=(1.0, 0.2))
    token = tts.tokens.access_token(tts.us.shop_id)
    sandbox.inject_fault("http_503", count=1)
    sandbox.inject_fault("timeout", count=10)
    with pytest.raises(TikTokTransientError) as unavailable:
        tts.api.logistics.warehouses(tts.us)
    sandbox.clear_faults()
    bad = connect(sandbox, app_secret="a-wrong-secret")
    with pytest.raises(InvalidSignatureError) as refused:
        bad.api.logistics.warehouses(bad.us)
    assert any("TikTok call failed" in r.getMessage() for r in caplog.records)
    # urllib3 prints request lines (with `sign`) at DEBUG only; Lambda functions log at INFO and above.
    texts = [r.getMessage() + repr(r.__dict__) for r in caplog.records if not r.name.startswith("urllib3")]
    texts += [
        str(unavailable.value),
        repr(unavailable.value.to_dict()),
        str(refused.value),
        repr(refused.value.to_dict()),
    ]
    assert unavailable.value.__cause__ is None
    for text in texts:
        assert sandbox.config.app_secret not in text
        assert "a-wrong-secret" not in text
        assert token not in text
        assert "sign=" not in text

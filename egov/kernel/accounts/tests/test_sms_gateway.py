from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from egov.kernel.notify import sms


def test_console_backend_logs_masked_and_writes_the_demo_outbox(
    settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="egov.sms"):
        result = sms.send_sms("13912345678", "您的验证码为123456")
    assert result.backend == "console"
    assert sms.outbox == [sms.SmsMessage(phone="13912345678", text="您的验证码为123456", sent_at=sms.outbox[0].sent_at)]
    assert "139****5678" in caplog.text
    assert "13912345678" not in caplog.text
    assert "13912345678\t您的验证码为123456" in (tmp_path / "sms_outbox.log").read_text(encoding="utf-8")


class FakeResponse:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.content = status, body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code}")

    def json(self) -> Any:
        import json

        return json.loads(self.content)


def test_http_backend_posts_json_with_the_token(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SMS_BACKEND, settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN = "http", "https://sms.example/send", "t0k"
    calls: list[dict[str, Any]] = []

    def fake_post(url: str, **kwargs: Any) -> FakeResponse:
        calls.append({"url": url, **kwargs})
        return FakeResponse(200, b'{"id": "m-1"}')

    monkeypatch.setattr(sms.requests, "post", fake_post)
    result = sms.send_sms("13912345678", "通知")
    assert result == sms.SmsResult(backend="http", message_id="m-1")
    assert calls == [
        {
            "url": "https://sms.example/send",
            "json": {"phone": "13912345678", "text": "通知"},
            "headers": {"Authorization": "Bearer t0k"},
            "timeout": 5,
        }
    ]
    assert sms.outbox == []


@pytest.mark.parametrize("failure", [requests.ConnectTimeout("slow"), None])
def test_http_backend_failure_is_a_typed_error(
    settings: Any, monkeypatch: pytest.MonkeyPatch, failure: Exception | None, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", "https://sms.example/send"

    def fake_post(url: str, **kwargs: Any) -> FakeResponse:
        if failure:
            raise failure
        return FakeResponse(502, b"")

    monkeypatch.setattr(sms.requests, "post", fake_post)
    with pytest.raises(sms.SmsError):
        sms.send_sms("13912345678", "通知")
    assert "13912345678" not in caplog.text


@pytest.mark.django_db
def test_gateway_failure_gives_a_chinese_message_and_frees_the_cooldown(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from egov.kernel.accounts import services
    from egov.kernel.errors import Rejected

    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", "https://sms.example/send"
    monkeypatch.setattr(sms.requests, "post", lambda url, **kwargs: FakeResponse(500, b""))
    with pytest.raises(Rejected) as raised:
        services.sms_code_send(phone="13912345678", purpose="register")
    assert raised.value.message == "短信发送失败，请稍后重试"
    monkeypatch.setattr(sms.requests, "post", lambda url, **kwargs: FakeResponse(200, b"{}"))
    services.sms_code_send(phone="13912345678", purpose="register")  # no 60-second wait after a failure

"""SMS gateway: one ``send_sms`` for verification codes and notices, whatever carries them.

``SMS_BACKEND=console`` is the demo: the message goes to the log (phone masked) and, unmasked, to
``var/sms_outbox.log`` and the in-memory ``outbox`` so a demo user or a test can read the code.
``SMS_BACKEND=http`` posts JSON to the operator's gateway (``SMS_HTTP_URL`` with a bearer token).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

from egov.kernel.identifiers import mask_mobile

logger = logging.getLogger("egov.sms")

HTTP_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    sent_at: str


@dataclass(frozen=True)
class SmsResult:
    backend: str
    message_id: str


class SmsError(Exception):
    """The gateway did not accept the message; callers show a Chinese retry message."""


#: Messages sent through the console backend in this process (tests clear it like mail.outbox).
outbox: list[SmsMessage] = []


def send_sms(phone: str, text: str) -> SmsResult:
    backend = settings.SMS_BACKEND
    if backend == "console":
        return _send_console(phone, text)
    if backend == "http":
        return _send_http(phone, text)
    raise SmsError(f"unknown SMS_BACKEND {backend!r}")


def _send_console(phone: str, text: str) -> SmsResult:
    message = SmsMessage(phone=phone, text=text, sent_at=timezone.now().isoformat(timespec="seconds"))
    outbox.append(message)
    logger.info("SMS to %s: %s", mask_mobile(phone), text)
    with (settings.VAR_DIR / "sms_outbox.log").open("a", encoding="utf-8") as log:
        log.write(f"{message.sent_at}\t{phone}\t{text}\n")
    return SmsResult(backend="console", message_id=uuid.uuid4().hex)


def _send_http(phone: str, text: str) -> SmsResult:
    if not settings.SMS_HTTP_URL:
        raise SmsError("SMS_HTTP_URL is not set")
    try:
        response = requests.post(
            settings.SMS_HTTP_URL,
            json={"phone": phone, "text": text},
            headers={"Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        body = response.json() if response.content else {}
    except (requests.RequestException, ValueError) as exc:
        logger.warning("SMS gateway failed for %s: %s", mask_mobile(phone), exc.__class__.__name__)
        raise SmsError(f"SMS gateway failed: {exc.__class__.__name__}") from exc
    message_id = str(body.get("id") or body.get("message_id") or "") if isinstance(body, dict) else ""
    logger.info("SMS to %s accepted by gateway (%s)", mask_mobile(phone), message_id or "no id")
    return SmsResult(backend="http", message_id=message_id)

"""Who is acting, from where, in which request — read by the audit log without passing request around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = ""
    ip: str = ""
    user_agent: str = ""


_current: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar("egov_request", default=RequestInfo())  # noqa: B039 - frozen dataclass, immutable


def current_request_info() -> RequestInfo:
    return _current.get()


def set_request_info(info: RequestInfo) -> contextvars.Token[RequestInfo]:
    return _current.set(info)


def reset_request_info(token: contextvars.Token[RequestInfo]) -> None:
    _current.reset(token)

"""Map typed domain errors to 4xx JSON with the Chinese message; shared by every NinjaAPI."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from egov.kernel.access.policy import AccessDenied, record_denial
from egov.kernel.errors import Rejected


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Rejected)
    def rejected(request: HttpRequest, exc: Rejected) -> HttpResponse:
        body = {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        if isinstance(exc, AccessDenied):
            record_denial(exc)  # the endpoint's transaction has rolled back; the denial must still be logged
        message = str(exc) or "您没有执行此操作的权限"
        return api.create_response(request, {"error": {"code": "permission_denied", "message": message}}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"error": {"code": "unauthenticated", "message": "请先登录"}}, status=401)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request, {"error": {"code": "invalid", "message": "；".join(exc.messages)}}, status=422
        )

    @api.exception_handler(NinjaValidationError)
    def schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")} for e in exc.errors
        ]
        return api.create_response(
            request, {"error": {"code": "invalid", "message": "请求参数不正确", "details": details}}, status=422
        )

"""The office-zone API (one OpenAPI document: /api/office/docs). Apps add routers here."""

from ninja import NinjaAPI
from ninja.security import django_auth

from egov.api.errors import install_error_handlers

api = NinjaAPI(
    title="兴安盟一体化电子政务平台 政务内网接口",
    version="1.0",
    urls_namespace="api-office",
    auth=django_auth,
    description='政务内网接口，需登录。错误以 JSON 返回：{"error": {"code", "message"}}。',
)
install_error_handlers(api)

from egov.api.routers import add_app_routers  # noqa: E402

add_app_routers(api, "office_router")

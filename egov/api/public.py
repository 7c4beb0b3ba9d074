"""The public-zone API (one OpenAPI document: /api/public/docs). Apps add routers here."""

from ninja import NinjaAPI

from egov.api.errors import install_error_handlers

api = NinjaAPI(
    title="兴安盟一体化电子政务平台 公共接口",
    version="1.0",
    urls_namespace="api-public",
    description='面向公众与其他单位开发者的接口。错误以 JSON 返回：{"error": {"code", "message"}}。',
)
install_error_handlers(api)

from egov.api.routers import add_app_routers  # noqa: E402

add_app_routers(api, "public_router")

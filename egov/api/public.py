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

from egov.kernel.search.api import router as search_router  # noqa: E402

api.add_router("/search", search_router)

from egov.domain.services.api import router as services_router  # noqa: E402

api.add_router("/services", services_router)

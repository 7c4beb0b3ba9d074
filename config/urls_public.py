"""Public zone (extranet): portal, citizen accounts and services, public APIs."""

from django.urls import include, path

from config.urls_common import common_urlpatterns, handler403, handler404, handler500  # noqa: F401
from config.zones import app_patterns
from egov.api.public import api as public_api

urlpatterns = [
    *common_urlpatterns,
    path("api/public/", public_api.urls),
    *app_patterns("public"),
    path("", include("egov.domain.portal.wagtail_urls")),  # portal pages by host name: the final catch-all
]

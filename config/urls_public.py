"""Public zone (extranet): portal, citizen accounts and services, public APIs."""

from config.urls_common import common_urlpatterns
from config.zones import app_patterns
from egov.api.public import api as public_api
from django.urls import path

urlpatterns = [
    *common_urlpatterns,
    path("api/public/", public_api.urls),
    *app_patterns("public"),
]

"""Both zones in one process (the demo and small deployments)."""

from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from config.urls_common import common_urlpatterns, handler403, handler404, handler500  # noqa: F401
from config.zones import app_patterns
from egov.api.office import api as office_api
from egov.api.public import api as public_api

urlpatterns = [
    *common_urlpatterns,
    path("office/django-admin/", admin.site.urls),
    path("office/cms/", include(wagtailadmin_urls)),
    path("api/public/", public_api.urls),
    path("api/office/", office_api.urls),
    *app_patterns("all"),
    path("", include("egov.domain.portal.wagtail_urls")),  # portal pages by host name: the final catch-all
]

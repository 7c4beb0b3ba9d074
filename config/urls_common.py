"""URL patterns shared by both zones, and the Chinese error pages. Django reads handler403/404/500 from the
root URLconf, so each zone module imports them from here."""

from django.urls import path

from egov.web import views as web_views

common_urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
]

handler403 = "egov.web.views.permission_denied"
handler404 = "egov.web.views.page_not_found"
handler500 = "egov.web.views.server_error"

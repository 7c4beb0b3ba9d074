"""URL patterns shared by both zones."""

from django.urls import include, path

from egov.web import views as web_views

common_urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]

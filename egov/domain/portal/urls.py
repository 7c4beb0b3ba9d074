from django.urls import path

from egov.domain.portal import views

app_name = "portal"

public_urlpatterns = [
    path("", views.site_root, name="site_root"),
    path("sites/", views.site_index, name="site_index"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("sites/<slug:site_key>/sitemap.xml", views.sitemap, name="site_sitemap"),
    path("sites/<slug:site_key>/", views.site_page, name="site_home"),
    path("sites/<slug:site_key>/<path:path>", views.site_page, name="site_page"),
]

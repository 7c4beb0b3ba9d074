from django.urls import path

from egov.web import views

app_name = "web"

public_urlpatterns = [
    path("", views.home, name="home"),
    path("prefs/elder/", views.prefs_elder, name="prefs_elder"),
    path("prefs/contrast/", views.prefs_contrast, name="prefs_contrast"),
    path("prefs/font/", views.prefs_font, name="prefs_font"),
]

office_urlpatterns = [
    path("office/", views.office_home, name="office_home"),
    path("office/prefs/elder/", views.prefs_elder, name="office_prefs_elder"),
    path("office/prefs/contrast/", views.prefs_contrast, name="office_prefs_contrast"),
    path("office/prefs/font/", views.prefs_font, name="office_prefs_font"),
]

from django.urls import path

from egov.kernel.files import views

app_name = "files"

public_urlpatterns = [
    path("files/<uuid:pk>/download/", views.download, name="download"),
]

office_urlpatterns = [
    path("office/files/<uuid:pk>/download/", views.download, name="office_download"),
]

from django.urls import path

from egov.domain.services import views

app_name = "services"

public_urlpatterns = [
    path("services/", views.index, name="index"),
    path("services/items/", views.item_list, name="list"),
    path("services/items/<str:code>/", views.guide, name="guide"),
]

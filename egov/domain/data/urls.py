from django.urls import path

from egov.domain.data import views

app_name = "data"

public_urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="ckan_action"),
    path("api/action/<str:name>", views.action, name="ckan_action_unversioned"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("catalog.ttl", views.catalog_ttl, name="catalog_ttl"),
    path("dataset/<str:id_or_name>.jsonld", views.dataset_jsonld, name="dataset_jsonld"),
]

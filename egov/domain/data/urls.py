from django.urls import path

from egov.domain.data import office, portal, views

app_name = "data"

public_urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="ckan_action"),
    path("api/action/<str:name>", views.action, name="ckan_action_unversioned"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("catalog.ttl", views.catalog_ttl, name="catalog_ttl"),
    path("dataset/<str:id_or_name>.jsonld", views.dataset_jsonld, name="dataset_jsonld"),
    path("data/", portal.index, name="index"),
    path("dataset/<slug:name>", portal.dataset, name="dataset"),
    path("dataset/<slug:name>/download.<str:fmt>", portal.download, name="download"),
    path("dataset/<slug:name>/apply", portal.apply, name="apply"),
]

office_urlpatterns = [
    path("office/data/", office.entries, name="office_entries"),
    path("office/data/new/", office.entry_new, name="office_entry_new"),
    path("office/data/reviews/", office.reviews, name="office_reviews"),
    path("office/data/applications/", office.applications, name="office_applications"),
    path("office/data/<uuid:pk>/", office.entry_detail, name="office_entry"),
    path("office/data/<uuid:pk>/edit/", office.entry_edit, name="office_entry_edit"),
    path("office/data/<uuid:pk>/submit/", office.entry_submit, name="office_entry_submit"),
    path("office/data/<uuid:pk>/upload/", office.entry_upload, name="office_entry_upload"),
    path("office/data/<uuid:pk>/api/", office.entry_api, name="office_entry_api"),
    path("office/data/<uuid:pk>/trigger/", office.entry_trigger, name="office_entry_trigger"),
    path("office/data/<uuid:pk>/review/", office.entry_review, name="office_entry_review"),
]

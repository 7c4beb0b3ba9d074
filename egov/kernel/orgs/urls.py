from django.urls import path

from egov.kernel.orgs import views

app_name = "orgs"

office_urlpatterns = [
    path("office/orgs/", views.tree, name="tree"),
    path("office/orgs/<str:code>/", views.unit_detail, name="unit_detail"),
]

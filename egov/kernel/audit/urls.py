from django.urls import path

from egov.kernel.audit import views

app_name = "audit"

office_urlpatterns = [
    path("office/audit/", views.entry_list, name="entry_list"),
    path("office/audit/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("office/audit/export/", views.entry_export, name="entry_export"),
]

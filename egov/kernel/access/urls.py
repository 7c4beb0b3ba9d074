from django.urls import path

from egov.kernel.access import views

app_name = "access"

office_urlpatterns = [
    path("office/access/", views.assignment_list, name="assignment_list"),
    path("office/access/assign/", views.assignment_create, name="assignment_create"),
    path("office/access/<int:pk>/revoke/", views.assignment_revoke, name="assignment_revoke"),
]

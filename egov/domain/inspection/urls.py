from django.urls import path

from egov.domain.inspection import views

app_name = "inspection"

office_urlpatterns = [
    path("office/inspection/", views.dashboard, name="dashboard"),
    path("office/inspection/run/", views.run, name="run"),
    path("office/inspection/reports/<int:pk>/", views.report_detail, name="report"),
    path("office/inspection/reports/<int:pk>/export/", views.report_export, name="report_export"),
    path("office/inspection/annual/", views.annual_report, name="annual_report"),
]

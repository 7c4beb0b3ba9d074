from __future__ import annotations

from django.urls import path

from egov.kernel.calendar import views

app_name = "calendar"

office_urlpatterns = [
    path("office/calendar/", views.calendar_current_year, name="current_year"),
    path("office/calendar/<int:year>/", views.calendar_year, name="year"),
]

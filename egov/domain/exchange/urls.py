from __future__ import annotations

from django.urls import path

from egov.domain.exchange import views

app_name = "exchange"

office_urlpatterns = [
    # The exchange API itself (machine to machine, credential + X-Road headers, signed answers).
    path("exchange/v1/resources", views.api_resources, name="api_resources"),
    path("exchange/v1/resources/<str:reference>/rows", views.api_rows, name="api_rows"),
]

office_urlpatterns += [
    path("office/exchange/", views.dashboard, name="dashboard"),
    path("office/exchange/requests/new/", views.request_new, name="request_new"),
    path("office/exchange/requests/<str:number>/", views.request_detail, name="request_detail"),
    path("office/exchange/corrections/<int:pk>/answer/", views.correction_answer, name="correction_answer"),
    path("office/exchange/grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("office/exchange/applications/", views.applications, name="applications"),
    path("office/exchange/usage/", views.usage, name="usage"),
    path("office/exchange/log/<str:call_id>/evidence.json", views.evidence, name="evidence"),
]

from django.urls import path

from egov.domain.agency import views

app_name = "agency"

public_urlpatterns = [
    path("my/cases/<str:number>/messages/", views.case_messages, name="case_messages"),
    path("my/cases/<str:number>/evaluate/", views.evaluate, name="evaluate"),
]

office_urlpatterns = [
    path("office/agency/", views.dashboard, name="dashboard"),
    path("office/agency/cases/<str:number>/", views.case_view, name="case"),
    path("office/agency/cases/<str:number>/messages/", views.message_post, name="message_post"),
    path("office/agency/cases/<str:number>/chase/<int:item_id>/", views.chase, name="chase"),
    path("office/agency/cases/<str:number>/reassign/", views.reassign, name="reassign"),
    path("office/agency/rules/", views.rules, name="rules"),
    path("office/agency/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("office/agency/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("office/agency/unassigned/<int:pk>/retry/", views.assign_retry, name="assign_retry"),
    path("office/agency/evaluations/", views.evaluations, name="evaluations"),
    path("office/agency/evaluations/export/", views.evaluations_export, name="evaluations_export"),
    path("office/agency/rectifications/<int:pk>/", views.rectification_view, name="rectification"),
    path(
        "office/agency/rectifications/<int:pk>/<str:action>/",
        views.rectification_action,
        name="rectification_action",
    ),
]

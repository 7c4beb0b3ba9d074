from django.urls import path

from egov.domain.results import views

app_name = "results"

public_urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<path:code>/", views.verify, name="verify"),
    path("my/cases/<str:number>/results/", views.my_results, name="my_results"),
    path("my/cases/<str:number>/delivery/", views.delivery_choose, name="delivery"),
]

office_urlpatterns = [
    path("office/results/", views.office_index, name="office_index"),
    path("office/results/case/<str:number>/", views.office_case, name="office_case"),
    path(
        "office/results/case/<str:number>/certificates/<int:pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("office/results/case/<str:number>/delivery/", views.delivery_update, name="delivery_update"),
    path("office/results/case/<str:number>/delivery/reveal/", views.delivery_reveal, name="delivery_reveal"),
]

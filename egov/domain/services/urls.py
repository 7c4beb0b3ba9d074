from django.urls import path

from egov.domain.services import views, views_apply, views_office

app_name = "services"

public_urlpatterns = [
    path("services/", views.index, name="index"),
    path("services/items/", views.item_list, name="list"),
    path("services/items/<str:code>/", views.guide, name="guide"),
    path("services/items/<str:code>/apply/", views_apply.apply_start, name="apply"),
    path("services/apply/<uuid:pk>/page/<int:page>/", views_apply.apply_page, name="apply_page"),
    path("services/apply/<uuid:pk>/page/<int:page>/autosave/", views_apply.apply_autosave, name="apply_autosave"),
    path("services/apply/<uuid:pk>/materials/", views_apply.apply_materials, name="apply_materials"),
    path("services/apply/<uuid:pk>/review/", views_apply.apply_review, name="apply_review"),
    path("services/apply/<uuid:pk>/receipt/", views_apply.receipt, name="receipt"),
    path("services/apply/<uuid:pk>/discard/", views_apply.apply_discard, name="apply_discard"),
    path("services/progress/", views_apply.progress, name="progress"),
    path("my/cases/", views_apply.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", views_apply.my_case, name="my_case"),
    path("my/cases/<str:number>/supplement/", views_apply.supplement, name="supplement"),
]

office_urlpatterns = [
    path("office/services/applications/", views_office.office_list, name="office_list"),
    path("office/services/applications/<uuid:pk>/", views_office.office_detail, name="office_detail"),
]

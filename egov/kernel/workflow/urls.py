from django.urls import path

from egov.kernel.workflow import views

app_name = "workflow"

office_urlpatterns = [
    path("office/work/", views.worklist_home, name="worklist"),
    path("office/work/panel/", views.home_panel, name="home_panel"),
    path("office/work/start/", views.case_start, name="start"),
    path("office/work/case/<str:number>/", views.case_detail, name="case"),
    path("office/work/case/<str:number>/diagram.bpmn", views.case_diagram, name="diagram"),
    path("office/work/case/<str:number>/items/<int:item_id>/<slug:action>/", views.item_action, name="item_action"),
    path("office/work/case/<str:number>/<slug:action>/", views.case_action, name="case_action"),
    path("office/work/<slug:kind>/", views.worklist_view, name="list"),
]

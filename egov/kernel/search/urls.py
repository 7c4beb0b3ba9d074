from django.urls import path

from egov.kernel.search import views

app_name = "search"

public_urlpatterns = [
    path("search/", views.search_page, name="search"),
]

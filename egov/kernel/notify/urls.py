from django.urls import path

from egov.kernel.notify import views

app_name = "notify"

public_urlpatterns = [
    path("messages/", views.inbox, {"zone": "public"}, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, {"zone": "public"}, name="message"),
    path("messages/read-all/", views.read_all, {"zone": "public"}, name="read_all"),
    path("messages/preferences/", views.preferences, {"zone": "public"}, name="preferences"),
]

office_urlpatterns = [
    path("office/messages/", views.inbox, {"zone": "office"}, name="office_inbox"),
    path("office/messages/<int:pk>/", views.message_detail, {"zone": "office"}, name="office_message"),
    path("office/messages/read-all/", views.read_all, {"zone": "office"}, name="office_read_all"),
    path("office/messages/preferences/", views.preferences, {"zone": "office"}, name="office_preferences"),
]

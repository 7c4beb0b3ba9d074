from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "egov.web"
    label = "web"
    verbose_name = "界面"

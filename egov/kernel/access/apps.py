from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "egov.kernel.access"
    label = "access"
    verbose_name = "权限"

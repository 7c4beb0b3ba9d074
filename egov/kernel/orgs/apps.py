from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "egov.kernel.orgs"
    label = "orgs"
    verbose_name = "组织机构"

from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "egov.domain.inspection"
    label = "inspection"
    verbose_name = "网站检查与年度报表"

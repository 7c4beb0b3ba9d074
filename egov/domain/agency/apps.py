from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "egov.domain.agency"
    label = "agency"
    verbose_name = "全程代办与好差评"

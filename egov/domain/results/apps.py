from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "egov.domain.results"
    label = "results"
    verbose_name = "办理结果（文书、电子证照、送达）"

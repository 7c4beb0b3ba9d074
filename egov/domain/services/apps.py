from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "egov.domain.services"
    label = "services"
    verbose_name = "网上办事大厅"

    def ready(self) -> None:
        from egov.domain.services.search import register

        register()

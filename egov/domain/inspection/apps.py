from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "egov.domain.inspection"
    label = "inspection"
    verbose_name = "网站检查与年度报表"

    def ready(self) -> None:
        # The portal page cache must be invalidated in every process that publishes (web, task worker running
        # scheduled publishing, commands), not only where its middleware is loaded.
        from egov.domain.portal.cache import connect_signals

        connect_signals()

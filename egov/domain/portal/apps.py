from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "egov.domain.portal"
    label = "portal"
    verbose_name = "政府门户网站群"

    def ready(self) -> None:
        from egov.domain.portal import memo, search, signals

        search.register()
        signals.connect()
        memo.connect_signals()

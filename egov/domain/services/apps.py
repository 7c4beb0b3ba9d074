from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "egov.domain.services"
    label = "services"
    verbose_name = "网上办事大厅"

    def ready(self) -> None:
        from egov.domain.services.search import register
        from egov.kernel.files.rules import register_download_rule

        register()
        register_download_rule("services.application", _may_download_material)


def _may_download_material(user: object, stored_file: object) -> bool:
    """Materials of an application: whoever may view its case (the joint departments, the agent)."""
    from django.core.exceptions import ValidationError

    from egov.domain.services.models import Application
    from egov.kernel.workflow.selectors import can_view_case

    try:
        application = (
            Application.objects.select_related("case").filter(pk=getattr(stored_file, "related_id", "")).first()
        )
    except (ValueError, ValidationError):
        return False
    return bool(application and application.case and can_view_case(user, application.case))  # type: ignore[arg-type]

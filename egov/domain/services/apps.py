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
        _register_case_owner()


def _register_case_owner() -> None:
    """Accepting, reviewing, deciding and 补正 of an application's case happen in the hall's handling page,
    which issues the notices and the certificate; the workbench links there. Extensions (延期) and the other
    clock stops (专家评审, 听证 …) stay on the workbench: the hall shows the case's own dates."""
    from egov.domain.services.apply import PROCESSES
    from egov.domain.services.models import SUBJECT_TYPE
    from egov.kernel.workflow.models import SuspensionReason
    from egov.kernel.workflow.policies import CaseOwner, register_case_owner

    register_case_owner(
        CaseOwner(
            subject_type=SUBJECT_TYPE,
            place="网上办事大厅办件受理页",
            process_keys=frozenset(path.stem for path in PROCESSES.glob("*.bpmn")),
            actions=frozenset({"complete", "return", "withdraw", "terminate"}),
            reasons=frozenset({SuspensionReason.CORRECTION.value}),
            url=_office_url,
        )
    )


def _office_url(case: object) -> str | None:
    from egov.kernel.links import reverse_or_none

    return reverse_or_none("services:office_detail", getattr(case, "subject_id", ""))


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

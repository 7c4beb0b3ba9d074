from __future__ import annotations

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "egov.domain.exchange"
    label = "exchange"
    verbose_name = "共享申请与数据交换"

    def ready(self) -> None:
        from egov.domain.exchange import services
        from egov.kernel.workflow.policies import CaseOwner, ProcessPolicy, register_case_owner, register_process_policy
        from egov.kernel.workflow.selectors import register_case_view_rule

        # Sharing cases are worked under the data permissions, not workflow.handle (ADR 0014): the requester
        # starts and may withdraw its own request, the provider's data administrators answer and deliver,
        # the League data authority approves extensions.
        register_process_policy(
            services.PROCESS_KEY,
            ProcessPolicy(
                start=services.REQUEST,
                handle=services.MANAGE,
                supervise=services.REVIEW,
                may_withdraw=services.may_withdraw_case,
            ),
        )
        register_case_view_rule(_may_view_sharing_case)
        # Answering (with the grant), delivery, 补正, extension and withdrawal happen on the request's page,
        # which keeps the request, its grant and its dates in step with the case; the workbench links there.
        register_case_owner(
            CaseOwner(
                subject_type=services.SUBJECT_TYPE,
                place="共享申请页",
                process_keys=frozenset({services.PROCESS_KEY}),
                url=_request_url,
            )
        )


def _request_url(case: object) -> str | None:
    from egov.kernel.links import reverse_or_none

    number = getattr(case, "subject_repr", "")
    return reverse_or_none("exchange:request_detail", number) if number else None


def _may_view_sharing_case(user: object, case: object) -> bool:
    """On the workbench: the provider's data administrators and the data authority see a sharing case."""
    from egov.domain.exchange.services import MANAGE, PROCESS_KEY, REVIEW
    from egov.kernel.access.policy import has_perm

    if getattr(case, "process_key", "") != PROCESS_KEY:
        return False
    unit = getattr(case, "org_unit", None)
    return has_perm(user, MANAGE, unit) or has_perm(user, REVIEW, unit)  # type: ignore[arg-type]

from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "egov.domain.agency"
    label = "agency"
    verbose_name = "全程代办与好差评"

    def ready(self) -> None:
        from egov.domain.agency.services import agency_may_chase, agency_may_view_case, sync_case_copies
        from egov.kernel.workflow.selectors import register_case_view_rule
        from egov.kernel.workflow.services import register_case_watcher, register_chase_rule

        # The full-process agent (代办员) sees the whole case, whichever departments hold its steps;
        # the supervisor of the agents too (to 改派).
        register_case_view_rule(agency_may_view_case)
        # … and may chase (催办) its overdue steps through the kernel.
        register_chase_rule(agency_may_chase)
        # The dashboard reads the case's status, light and due date from the assignment row.
        register_case_watcher(sync_case_copies)

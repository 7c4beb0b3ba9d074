import logging

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "egov.kernel.workflow"
    label = "workflow"
    verbose_name = "流程与办件"

    def ready(self) -> None:
        # SpiffWorkflow logs every task state change at INFO: thousands of lines per case, and measurable time.
        logging.getLogger("spiff").setLevel(logging.WARNING)

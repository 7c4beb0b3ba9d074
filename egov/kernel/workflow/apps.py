from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "egov.kernel.workflow"
    label = "workflow"
    verbose_name = "流程与办件"

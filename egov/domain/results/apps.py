from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "egov.domain.results"
    label = "results"
    verbose_name = "办理结果（文书、电子证照、送达）"

    def ready(self) -> None:
        from django.core import checks
        from django.utils.translation import gettext_lazy as _

        from egov.domain.results import rules
        from egov.kernel.files.purposes import MB, PDF, Purpose, register_purpose
        from egov.kernel.files.rules import register_download_rule

        register_purpose(Purpose("result_document", _("办理结果文书"), (PDF,), 20 * MB))
        register_download_rule("results.issuednotice", rules.may_download_notice)
        register_download_rule("results.certificate", rules.may_download_certificate)
        checks.register(rules.check_pdf_font, "egov")

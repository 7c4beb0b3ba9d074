from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "egov.kernel.accounts"
    label = "accounts"
    verbose_name = "账户"

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "egov.domain.exchange"
    label = "exchange"
    verbose_name = "共享申请与数据交换"

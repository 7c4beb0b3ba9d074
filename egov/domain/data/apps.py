from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "egov.domain.data"
    label = "data"
    verbose_name = "信息资源目录与开放数据"

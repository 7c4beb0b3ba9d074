from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "egov.kernel.files"
    label = "files"
    verbose_name = "文件"

"""Print the current TOTP code of a demo staff account, so a demo can sign in without a phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.kernel.accounts.models import User
from egov.kernel.accounts.selectors import confirmed_totp_devices
from egov.kernel.accounts.services import totp_current_code


class Command(BaseCommand):
    help = "显示演示用公职人员账户当前的动态口令（生产环境禁用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产环境不能使用此命令")
        user = User.objects.filter(username=username, kind="staff").first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的公职人员账户")
        devices = confirmed_totp_devices(user)
        if not devices:
            raise CommandError(f"{username} 尚未绑定动态口令")
        self.stdout.write(totp_current_code(devices[0]))

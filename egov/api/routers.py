"""Apps add their API routers by convention, so no app edits the shared API modules.

An app's ``api.py`` may define ``public_router`` and/or ``office_router`` (django-ninja ``Router``) and
``api_prefix`` (default: the app label). The public router is mounted at ``/api/public/<prefix>/``, the
office router at ``/api/office/<prefix>/``. ``router`` is accepted as the public router for older apps.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings
from ninja import NinjaAPI


def add_app_routers(api: NinjaAPI, attribute: str) -> None:
    for app in [*settings.KERNEL_APPS, *settings.DOMAIN_APPS]:
        try:
            module = import_module(f"{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.api":
                raise
            continue
        router = getattr(module, attribute, None)
        if router is None and attribute == "public_router":
            router = getattr(module, "router", None)
        if router is None:
            continue
        label = apps.get_containing_app_config(module.__name__)
        prefix = getattr(module, "api_prefix", label.label if label else app.rsplit(".", 1)[-1])
        api.add_router(f"/{prefix}", router)

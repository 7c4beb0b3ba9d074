"""Demo data registry: ``manage.py load_demo`` runs every registered step, in order, in one transaction.

An app adds its demo data by shipping a ``demo`` module (or package) that registers a step::

    # egov/domain/services/demo.py
    from egov.kernel.orgs.demo import register_demo_step

    def load(stdout: OutputWrapper) -> None:
        ...  # create through your services; update_or_create by a natural key so a rerun adds nothing

    register_demo_step("services", load)

``load_demo`` imports the ``demo`` module of every installed app (in ``INSTALLED_APPS`` order, so kernel
steps run before domain steps). Each step must be idempotent: running the command twice creates nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import OutputWrapper
from django.utils.module_loading import autodiscover_modules

DemoLoader = Callable[[OutputWrapper], None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    load: DemoLoader


DEMO_STEPS: list[DemoStep] = []


def register_demo_step(name: str, load: DemoLoader) -> None:
    """Append a step; registering the same name again replaces it in place (modules may be re-imported)."""
    for index, step in enumerate(DEMO_STEPS):
        if step.name == name:
            DEMO_STEPS[index] = DemoStep(name, load)
            return
    DEMO_STEPS.append(DemoStep(name, load))


def _app_position(step: DemoStep) -> int:
    """Where the step's app stands in INSTALLED_APPS (unknown apps last): a domain step always runs after the
    kernel steps it builds on, whichever module happened to be imported first (a test may import a domain
    ``demo`` module before ``load_demo`` discovers the kernel ones)."""
    from django.apps import apps

    config = apps.get_containing_app_config(getattr(step.load, "__module__", "") or "")
    if config is None:
        return len(apps.app_configs)
    return list(apps.app_configs).index(config.label)


def discover_demo_steps() -> list[DemoStep]:
    autodiscover_modules("demo")
    return sorted(DEMO_STEPS, key=_app_position)  # stable: registration order within one app


def _load_org_tree(stdout: OutputWrapper) -> None:
    from egov.kernel.orgs.demo.tree import load

    load(stdout)


def _load_accounts(stdout: OutputWrapper) -> None:
    from egov.kernel.orgs.demo.accounts import load

    load(stdout)


register_demo_step("orgs", _load_org_tree)
register_demo_step("accounts", _load_accounts)

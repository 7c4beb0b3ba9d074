"""Factories of the agency tests: the shared people and units, plus agent rules."""

from __future__ import annotations

import factory

from egov.domain.agency.models import AgentRule
from egov.kernel.access.tests.factories import grant
from egov.kernel.accounts.tests.factories import PersonFactory, StaffFactory
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["AgentRuleFactory", "OrgUnitFactory", "PersonFactory", "StaffFactory", "grant"]


class AgentRuleFactory(factory.django.DjangoModelFactory[AgentRule]):
    """Writes the row directly: a starting state, not an exercise of ``agent_rule_save``."""

    class Meta:
        model = AgentRule

    name = factory.Sequence(lambda n: f"代办规则{n}")
    county = None
    theme_codes = factory.LazyFunction(list)
    agent_unit = factory.SubFactory(OrgUnitFactory)
    priority = 100

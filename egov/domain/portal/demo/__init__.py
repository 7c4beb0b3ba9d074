"""Demo step "portal": the site cluster (League portal, three departments, six county-level units) with
columns, articles, notices, policy documents, interpretations and leaders — all marked 演示数据 — plus the
founding document as an article, an mn translation of the League home page, Wagtail sites, editor groups
and the three-step review workflow."""

from __future__ import annotations

from django.core.management.base import OutputWrapper

from egov.kernel.orgs.demo import register_demo_step


def load(stdout: OutputWrapper) -> None:
    from egov.domain.portal.demo.content import load as load_content

    load_content(stdout)


register_demo_step("portal", load)

"""Editors are confined to their own site: Wagtail groups derived from our role assignments."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from egov.domain.portal.services import publish_page, sync_site_groups, unpublish_page
from egov.domain.portal.tests.factories import StaffFactory, add_page, article, column, grant, make_site
from egov.kernel.access.policy import AccessDenied
from egov.kernel.accounts.models import User
from egov.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _edit_url(page: object) -> str:
    return f"/office/cms/pages/{page.pk}/edit/"  # type: ignore[attr-defined]


def test_role_assignments_become_wagtail_groups_of_that_site_only(django_capture_on_commit_callbacks) -> None:
    # given two sites and an editor of the first one
    site_a, site_b = make_site("sitea"), make_site("siteb")
    editor = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grant(editor, "editor", site_a.org_unit)
    # then the editor is in site A's editor group, whose permissions are rooted at site A's home page
    assert list(editor.groups.values_list("name", flat=True)) == ["sitea·网站编辑"]
    group = Group.objects.get(name="sitea·网站编辑")
    assert set(group.page_permissions.values_list("page_id", flat=True)) == {site_a.pk}
    # and Wagtail lets them edit pages of A but not of B
    page_a = add_page(column(site_a, "zwdt"), article("A站文章"))
    page_b = add_page(column(site_b, "zwdt"), article("B站文章"))
    assert page_a.permissions_for_user(editor).can_edit()
    assert not page_b.permissions_for_user(editor).can_edit()
    assert not page_a.permissions_for_user(editor).can_publish()  # editors submit for review


def test_editor_of_one_site_cannot_open_another_sites_page_in_the_cms(django_capture_on_commit_callbacks) -> None:
    site_a, site_b = make_site("sitea"), make_site("siteb")
    editor = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        grant(editor, "editor", site_a.org_unit)
    page_a = add_page(column(site_a, "zwdt"), article("A站文章"))
    page_b = add_page(column(site_b, "zwdt"), article("B站文章"))
    client = Client()
    client.force_login(editor)
    assert client.get(_edit_url(page_a)).status_code == 200
    response = client.get(_edit_url(page_b))
    assert response.status_code in (302, 403)
    # nor save a change into it
    response = client.post(_edit_url(page_b), {"title": "篡改", "slug": page_b.slug})
    assert response.status_code in (302, 403)
    page_b.refresh_from_db()
    assert page_b.title == "B站文章" and page_b.get_latest_revision().content["title"] == "B站文章"


def test_chief_editor_may_publish_and_revoking_the_role_removes_the_group(django_capture_on_commit_callbacks) -> None:
    site = make_site("sitea")
    chief = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = grant(chief, "chief_editor", site.org_unit)
    page = add_page(column(site, "zwdt"), article())
    assert page.permissions_for_user(chief).can_publish()
    with django_capture_on_commit_callbacks(execute=True):
        assignment.delete()
    assert not chief.groups.exists()
    chief = User.objects.get(pk=chief.pk)  # a new request: no cached permissions
    assert not page.permissions_for_user(chief).can_edit()


def test_role_covering_subunits_counts_for_a_site_below() -> None:
    site = make_site("sitea")
    parent_unit = site.org_unit
    from egov.kernel.orgs.tests.factories import OrgUnitFactory

    child_unit = OrgUnitFactory(parent=parent_unit)
    child_site = make_site("child", unit=child_unit)
    chief = StaffFactory()
    grant(chief, "chief_editor", parent_unit, include_subunits=True)
    sync_site_groups()
    assert set(chief.groups.values_list("name", flat=True)) == {"sitea·网站主编", "child·网站主编"}
    assert child_site.permissions_for_user(chief).can_publish_subpage()


def test_publish_service_needs_portal_publish_at_the_sites_unit() -> None:
    # given a draft on site A, an editor of A and a chief editor of site B
    site_a, site_b = make_site("sitea"), make_site("siteb")
    draft = add_page(column(site_a, "zwdt"), article("草稿"), live=False)
    editor, other_chief, chief = StaffFactory(), StaffFactory(), StaffFactory()
    grant(editor, "editor", site_a.org_unit)
    grant(other_chief, "chief_editor", site_b.org_unit)
    grant(chief, "chief_editor", site_a.org_unit)
    before = AuditEntry.objects.filter(action="portal.page_publish").count()
    # when those without the right try to publish, nothing changes
    for actor in (editor, other_chief):
        with pytest.raises(AccessDenied):
            publish_page(actor=actor, page=draft)
        draft.refresh_from_db()
        assert not draft.live
    assert AuditEntry.objects.filter(action="portal.page_publish").count() == before
    # and the chief editor of A publishes it, audited
    publish_page(actor=chief, page=draft)
    draft.refresh_from_db()
    assert draft.live
    assert AuditEntry.objects.filter(action="portal.page_publish", actor=chief).count() == 1
    unpublish_page(actor=chief, page=draft)
    draft.refresh_from_db()
    assert not draft.live

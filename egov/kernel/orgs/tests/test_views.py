"""The office org tree page and unit page: orgs.view required, tree collapsible without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from egov.kernel.access.tests.factories import grant
from egov.kernel.orgs.services import membership_add
from egov.kernel.orgs.tests.conftest import SmallTree
from egov.kernel.orgs.tests.factories import PositionFactory, StaffFactory


@pytest.fixture
def viewer(small_tree: SmallTree, client: Client) -> Client:
    user = StaffFactory()
    grant(user, "handler", small_tree.league, include_subunits=True)
    client.force_login(user)
    return client


def test_the_tree_page_needs_a_signed_in_user(small_tree: SmallTree, client: Client) -> None:
    response = client.get(reverse("orgs:tree"))

    assert response.status_code == 302


def test_the_tree_page_needs_orgs_view(small_tree: SmallTree, client: Client) -> None:
    client.force_login(StaffFactory())

    response = client.get(reverse("orgs:tree"))

    assert response.status_code == 403


def test_the_tree_page_shows_every_unit_in_collapsible_branches(viewer: Client) -> None:
    response = viewer.get(reverse("orgs:tree"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "共 7 个机构" in html
    assert html.count('<details class="org-branch" open>') == 1  # the League is unfolded
    assert html.count('<details class="org-branch"') == 5  # every unit with sub-units; leaves are plain items
    assert 'title="科尔沁右翼前旗民政局"' in html
    assert reverse("orgs:unit_detail", args=["152224-MZJ"]) in html


def test_the_unit_page_lists_members_and_sub_units(small_tree: SmallTree, viewer: Client) -> None:
    membership_add(
        user=StaffFactory(real_name="白金山"), org_unit=small_tree.qianqi_mz, position=PositionFactory(name="局长")
    )

    response = viewer.get(reverse("orgs:unit_detail", args=["152221-MZJ"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>科尔沁右翼前旗民政局</h1>" in html
    assert "白金山" in html
    assert "局长" in html
    assert "社会救助科" in html


def test_an_unknown_unit_is_404(viewer: Client) -> None:
    assert viewer.get(reverse("orgs:unit_detail", args=["NOPE"])).status_code == 404

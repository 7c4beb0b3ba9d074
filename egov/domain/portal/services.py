"""Writing the portal outside the Wagtail editor: publishing, review steps, sites, editor groups, workflows.

The Wagtail editor (/office/cms/) is the main way editors work; its permissions come from the Wagtail groups
that ``sync_site_groups`` derives from our roles (editor / chief_editor / portal_reviewer assigned at a
site's org unit). The functions here are what the demo, the tests and commands use, with the platform's
own permission checks and audit records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from egov.domain.portal.checks import publish_problems
from egov.domain.portal.models import HomePage, PortalPage
from egov.kernel.access.models import RoleAssignment
from egov.kernel.access.policy import clear_cache, require
from egov.kernel.accounts.models import User
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.orgs.models import OrgUnit


@dataclass(frozen=True)
class SiteRole:
    role: str  # our role code
    label: str  # group name suffix
    page_permissions: tuple[str, ...]  # Wagtail page permission codenames on the site's pages


SITE_ROLES = (
    SiteRole("editor", "网站编辑", ("add_page", "change_page")),
    SiteRole("portal_reviewer", "网站审核员", ("add_page", "change_page")),
    SiteRole("chief_editor", "网站主编", ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")),
)
# Which of the site's groups approve each review step (三审).
REVIEW_STEPS = (
    ("初审", ("portal_reviewer", "chief_editor")),
    ("复审", ("portal_reviewer", "chief_editor")),
    ("终审", ("chief_editor",)),
)
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def site_org_unit(page: Page) -> OrgUnit | None:
    home = page.specific.home if isinstance(page.specific, PortalPage) else None
    return home.org_unit if home else None


def _specific(page: Page) -> PortalPage:
    specific = page.specific
    if not isinstance(specific, PortalPage):
        raise Rejected("not_portal_page", "该页面不属于门户网站群", field="page")
    return specific


# ---------------------------------------------------------------- publishing


@transaction.atomic
def publish_page(*, actor: User, page: Page) -> PortalPage:
    """Publish the page's latest content now (or at its ``go_live_at``, which schedules it): the publishing
    checks must pass. Needs ``portal.publish`` at the site's org unit."""
    page = _specific(page)
    require(actor, "portal.publish", site_org_unit(page), target=page)
    problems = publish_problems(page)
    if problems:
        raise Rejected("publish_blocked", "；".join(problems), field="body")
    revision = page.save_revision(user=actor, log_action=True)
    revision.publish(user=actor, skip_permission_checks=True)
    page.refresh_from_db()
    scheduled = bool(page.go_live_at and page.go_live_at > timezone.now())
    audit_record(
        actor=actor,
        action="portal.page_schedule" if scheduled else "portal.page_publish",
        target=page,
        target_repr=page.title,
        org_unit=site_org_unit(page),
        detail={"revision": revision.pk, "go_live_at": page.go_live_at.isoformat() if page.go_live_at else None},
    )
    return page


@transaction.atomic
def unpublish_page(*, actor: User, page: Page) -> PortalPage:
    page = _specific(page)
    require(actor, "portal.publish", site_org_unit(page), target=page)
    if not page.live:
        raise Conflict("not_live", "该页面当前未发布")
    # our permission check above is authoritative (Wagtail's groups follow it after commit)
    UnpublishPageAction(page, user=actor).execute(skip_permission_checks=True)
    audit_record(
        actor=actor, action="portal.page_unpublish", target=page, target_repr=page.title, org_unit=site_org_unit(page)
    )
    return page


@transaction.atomic
def submit_for_review(*, actor: User, page: Page) -> PortalPage:
    """Start the site's three-step review (初审 → 复审 → 终审) for the page's latest content."""
    page = _specific(page)
    require(actor, "portal.edit", site_org_unit(page), target=page)
    problems = publish_problems(page)
    if problems:
        raise Rejected("publish_blocked", "；".join(problems), field="body")
    workflow = page.get_workflow()
    if workflow is None:
        raise Conflict("no_workflow", "本站点尚未配置审核流程，请联系网站管理员")
    if page.workflow_in_progress:
        raise Conflict("in_review", "该页面正在审核中")
    page.save_revision(user=actor, log_action=True)
    workflow.start(page, actor)
    audit_record(
        actor=actor, action="portal.page_submit", target=page, target_repr=page.title, org_unit=site_org_unit(page)
    )
    return page


@transaction.atomic
def review_step(*, actor: User, page: Page, approve: bool, comment: str = "") -> str:
    """Approve or reject the current review step as one of its group's members. Returns the step's name.
    Approving the last step (终审) publishes the page."""
    page = _specific(page)
    require(actor, "portal.review", site_org_unit(page), target=page)
    state = page.current_workflow_task_state
    if state is None:
        raise Conflict("not_in_review", "该页面没有待审核的步骤")
    task = state.task.specific
    actions = {name for name, *_rest in task.get_actions(page, actor)}
    wanted = "approve" if approve else "reject"
    if wanted not in actions:
        raise Rejected("not_reviewer", f"您不是“{task.name}”步骤的审核人", field="page")
    if approve and task.name.endswith("终审"):
        problems = publish_problems(page.get_latest_revision_as_object())
        if problems:
            raise Rejected("publish_blocked", "；".join(problems), field="body")
    task.on_action(state, actor, wanted, comment=comment)
    audit_record(
        actor=actor,
        action="portal.review_approve" if approve else "portal.review_reject",
        target=page,
        target_repr=page.title,
        org_unit=site_org_unit(page),
        detail={"step": task.name},
    )
    return str(task.name)


# ---------------------------------------------------------------- sites, groups, workflows


def group_name(home: HomePage, role: str) -> str:
    label = next(r.label for r in SITE_ROLES if r.role == role)
    return f"{home.site_key}·{label}"


def ensure_site(home: HomePage, *, default: bool = False) -> Site:
    """The Wagtail Site for a home page: its host name (``home.host`` or ``<key>.localhost``)."""
    hostname = home.host or f"{home.site_key}.localhost"
    site = Site.objects.filter(root_page=home).first() or Site.objects.filter(hostname=hostname, port=80).first()
    if site is None:
        site = Site(hostname=hostname, port=80, root_page=home)
    site.hostname, site.root_page, site.site_name = hostname, home, home.site_name
    if default:
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        site.is_default_site = True
    site.save()
    return site


def _users_with_role(role: str, unit: OrgUnit) -> list[int]:
    now = timezone.now()
    covering = Q(org_unit=unit) | Q(include_subunits=True, org_unit__path__in=_ancestor_paths(unit))
    return list(
        RoleAssignment.objects.filter(covering, role__code=role)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    return list(OrgUnit.objects.filter(pk__in=_ancestor_ids(unit)).values_list("path", flat=True))


def _ancestor_ids(unit: OrgUnit) -> list[int]:
    ids, current = [], unit.parent
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


@transaction.atomic
def sync_site_groups() -> dict[str, int]:
    """Derive the Wagtail groups of every site from our role assignments: for each site's org unit and each
    of editor / portal_reviewer / chief_editor, a group "<site_key>·<role>" with page permissions on that
    site's home page (and its translations) only, and as members the users holding the role there.
    System function (called after role changes and by the demo); returns {group name: member count}."""
    homes = list(HomePage.objects.filter(locale__language_code=_default_language()).select_related("org_unit"))
    if not homes:
        return {}
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    root_collection = Collection.get_first_root_node()
    members: dict[int, set[int]] = {}
    result: dict[str, int] = {}
    managed_groups: list[Group] = []
    for home in homes:
        roots = [home, *home.get_translations()]
        for site_role in SITE_ROLES:
            group, _ = Group.objects.get_or_create(name=group_name(home, site_role.role))
            managed_groups.append(group)
            group.permissions.add(access_admin)
            for codename in site_role.page_permissions:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                for root in roots:
                    GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
            for app_label, codename in COLLECTION_PERMISSIONS:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
            users = set(_users_with_role(site_role.role, home.org_unit)) if home.org_unit else set()
            members[group.pk] = users
            result[group.name] = len(users)
    for group in managed_groups:
        wanted = members[group.pk]
        current = set(group.user_set.values_list("pk", flat=True))
        if wanted - current:
            group.user_set.add(*wanted - current)
        if current - wanted:
            group.user_set.remove(*current - wanted)
        for user in User.objects.filter(pk__in=wanted ^ current):
            clear_cache(user)
    return result


def _default_language() -> str:
    from wagtail.models import Locale

    return str(Locale.get_default().language_code)


@transaction.atomic
def ensure_site_workflow(home: HomePage) -> Workflow:
    """The site's review workflow 初审 → 复审 → 终审 (GroupApprovalTask each), assigned to its home page."""
    name = f"{home.site_name}三审"
    workflow, _ = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    for order, (step, roles) in enumerate(REVIEW_STEPS):
        task_name = f"{home.site_key}·{step}"
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name)
        groups = [Group.objects.get_or_create(name=group_name(home, role))[0] for role in roles]
        task.groups.set(groups)
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    for root in [home, *home.get_translations()]:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def configure_site(home: HomePage, *, default: bool = False) -> dict[str, Any]:
    """Site + groups + workflow for one home page (idempotent)."""
    site = ensure_site(home, default=default)
    workflow = ensure_site_workflow(home)
    groups = sync_site_groups()
    return {"site": site, "workflow": workflow, "groups": groups}

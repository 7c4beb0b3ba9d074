"""The office workbench side navigation: one list, filtered by the access layer so a person only sees
the places they may enter (least privilege also in what is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.kernel.access.policy import has_perm


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str | None = None
    path: str | None = None
    perm: str | tuple[str, ...] | None = None  # any one of them opens the entry

    @property
    def url(self) -> str | None:
        if self.path:
            return self.path
        if self.url_name:
            try:
                return reverse(self.url_name)
            except NoReverseMatch:  # the app serving it is not installed in this zone/build
                return None
        return None


OFFICE_NAV: tuple[NavEntry, ...] = (
    NavEntry("workbench", _("工作台"), url_name="web:office_home"),
    NavEntry("tasks", _("待办"), url_name="workflow:worklist"),
    # acceptors, and whoever holds a step of an application (joint review, the decision)
    NavEntry(
        "applications", _("受理办件"), url_name="services:office_list", perm=("services.accept", "workflow.handle")
    ),
    NavEntry("results", _("办理结果"), url_name="results:office_index", perm="workflow.handle"),
    NavEntry("agency", _("全程代办"), url_name="agency:dashboard", perm="services.agent"),
    NavEntry("evaluations", _("好差评"), url_name="agency:evaluations", perm="services.rectify"),
    NavEntry("data", _("信息资源目录"), url_name="data:office_entries", perm="data.manage"),
    NavEntry("data_reviews", _("目录审核"), url_name="data:office_reviews", perm="data.review"),
    NavEntry(
        "exchange",
        _("数据共享交换"),
        url_name="exchange:dashboard",
        perm=("data.request", "data.manage", "data.review"),
    ),
    NavEntry("inspection", _("网站检查"), url_name="inspection:dashboard", perm="portal.inspect"),
    NavEntry("orgs", _("组织机构"), url_name="orgs:tree", perm="orgs.view"),
    NavEntry("access", _("用户与权限"), path="/office/access/", perm="access.assign_roles"),
    NavEntry("calendar", _("工作日历"), url_name="calendar:current_year", perm="system.configure"),
    NavEntry("audit", _("安全审计"), path="/office/audit/", perm="audit.view"),
    NavEntry("cms", _("内容管理"), path="/office/cms/", perm="portal.edit"),
    NavEntry("admin", _("系统管理"), path="/office/django-admin/", perm="system.configure"),
)


def _is_active(url: str, current_path: str, *, exact_only: bool) -> bool:
    return current_path == url or (not exact_only and current_path.startswith(url))


def office_nav(user: Any, *, current_path: str = "") -> list[dict[str, Any]]:
    """Entries the user may open, with their URL; entries whose page does not exist yet are left out."""
    entries = []
    for entry in OFFICE_NAV:
        perms = (entry.perm,) if isinstance(entry.perm, str) else entry.perm or ()
        if perms and not any(has_perm(user, perm) for perm in perms):
            continue
        url = entry.url
        if url is None:
            continue
        active = _is_active(url, current_path, exact_only=entry.key == "workbench")
        entries.append({"key": entry.key, "label": entry.label, "url": url, "active": active})
    return entries


#: Public site columns; until a domain app serves one, the link goes to its section of the home page.
PUBLIC_NAV: tuple[tuple[str, str | Promise, str, str], ...] = (
    ("home", _("首页"), "web:home", "/"),
    ("disclosure", _("政务公开"), "disclosure:index", "/#section-disclosure"),
    ("services", _("政务服务"), "services:index", "/#section-services"),
    ("interaction", _("互动交流"), "interaction:index", "/#section-interaction"),
    ("data", _("数据开放"), "data:index", "/#section-data"),
    ("sites", _("网站群"), "portal:site_index", "/sites/"),
    ("progress", _("办件查询"), "services:progress", "/services/progress/"),
    ("verify", _("证照核验"), "results:verify_form", "/verify/"),
)


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def public_nav(*, current_path: str = "") -> list[dict[str, Any]]:
    entries = []
    for key, label, url_name, fallback in PUBLIC_NAV:
        url = _reverse_or_none(url_name) or fallback
        active = _is_active(url, current_path, exact_only=key == "home") and "#" not in url
        entries.append({"key": key, "label": label, "url": url, "active": active})
    return entries


#: The five entries of the home page (我要办事 / 我要查询 / 政务公开 / 互动交流 / 数据开放).
HOME_ENTRIES: tuple[tuple[str, str | Promise, str | Promise, str], ...] = (
    ("services", _("我要办事"), _("个人和法人办事指南、在线申报"), "services:index"),
    ("query", _("我要查询"), _("办件进度、电子证照、结果公示"), "services:progress"),
    ("disclosure", _("政务公开"), _("政策文件、政府信息公开目录"), "disclosure:index"),
    ("interaction", _("互动交流"), _("领导信箱、咨询投诉、意见征集"), "interaction:index"),
    ("data", _("数据开放"), _("公共数据目录与开放接口"), "data:index"),
)


def home_entries() -> list[dict[str, Any]]:
    """Home page entries; one whose app is not serving yet is shown as 建设中 rather than a dead link."""
    return [
        {"key": key, "label": label, "description": description, "url": _reverse_or_none(url_name)}
        for key, label, description, url_name in HOME_ENTRIES
    ]

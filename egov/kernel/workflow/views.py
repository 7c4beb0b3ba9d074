"""The staff workbench: the four lists, the case page with its action forms, the diagram and the start form.

Views stay thin: reads go through ``selectors``, every change through one ``services`` function. Typed errors
become Chinese messages on the page (the form keeps what was typed); nothing here should ever be a 500.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.kernel.access.policy import AccessDenied, has_perm, record_denial, units_with_perm
from egov.kernel.accounts.models import User
from egov.kernel.calendar.deadlines import beijing_today, remaining_working_days
from egov.kernel.calendar.selectors import unconfigured_years_warning
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.files.models import StoredFile
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow import selectors, services
from egov.kernel.workflow.forms import (
    OUTCOME_LABELS,
    CompleteForm,
    ExtendForm,
    ResumeForm,
    ReturnForm,
    StartForm,
    SuspendForm,
    TransferForm,
    WorklistFilterForm,
    published_definitions,
)
from egov.kernel.workflow.models import (
    ACTIVE_ITEM_STATUSES,
    Case,
    CaseStatus,
    Light,
    SuspensionReason,
    WorkItem,
)
from egov.kernel.workflow.policies import CaseOwner, case_owner, owns

HANDLE = "workflow.handle"
PAGE_SIZE = 20
LIST_TITLES = {
    "todo": gettext_lazy("待办"),
    "warned": gettext_lazy("超期/预警"),
    "done": gettext_lazy("已办"),
    "started": gettext_lazy("我发起的"),
}
ITEM_ACTIONS = ("claim", "unclaim", "complete", "return", "transfer", "withdraw")
CASE_ACTIONS = ("suspend", "resume", "extend")
APPROVER_ROLES = ("office_head", "leader")

View = Callable[..., HttpResponseBase]


def staff_only(view: View) -> View:
    """Signed-in staff only: anonymous people go to the staff sign-in, citizens get a 403 page."""

    @login_required(login_url="accounts:office_login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _user(request).is_staff_member and not request.user.is_superuser:
            raise PermissionDenied(_("工作台仅供公职人员使用"))
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``staff_only``)."""
    return cast(User, request.user)


# --- presentation helpers -----------------------------------------------------------------------------


def light_label(light: str) -> str:
    return str(Light(light).label) if light in Light.values else ""


def remaining_text(due: date | None, today: date) -> str:
    """剩余 n 个工作日 / 今日到期 / 超期 n 个工作日 — the number a handler plans the day by."""
    if due is None:
        return _("无时限")
    left = remaining_working_days(due, today)
    if left > 0:
        return _("剩余 %(n)s 个工作日") % {"n": left}
    if left == 0:
        return _("今日到期")
    return _("超期 %(n)s 个工作日") % {"n": -left}


def _owner_link(case: Case) -> tuple[str, str]:
    """(url, place) of the domain page where a case a domain app owns is handled; "" for what is missing."""
    owner = case_owner(case.subject_type)
    if owner is None:
        return "", ""
    return (owner.url(case) or "") if owner.url is not None else "", owner.place


def _item_row(item: WorkItem, today: date) -> dict[str, Any]:
    owner_url, owner_place = _owner_link(item.case) if item.is_active else ("", "")
    return {
        "owner_url": owner_url,
        "owner_place": owner_place,
        "number": item.case.number,
        "title": item.case.title,
        "step": item.title,
        "org_unit": item.org_unit.display_name,
        "status": item.get_status_display(),
        "who": item.assignee.display_name if item.assignee else _("待认领"),
        "at": item.completed_at or item.created_at,
        "due_on": item.due_on,
        "light": item.light,
        "light_label": light_label(item.light),
        "remaining": remaining_text(item.due_on, today) if item.is_active else "",
        "opinion": item.opinion,
    }


def _case_row(case: Case, today: date) -> dict[str, Any]:
    return {
        "number": case.number,
        "title": case.title,
        "step": case.current_steps or case.get_status_display(),
        "org_unit": case.org_unit.display_name,
        "status": case.get_status_display(),
        "who": "",
        "at": case.started_at,
        "due_on": case.watch_due_on,
        "light": case.light,
        "light_label": light_label(case.light),
        "remaining": remaining_text(case.watch_due_on, today) if case.status == CaseStatus.OPEN else "",
        "opinion": "",
    }


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {key: value for key, value in {**params, **changes}.items() if value not in ("", None)}
    return "?" + urlencode(merged) if merged else "?"


def _process_choices() -> list[tuple[str, str]]:
    return [(definition.key, definition.name) for definition in published_definitions()]


# --- lists --------------------------------------------------------------------------------------------


@staff_only
@require_GET
def worklist_home(request: HttpRequest) -> HttpResponse:
    return redirect("workflow:list", kind="todo")


@staff_only
@require_GET
def worklist_view(request: HttpRequest, kind: str) -> HttpResponse:
    """One of 待办 / 超期预警 / 已办 / 我发起的, filtered, sorted and paged; bad filters are a 400 with reasons."""
    if kind not in selectors.WORKLIST_KINDS:
        raise Http404(_("没有这个列表"))
    user = _user(request)
    form = WorklistFilterForm(
        request.GET, kind=kind, units=units_with_perm(user, HANDLE).order_by("path"), processes=_process_choices()
    )
    rows: list[Any] = []
    total, page, status = 0, 1, 200
    counts: dict[str, int] | None = None
    if form.is_valid():
        data = form.cleaned_data
        page = data["page"] or 1
        filters = selectors.WorklistFilters(
            process_key=data["process"],
            org_unit=data["org_unit"],
            light=data["light"],
            since=data["since"],
            until=data["until"],
        )
        try:
            result = selectors.worklist_page(
                user, kind, filters=filters, sort=data["sort"], page=page, page_size=PAGE_SIZE
            )
            rows, total, counts = result.rows, result.total, result.counts
        except Rejected as exc:
            form.add_error(None, exc.message)
            status = 400
    else:
        status = 400
    today = beijing_today()
    table = [_case_row(row, today) if kind == "started" else _item_row(row, today) for row in rows]
    params = {key: value for key, value in request.GET.items() if key in form.fields and key != "page"}
    pages = max(1, math.ceil(total / PAGE_SIZE))
    counts = counts if counts is not None else selectors.worklist_counts(user)
    context = {
        "kind": kind,
        "title": LIST_TITLES[kind],
        "tabs": [
            {"kind": key, "title": LIST_TITLES[key], "count": counts[key], "url": reverse("workflow:list", args=[key])}
            for key in selectors.WORKLIST_KINDS
        ],
        "form": form,
        "rows": table,
        "total": total,
        "page": page,
        "pages": pages,
        "previous_query": _query(params, page=page - 1) if page > 1 else "",
        "next_query": _query(params, page=page + 1) if page < pages else "",
        "page_beyond": bool(total) and page > pages,
        "filtered": any(params.get(key) for key in ("process", "org_unit", "light", "since", "until")),
    }
    return render(request, "workflow/worklist.html", context, status=status)


@staff_only
@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    """The 待办 panel of the office home page (loaded by htmx; the page links here without JavaScript)."""
    result = selectors.worklist_page(_user(request), "todo", page_size=5)
    today = beijing_today()
    context = {"rows": [_item_row(row, today) for row in result.rows], "total": result.total, "counts": result.counts}
    return render(request, "workflow/home_panel.html", context)


# --- the case page ------------------------------------------------------------------------------------


def _case_or_404(user: User, number: str) -> Case:
    """Visible case or 404; someone who may not see it gets the access layer's 403 (audited)."""
    try:
        return selectors.case_for_user(user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _active_items(case: Case) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(case=case, status__in=ACTIVE_ITEM_STATUSES)
        .select_related("case", "org_unit", "assignee", "queue_org_unit", "sent_by")
        .order_by("created_at", "pk")
    )


def _transfer_users(item: WorkItem, actor: User) -> QuerySet[User]:
    return services.queue_members(item.org_unit, "handler").exclude(pk=actor.pk).order_by("real_name")


def _approvers(case: Case) -> QuerySet[User]:
    ids: set[int] = set()
    for role in APPROVER_ROLES:
        ids.update(services.queue_members(case.org_unit, role).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("real_name")


def _item_forms(item: WorkItem, actor: User, case: Case, actions: set[str]) -> dict[str, forms.Form]:
    built: dict[str, forms.Form] = {}
    if "complete" in actions:
        built["complete"] = CompleteForm(initial={"version": item.version}, prefix=f"i{item.pk}")
    if "return" in actions:
        built["return"] = ReturnForm(steps=selectors.returnable_steps(case), prefix=f"i{item.pk}")
    if "transfer" in actions:
        built["transfer"] = TransferForm(
            users=_transfer_users(item, actor),
            units=OrgUnit.objects.filter(is_active=True).order_by("path"),
            prefix=f"i{item.pk}",
        )
    return built


def _case_forms(case: Case) -> dict[str, forms.Form]:
    if case.status == CaseStatus.OPEN:
        return {"suspend": SuspendForm(prefix="case"), "extend": ExtendForm(approvers=_approvers(case), prefix="case")}
    if case.status == CaseStatus.SUSPENDED:
        return {"resume": ResumeForm(prefix="case"), "extend": ExtendForm(approvers=_approvers(case), prefix="case")}
    return {}


def _without_owned(case_forms: dict[str, forms.Form], owner: CaseOwner, case: Case) -> dict[str, forms.Form]:
    """The case forms its owning app leaves to the workbench: no 补正 suspension where the owner sends the
    补正 notice, no resumption of such a stop (the applicant's supplement restarts it)."""
    kept = {name: form for name, form in case_forms.items() if not owns(owner, name)}
    if "resume" in kept and owns(owner, "resume", services.last_suspension_reason(case)):
        del kept["resume"]
    suspend = kept.get("suspend")
    if suspend is not None:
        field = cast(forms.ChoiceField, suspend.fields["reason_code"])
        field.choices = [(code, label) for code, label in SuspensionReason.choices if not owns(owner, "suspend", code)]
    return kept


def _mark_opened(actor: User, items: list[WorkItem], actions: dict[int, set[str]]) -> None:
    """The first time the person who is to handle an item sees it, it counts as opened (no more 撤回)."""
    for item in items:
        if item.opened_at is None and "complete" in actions[item.pk] and item.sent_by_id != actor.pk:
            services.work_item_open(actor=actor, item=item)


def _timeline_row(entry: selectors.TimelineEntry) -> dict[str, Any]:
    """A step's outcome is shown in words (同意), not as the code the gateways route on."""
    detail = entry.detail
    if entry.kind == "item":
        item = entry.obj
        detail = "；".join(part for part in (str(OUTCOME_LABELS.get(item.outcome, item.outcome)), item.opinion) if part)
    return {
        "at": entry.at,
        "kind": entry.kind,
        "title": entry.title,
        "actor": entry.actor,
        "detail": detail,
        "obj": entry.obj,
    }


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    bound: tuple[str, int | None, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page; ``bound`` puts a submitted form (with its errors and what was typed) back in place."""
    user = _user(request)
    today = beijing_today()
    items = _active_items(case)
    actions = {item.pk: selectors.available_actions(user, item) for item in items}
    if request.method == "GET":
        _mark_opened(user, items, actions)
    owner = case_owner(case.subject_type)
    if owner is not None:  # its own app does these (policies.CaseOwner); the page links there instead
        actions = {pk: allowed - owner.actions for pk, allowed in actions.items()}
    may_handle_case = case.is_active and has_perm(user, HANDLE, case.org_unit)
    case_forms = _case_forms(case) if may_handle_case else {}
    if owner is not None:
        case_forms = _without_owned(case_forms, owner, case)
    item_blocks = []
    for item in items:
        item_forms = _item_forms(item, user, case, actions[item.pk])
        if bound and bound[1] == item.pk and bound[0] in item_forms:
            item_forms[bound[0]] = bound[2]
        item_blocks.append(
            {
                "item": item,
                "actions": actions[item.pk],
                "forms": item_forms,
                "light_label": light_label(item.light),
                "remaining": remaining_text(item.due_on, today),
                "queue": item.queue_org_unit.display_name if item.queue_org_unit else "",
            }
        )
    if bound and bound[1] is None and bound[0] in case_forms:
        case_forms[bound[0]] = bound[2]
    timeline = [_timeline_row(entry) for entry in selectors.case_timeline(case)]
    done_steps = sorted(selectors.passed_elements(case))
    years = {today.year} | ({case.watch_due_on.year} if case.watch_due_on else set())
    owner_url, owner_place = _owner_link(case)
    context = {
        "case": case,
        "owner_place": owner_place,
        "owner_url": owner_url,
        "applicant": case.applicant.real_name_masked if case.applicant and case.applicant.real_name else "",
        "light_label": light_label(case.light),
        "remaining": remaining_text(case.watch_due_on, today) if case.status == CaseStatus.OPEN else "",
        "calendar_warnings": unconfigured_years_warning(years),
        "items": item_blocks,
        "case_forms": case_forms,
        "timeline": timeline,
        "attachments": StoredFile.objects.filter(related_type=Case._meta.label_lower, related_id=str(case.pk)),
        "current_steps": " ".join(sorted({item.step for item in items})),
        "done_steps": " ".join(done_steps),
    }
    return render(request, "workflow/case_detail.html", context, status=status)


@staff_only
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_case(request, _case_or_404(_user(request), number))


BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
_SIZES = {"Event": (36, 36), "Gateway": (50, 50)}


def _size(tag: str) -> tuple[int, int]:
    return next((size for suffix, size in _SIZES.items() if tag.endswith(suffix)), (110, 70))


def _layers(nodes: list[str], edges: list[tuple[str, str, str]]) -> tuple[dict[str, int], set[str]]:
    """Column of each node (longest path from the start, ignoring loops) and the ids of the loop edges."""
    outgoing: dict[str, list[tuple[str, str]]] = {node: [] for node in nodes}
    incoming = {node: 0 for node in nodes}
    for flow, source, target in edges:
        if source in outgoing and target in incoming:
            outgoing[source].append((flow, target))
            incoming[target] += 1
    back: set[str] = set()
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for flow, target in outgoing[node]:
            if state.get(target) == 1:
                back.add(flow)
            elif target not in state:
                visit(target)
        state[node] = 2

    for node in sorted(nodes, key=lambda n: incoming[n] != 0):
        if node not in state:
            visit(node)
    layer = dict.fromkeys(nodes, 0)
    for _round in nodes:  # longest path by relaxation; the graph without loop edges is acyclic
        for flow, source, target in edges:
            if flow not in back and source in layer and target in layer:
                layer[target] = max(layer[target], layer[source] + 1)
    return layer, back


def diagram_xml(bpmn_xml: str) -> str:
    """The definition as the viewer needs it: a file drawn in a modeler is returned as it is; a hand-written
    one (no diagram interchange) gets a simple left-to-right layout so the viewer can still show it."""
    from lxml import etree

    root = etree.fromstring(bpmn_xml.encode("utf-8"))
    if root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None:
        return bpmn_xml
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", nsmap={"bpmndi": BPMNDI, "dc": DC, "di": DI})
    for process in root.iter(f"{{{BPMN}}}process"):
        plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", bpmnElement=process.get("id", ""))
        tags = {
            child.get("id", ""): etree.QName(child).localname
            for child in process
            if isinstance(child.tag, str)
            and child.get("id")
            and etree.QName(child).localname
            not in {"sequenceFlow", "extensionElements", "documentation", "laneSet", "textAnnotation", "association"}
        }
        flows = [
            (flow.get("id", ""), flow.get("sourceRef", ""), flow.get("targetRef", ""))
            for flow in process.iter(f"{{{BPMN}}}sequenceFlow")
        ]
        layer, back = _layers(list(tags), flows)
        columns: dict[int, list[str]] = {}
        for node in tags:
            columns.setdefault(layer[node], []).append(node)
        tallest = max(len(column) for column in columns.values()) if columns else 1
        boxes: dict[str, tuple[float, float, int, int]] = {}
        for index, column in sorted(columns.items()):
            for row, node in enumerate(column):
                width, height = _size(tags[node])
                cx, cy = 80 + index * 170, 80 + (row + (tallest - len(column)) / 2) * 120
                boxes[node] = (cx - width / 2, cy - height / 2, width, height)
                shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node}_di", bpmnElement=node)
                x, y, w, h = boxes[node]
                etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))
        bottom = max((y + h for _x, y, _w, h in boxes.values()), default=0) + 40
        top = min((y for _x, y, _w, _h in boxes.values()), default=0) - 30
        lanes = 0
        for flow, source, target in flows:
            if source not in boxes or target not in boxes:
                continue
            (sx, sy, sw, sh), (tx, ty, tw, th) = boxes[source], boxes[target]
            sx_mid, tx_mid = sx + sw / 2, tx + tw / 2
            if flow in back:  # a loop goes back under the diagram
                points = [(sx_mid, sy + sh), (sx_mid, bottom), (tx_mid, bottom), (tx_mid, ty + th)]
            elif layer[target] - layer[source] > 1 and abs((sy + sh / 2) - (ty + th / 2)) < 1:
                # a flow that skips columns on the same row would run through the shapes between: over the top
                lane = top - 30 * lanes
                lanes += 1
                points = [(sx_mid, sy), (sx_mid, lane), (tx_mid, lane), (tx_mid, ty)]
            else:
                scy, tcy, middle = sy + sh / 2, ty + th / 2, (sx + sw + tx) / 2
                points = [(sx + sw, scy), (middle, scy), (middle, tcy), (tx, tcy)]
            edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow}_di", bpmnElement=flow)
            for px, py in points:
                etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(px), y=str(py))
    return etree.tostring(root, encoding="unicode")


@staff_only
@require_GET
def case_diagram(request: HttpRequest, number: str) -> HttpResponse:
    """The BPMN XML of the version this case runs on, for the viewer; same visibility as the case page."""
    case = _case_or_404(_user(request), number)
    response = HttpResponse(diagram_xml(case.definition.bpmn_xml), content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("提交的内容有误，请检查后重试")


def _run_item_action(request: HttpRequest, action: str, item: WorkItem, case: Case) -> str:
    """Validate the form of ``action`` and call its service; returns the success message."""
    user = _user(request)
    prefix = f"i{item.pk}"
    if action == "claim":
        services.work_item_claim(actor=user, item=item)
        return _("已认领“%(step)s”，请及时办理") % {"step": item.title}
    if action == "unclaim":
        services.work_item_unclaim(actor=user, item=item)
        return _("已将“%(step)s”退回队列") % {"step": item.title}
    if action == "withdraw":
        services.work_item_withdraw(actor=user, item=item)
        return _("已撤回“%(step)s”") % {"step": item.title}
    form: forms.Form
    if action == "complete":
        form = CompleteForm(request.POST, prefix=prefix)
        if not form.is_valid():
            raise _Invalid(form)
        services.work_item_complete(
            actor=user,
            item=item,
            outcome=form.cleaned_data["outcome"],
            opinion=form.cleaned_data["opinion"],
            expected_version=form.cleaned_data["version"],
        )
        return _("“%(step)s”已办理") % {"step": item.title}
    if action == "return":
        steps = selectors.returnable_steps(case)
        form = ReturnForm(request.POST, steps=steps, prefix=prefix)
        if not form.is_valid():
            raise _Invalid(form)
        services.work_item_return(
            actor=user, item=item, to_step=form.cleaned_data["to_step"], opinion=form.cleaned_data["opinion"]
        )
        return _("已退回到“%(step)s”") % {"step": dict(steps)[form.cleaned_data["to_step"]]}
    form = TransferForm(
        request.POST, users=_transfer_users(item, user), units=OrgUnit.objects.filter(is_active=True), prefix=prefix
    )
    if not form.is_valid():
        raise _Invalid(form)
    services.work_item_transfer(
        actor=user,
        item=item,
        to_user=form.cleaned_data["to_user"],
        to_org_unit=form.cleaned_data["to_org_unit"] if not form.cleaned_data["to_user"] else None,
        to_role=form.cleaned_data["to_role"] if not form.cleaned_data["to_user"] else "",
        opinion=form.cleaned_data["opinion"],
    )
    return _("已转办“%(step)s”") % {"step": item.title}


class _Invalid(Exception):
    """A submitted action form did not validate; carries it back to the page."""

    def __init__(self, form: forms.Form) -> None:
        super().__init__(_first_error(form))
        self.form = form


def _bound_form(request: HttpRequest, action: str, item: WorkItem, case: Case) -> forms.Form | None:
    """The submitted form rebuilt for redisplay after a service refused it (the person keeps their text)."""
    prefix = f"i{item.pk}"
    if action == "complete":
        form: forms.Form = CompleteForm(request.POST, prefix=prefix)
    elif action == "return":
        form = ReturnForm(request.POST, steps=selectors.returnable_steps(case), prefix=prefix)
    elif action == "transfer":
        form = TransferForm(
            request.POST,
            users=_transfer_users(item, _user(request)),
            units=OrgUnit.objects.filter(is_active=True),
            prefix=prefix,
        )
    else:
        return None
    form.is_valid()
    return form


@staff_only
@require_POST
def item_action(request: HttpRequest, number: str, item_id: int, action: str) -> HttpResponse:
    """认领 / 取消认领 / 办理 / 退回 / 转办 / 撤回 on one work item of the case, then back to the case page."""
    if action not in ITEM_ACTIONS:
        raise Http404(_("不支持的操作"))
    case = _case_or_404(_user(request), number)
    item = (
        WorkItem.objects.select_related("case", "org_unit", "queue_org_unit", "assignee")
        .filter(pk=item_id, case=case)
        .first()
    )
    if item is None:
        raise Http404(_("待办不存在"))
    try:
        message = _run_item_action(request, action, item, case)
    except AccessDenied as exc:
        record_denial(exc)  # the service's transaction rolled back; the denial must still be on record
        raise
    except _Invalid as exc:
        messages.error(request, str(exc))
        return _render_case(request, case, bound=(action, item.pk, exc.form), status=400)
    except Rejected as exc:
        messages.error(request, exc.message)
        case.refresh_from_db()
        form = _bound_form(request, action, item, case)
        return _render_case(request, case, bound=(action, item.pk, form) if form else None, status=exc.status)
    messages.success(request, message)
    return redirect("workflow:case", number=case.number)


def _run_case_action(request: HttpRequest, action: str, case: Case) -> str:
    user = _user(request)
    if action == "suspend":
        form: forms.Form = SuspendForm(request.POST, prefix="case")
        if not form.is_valid():
            raise _Invalid(form)
        services.case_suspend(
            actor=user, case=case, reason_code=form.cleaned_data["reason_code"], reason=form.cleaned_data["reason"]
        )
        return _("已暂停计时")
    if action == "resume":
        form = ResumeForm(request.POST, prefix="case")
        if not form.is_valid():
            raise _Invalid(form)
        services.case_resume(actor=user, case=case, reason=form.cleaned_data["reason"])
        return _("已恢复计时，到期日已顺延")
    form = ExtendForm(request.POST, approvers=_approvers(case), prefix="case")
    if not form.is_valid():
        raise _Invalid(form)
    services.case_extend(
        actor=user,
        case=case,
        days=form.cleaned_data["days"],
        unit=form.cleaned_data["unit"],
        reason=form.cleaned_data["reason"],
        approved_by=form.cleaned_data["approved_by"],
    )
    return _("已延期，到期日已重新计算")


@staff_only
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """暂停计时 / 恢复计时 / 延期 of the whole case."""
    if action not in CASE_ACTIONS:
        raise Http404(_("不支持的操作"))
    case = _case_or_404(_user(request), number)
    try:
        message = _run_case_action(request, action, case)
    except AccessDenied as exc:
        record_denial(exc)
        raise
    except _Invalid as exc:
        messages.error(request, str(exc))
        return _render_case(request, case, bound=(action, None, exc.form), status=400)
    except Rejected as exc:
        messages.error(request, exc.message)
        case.refresh_from_db()
        return _render_case(request, case, status=exc.status)
    messages.success(request, message)
    return redirect("workflow:case", number=case.number)


# --- starting a case ----------------------------------------------------------------------------------


@staff_only
@require_http_methods(["GET", "POST"])
def case_start(request: HttpRequest) -> HttpResponse:
    """发起办件: choose a published process and the owning unit among those where the person may handle."""
    units = units_with_perm(_user(request), HANDLE).order_by("path")
    form = StartForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_start(
                    actor=_user(request),
                    process_key=data["process"],
                    org_unit=data["org_unit"],
                    title=data["title"],
                    statutory_limit=data["statutory_limit"],
                    promised_limit=data["promised_limit"],
                )
            except AccessDenied as exc:
                record_denial(exc)
                raise
            except Rejected as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已发起办件 %(number)s") % {"number": case.number})
                return redirect("workflow:case", number=case.number)
    return render(request, "workflow/start.html", {"form": form, "units_empty": not units.exists()}, status=status)

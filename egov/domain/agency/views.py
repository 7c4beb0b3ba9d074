"""Pages of the agency app.

Office: the agent dashboard, the agency view of one case (steps, 催办, messages, 改派), the rules, and
好差评 (rectifications, monthly figures, Excel export). Public: the applicant's messages and evaluation.
Views stay thin: reads through ``selectors``, each change through one ``services`` function; typed errors
become Chinese messages next to the form, which keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from io import BytesIO
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.domain.agency import selectors, services
from egov.domain.agency.forms import (
    ChaseForm,
    CompleteForm,
    DashboardFilterForm,
    EvaluationForm,
    FollowUpForm,
    MessageForm,
    MonthForm,
    ReassignForm,
    RuleForm,
)
from egov.domain.agency.models import AgentRule, AssignmentMiss, Level
from egov.kernel.access.policy import has_perm, require
from egov.kernel.accounts.models import User
from egov.kernel.calendar.deadlines import beijing_today, remaining_working_days
from egov.kernel.errors import NotFound, Rejected
from egov.kernel.workflow.models import Case, CaseStatus, Light, WorkItem
from egov.kernel.workflow.selectors import case_for_user

PAGE_SIZE = 20
View = Callable[..., HttpResponseBase]


def staff_only(view: View) -> View:
    @login_required(login_url="accounts:office_login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _user(request).is_staff_member and not request.user.is_superuser:
            raise PermissionDenied(_("工作台仅供公职人员使用"))
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _form_error(form: forms.Form, exc: Rejected) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def remaining_text(due: date | None, today: date) -> str:
    if due is None:
        return _("无时限")
    left = remaining_working_days(due, today)
    if left > 0:
        return _("剩余 %(n)s 个工作日") % {"n": left}
    if left == 0:
        return _("今日到期")
    return _("超期 %(n)s 个工作日") % {"n": -left}


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {key: value for key, value in {**params, **changes}.items() if value not in ("", None)}
    return "?" + urlencode(merged) if merged else "?"


# --- dashboard ----------------------------------------------------------------------------------------


@staff_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """代办工作台: the agent's cases (or, for a supervisor of agents, the team's) with their traffic lights."""
    user = _user(request)
    team = selectors.team_units(user)
    may_team = team.exists()
    scope: selectors.DashboardScope = "team" if request.GET.get("scope") == "team" and may_team else "mine"
    if scope == "mine" and not has_perm(user, services.AGENT_PERM):
        if not may_team:
            require(user, services.AGENT_PERM)
        scope = "team"
    agents = None
    if scope == "team":
        ids = {agent.pk for unit in team for agent in services.agents_of(unit)}
        agents = User.objects.filter(pk__in=ids).order_by("real_name")
    form = DashboardFilterForm(request.GET, agents=agents)
    page_data = None
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.DashboardFilters(
            state=data["state"] or "active", light=data["light"], number=data["number"], agent=data.get("agent")
        )
        try:
            page_data = selectors.dashboard(
                user, scope=scope, filters=filters, sort=data["sort"], page=data["page"] or 1, page_size=PAGE_SIZE
            )
        except Rejected as exc:
            _form_error(form, exc)
            status = 400
    else:
        status = 400
    today = beijing_today()
    remaining: dict[date | None, str] = {}  # one working-day count per distinct due date, not per row

    def left(due: date | None) -> str:
        if due not in remaining:
            remaining[due] = remaining_text(due, today)
        return remaining[due]

    light_labels = dict(Light.choices)
    status_labels = dict(CaseStatus.choices)
    rows = []
    if page_data is not None:
        for row in page_data.rows:
            case = row.case
            rows.append(
                {
                    "case": case,
                    "agent": row.assignment.agent,
                    "status": status_labels.get(case.status, case.status),
                    "light_label": light_labels.get(case.light, ""),
                    "steps": [
                        {
                            "item": item,
                            "light_label": light_labels.get(item.light, ""),
                            "remaining": left(item.due_on),
                            "chaseable": item.light in (Light.YELLOW, Light.RED),
                        }
                        for item in row.steps
                    ],
                    "remaining": left(case.watch_due_on) if case.is_active else "",
                }
            )
    params = {key: value for key, value in request.GET.items() if key in {*form.fields, "scope"} and key != "page"}
    page = page_data.page if page_data else 1
    pages = page_data.pages if page_data else 1
    context = {
        "form": form,
        "scope": scope,
        "may_team": may_team,
        "may_mine": has_perm(user, services.AGENT_PERM),
        "rows": rows,
        "page": page,
        "pages": pages,
        "total": page_data.total if page_data else 0,
        "counts": page_data.counts if page_data else {},
        "previous_query": _query(params, page=page - 1) if page > 1 else "",
        "next_query": _query(params, page=page + 1) if page < pages else "",
        "may_configure": services.may_configure(user),
        "may_evaluations": selectors.figure_units(user).exists(),
        # the case and 催办 links are built from one reversed prefix instead of a reverse() per row
        "case_base": reverse("agency:case", args=["0"])[:-2],
    }
    return render(request, "agency/dashboard.html", context, status=status)


# --- one case (office) --------------------------------------------------------------------------------


def _visible_case(user: User, number: str) -> Case:
    try:
        return case_for_user(user, number)  # the agent sees it through the registered case-view rule
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _render_case(
    request: HttpRequest,
    case: Case,
    *,
    message_form: MessageForm | None = None,
    reassign_form: ReassignForm | None = None,
    chase_error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    today = beijing_today()
    assignment = selectors.assignment_for_case(case)
    is_agent = assignment is not None and assignment.agent_id == user.pk
    may_reassign = (
        assignment is not None and case.is_active and services.may_supervise_agents(user, assignment.agent_unit)
    )
    if may_reassign and reassign_form is None and assignment is not None:
        reassign_form = ReassignForm(agents=services.agents_of(assignment.agent_unit))
    steps = [
        {
            "item": item,
            "remaining": remaining_text(item.due_on, today),
            "chaseable": is_agent and item.light in (Light.YELLOW, Light.RED),
        }
        for item in selectors.active_steps(case)
    ]
    side = services.message_side(user, case)
    context = {
        "case": case,
        "assignment": assignment,
        "is_agent": is_agent,
        "steps": steps,
        "remaining": remaining_text(case.watch_due_on, today) if case.is_active else "",
        "messages_list": selectors.case_messages(case),
        "message_form": message_form or MessageForm(),
        "may_write": side is not None,
        "reassign_form": reassign_form if may_reassign else None,
        "chase_form": ChaseForm(),
        "chase_error": chase_error,
        "evaluations": selectors.evaluations_for_case(case),
    }
    return render(request, "agency/case.html", context, status=status)


@staff_only
@require_GET
def case_view(request: HttpRequest, number: str) -> HttpResponse:
    return _render_case(request, _visible_case(_user(request), number))


@staff_only
@require_POST
def message_post(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(user, number)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.case_message_post(actor=user, case=case, body=form.cleaned_data["body"])
        except Rejected as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("留言已发送"))
            return redirect("agency:case", number=case.number)
    return _render_case(request, case, message_form=form, status=400)


@staff_only
@require_POST
def chase(request: HttpRequest, number: str, item_id: int) -> HttpResponse:
    user = _user(request)
    case = _visible_case(user, number)
    item = WorkItem.objects.filter(pk=item_id, case=case).select_related("case").first()
    if item is None:
        raise Http404(_("待办不存在"))
    form = ChaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.case_chase(actor=user, item=item, note=note)
    except Rejected as exc:
        return _render_case(request, case, chase_error=exc.message, status=exc.status)
    messages.success(request, _("已向“%(step)s”环节的办理人员发出催办") % {"step": item.title})
    if request.POST.get("next") == "dashboard":
        return redirect("agency:dashboard")
    return redirect("agency:case", number=case.number)


@staff_only
@require_POST
def reassign(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    case = _visible_case(user, number)
    assignment = selectors.assignment_for_case(case)
    if assignment is None:
        raise Http404(_("该办件没有代办员"))
    form = ReassignForm(request.POST, agents=services.agents_of(assignment.agent_unit))
    if form.is_valid():
        try:
            services.agent_reassign(
                actor=user,
                assignment=assignment,
                to_agent=form.cleaned_data["to_agent"],
                reason=form.cleaned_data["reason"],
            )
        except Rejected as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已改派"))
            return redirect("agency:case", number=case.number)
    elif not services.may_supervise_agents(user, assignment.agent_unit):
        require(user, services.SUPERVISE_PERM, assignment.agent_unit, target=case)
    return _render_case(request, case, reassign_form=form, status=400)


# --- rules --------------------------------------------------------------------------------------------


def _require_configure(user: User) -> None:
    if not services.may_configure(user):
        require(user, services.CONFIGURE_PERMS[0], services.league_unit())


def _rule_initial(rule: AgentRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "county": rule.county,
        "theme_codes": " ".join(rule.theme_codes),
        "agent_unit": rule.agent_unit,
        "priority": rule.priority,
        "is_active": rule.is_active,
    }


def _save_rule(request: HttpRequest, form: RuleForm, rule: AgentRule | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.agent_rule_save(
            actor=_user(request),
            rule=rule,
            name=data["name"],
            county=data["county"],
            theme_codes=data["theme_codes"],
            agent_unit=data["agent_unit"],
            priority=data["priority"],
            is_active=data["is_active"],
        )
    except Rejected as exc:
        _form_error(form, exc)
        return False
    return True


@staff_only
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """代办分配规则: list, add; with the cases no rule could place."""
    user = _user(request)
    _require_configure(user)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and _save_rule(request, form, None):
        messages.success(request, _("规则已保存"))
        return redirect("agency:rules")
    rule_rows = []
    for rule in selectors.rules():
        agents = services.agents_of(rule.agent_unit)
        loads = selectors.agent_loads([agent.pk for agent in agents])
        rule_rows.append({"rule": rule, "agents": [(agent, loads.get(agent.pk, 0)) for agent in agents]})
    context = {"form": form, "rules": rule_rows, "misses": selectors.unassigned_cases()}
    return render(request, "agency/rules.html", context, status=400 if form.errors else 200)


@staff_only
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_configure(user)
    rule = AgentRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(_("规则不存在"))
    form = RuleForm(request.POST or None, initial=_rule_initial(rule))
    if request.method == "POST" and _save_rule(request, form, rule):
        messages.success(request, _("规则已保存"))
        return redirect("agency:rules")
    return render(request, "agency/rule_edit.html", {"form": form, "rule": rule}, status=400 if form.errors else 200)


@staff_only
@require_POST
def assign_retry(request: HttpRequest, pk: int) -> HttpResponse:
    miss = AssignmentMiss.objects.filter(pk=pk).first()
    if miss is None:
        raise Http404(_("记录不存在"))
    try:
        assignment = services.agent_assign_retry(actor=_user(request), miss=miss)
    except Rejected as exc:
        messages.error(request, exc.message)
    else:
        if assignment is None:
            messages.error(request, _("按现行规则仍找不到代办员，请检查分配规则"))
        else:
            messages.success(request, _("已分配给代办员%(name)s") % {"name": assignment.agent.display_name})
    return redirect("agency:rules")


@staff_only
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = AgentRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(_("规则不存在"))
    services.agent_rule_delete(actor=_user(request), rule=rule)
    messages.success(request, _("规则已删除"))
    return redirect("agency:rules")


# --- 好差评 (office) ------------------------------------------------------------------------------------


def _month(request: HttpRequest) -> tuple[MonthForm, int, int]:
    form = MonthForm(request.GET or None)
    today = beijing_today()
    if form.is_valid() and form.cleaned_data["month"]:
        chosen: date = form.cleaned_data["month"]
        return form, chosen.year, chosen.month
    return form, today.year, today.month


def _require_figures(user: User) -> None:
    if not selectors.figure_units(user).exists():
        require(user, services.RECTIFY_PERM)


@staff_only
@require_GET
def evaluations(request: HttpRequest) -> HttpResponse:
    """好差评: open rectifications and the month's figures per unit and per item."""
    user = _user(request)
    _require_figures(user)
    form, year, month = _month(request)
    figures = selectors.monthly_figures(user, year, month)
    context = {
        "form": form,
        "figures": figures,
        "levels": Level.choices,
        "open_rectifications": selectors.rectifications(user, status="open"),
        "done_rectifications": selectors.rectifications(user, status="completed"),
        "today": beijing_today(),
        "month_value": f"{year:04d}-{month:02d}",
    }
    return render(request, "agency/evaluations.html", context, status=400 if form.errors else 200)


def _rate(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


@staff_only
@require_GET
def evaluations_export(request: HttpRequest) -> HttpResponse:
    """The month's figures as an Excel workbook (openpyxl): one sheet per unit, one per item."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    user = _user(request)
    _require_figures(user)
    form, year, month = _month(request)
    if form.errors:
        return HttpResponse(_("请选择正确的年月"), status=400, content_type="text/plain; charset=utf-8")
    figures = selectors.monthly_figures(user, year, month)
    workbook = Workbook()
    header = [
        *[str(label) for _value, label in Level.choices],
        _("评价总数"),
        _("满意率"),
        _("差评整改数"),
        _("已整改"),
        _("按时整改"),
        _("按时整改率"),
    ]
    for index, (title, first_column, rows) in enumerate(
        ((_("按单位"), _("单位"), figures.by_unit), (_("按事项"), _("事项"), figures.by_item))
    ):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = str(title)
        sheet.append([_("%(year)s年%(month)s月好差评统计") % {"year": year, "month": month}])
        sheet.append([str(first_column), *([_("事项编码")] if index else []), *header])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*rows, figures.totals]:
            sheet.append(
                [
                    row.name,
                    *([row.key] if index else []),
                    *[row.levels[value] for value, _label in Level.choices],
                    row.total,
                    _rate(row.satisfaction_rate),
                    row.rectifications,
                    row.rectified,
                    row.rectified_on_time,
                    _rate(row.on_time_rate),
                ]
            )
        sheet.column_dimensions["A"].width = 36
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="haochaping-{year:04d}-{month:02d}.xlsx"'
    return response


def _render_rectification(
    request: HttpRequest,
    rectification_pk: int,
    *,
    follow_form: FollowUpForm | None = None,
    complete_form: CompleteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    rectification = selectors.rectification_for_user(user, rectification_pk)
    if rectification is None:
        require(user, services.RECTIFY_PERM)  # 403 (audited) for people who rectify nowhere
        raise Http404(_("整改任务不存在"))
    context = {
        "rectification": rectification,
        "follow_form": follow_form or FollowUpForm(),
        "complete_form": complete_form or CompleteForm(),
        "remaining": remaining_text(rectification.due_on, beijing_today()),
    }
    return render(request, "agency/rectification.html", context, status=status)


@staff_only
@require_GET
def rectification_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_rectification(request, pk)


@staff_only
@require_POST
def rectification_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    rectification = selectors.rectification_for_user(user, pk)
    if rectification is None:
        require(user, services.RECTIFY_PERM)
        raise Http404(_("整改任务不存在"))
    if action == "follow-up":
        follow_form = FollowUpForm(request.POST)
        if follow_form.is_valid():
            try:
                services.rectification_follow_up(
                    actor=user, rectification=rectification, note=follow_form.cleaned_data["note"]
                )
            except Rejected as exc:
                _form_error(follow_form, exc)
            else:
                messages.success(request, _("跟进记录已保存"))
                return redirect("agency:rectification", pk=pk)
        return _render_rectification(request, pk, follow_form=follow_form, status=400)
    if action == "complete":
        complete_form = CompleteForm(request.POST)
        if complete_form.is_valid():
            try:
                services.rectification_complete(
                    actor=user, rectification=rectification, result=complete_form.cleaned_data["result"]
                )
            except Rejected as exc:
                _form_error(complete_form, exc)
            else:
                messages.success(request, _("整改已完成，已通知申请人再次评价"))
                return redirect("agency:rectification", pk=pk)
        return _render_rectification(request, pk, complete_form=complete_form, status=400)
    raise Http404(_("没有这个操作"))


# --- the applicant's pages (public) -------------------------------------------------------------------


def _own_case(request: HttpRequest, number: str) -> Case:
    """The signed-in applicant's own case; anyone else gets a 404 (the number's existence is not revealed)."""
    case = Case.objects.select_related("org_unit").filter(number=number).first()
    if case is None or case.applicant_id is None or case.applicant_id != request.user.pk:
        raise Http404(_("办件不存在"))
    return case


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def case_messages(request: HttpRequest, number: str) -> HttpResponse:
    """办件留言: the applicant's conversation with the agent and the handlers."""
    case = _own_case(request, number)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_message_post(actor=_user(request), case=case, body=form.cleaned_data["body"])
            except Rejected as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("留言已发送"))
                return redirect("agency:case_messages", number=case.number)
        status = 400
    assignment = selectors.assignment_for_case(case)
    context = {
        "case": case,
        "agent": assignment.agent if assignment else None,
        "agent_unit": assignment.agent_unit if assignment else None,
        "messages_list": selectors.case_messages(case),
        "form": form,
    }
    return render(request, "agency/my_messages.html", context, status=status)


def _item_of(case: Case) -> tuple[str, str]:
    """Service item code and name for the figures, as the submitting app left them on the case."""
    data = case.data if isinstance(case.data, dict) else {}
    return str(data.get("item_code", ""))[:64], str(data.get("item_name", "") or case.title)[:200]


@login_required(login_url="accounts:login")
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, number: str) -> HttpResponse:
    """好差评: the applicant rates a completed case (and again after a rectification)."""
    case = _own_case(request, number)
    form = EvaluationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            item_code, item_name = _item_of(case)
            try:
                services.evaluation_submit(
                    actor=_user(request),
                    case=case,
                    level=form.cleaned_data["level"],
                    comment=form.cleaned_data["comment"],
                    item_code=item_code,
                    item_name=item_name,
                )
            except Rejected as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("感谢您的评价"))
                return redirect("agency:evaluate", number=case.number)
        status = 400
    state = selectors.case_evaluation_state(case)
    context = {"case": case, "form": form, **state, "completed_status": CaseStatus.COMPLETED}
    return render(request, "agency/my_evaluate.html", context, status=status)

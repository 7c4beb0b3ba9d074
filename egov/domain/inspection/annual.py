"""The data of the 政府网站工作年度报表 (annual report of a government website, published by 1月31日) that
the platform can compute itself, exported as Excel. Lines it cannot know are exported as 0 with a note, so
that the office fills them in instead of publishing a guess."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from wagtail.models import Page

from egov.domain.inspection import selectors
from egov.domain.inspection.models import SiteReport
from egov.domain.inspection.services import ExportFile
from egov.domain.inspection.snapshot import CONTENT_MODELS
from egov.domain.portal.models import ColumnKind, ColumnPage, HomePage, InterpretationPage, TopicPage
from egov.kernel.access.policy import Actor, require
from egov.kernel.audit.services import audit_record
from egov.kernel.errors import Rejected

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Line:
    section: str
    item: str
    value: str | int
    note: str = ""


@dataclass(frozen=True)
class ColumnCount:
    path: str
    kind: str
    published: int
    total: int


def parse_year(raw: str, this_year: int) -> int:
    if not raw.isdigit() or not 2000 <= int(raw) <= this_year:
        raise Rejected("annual_year", f"请填写 2000—{this_year} 之间的年份", field="year")
    return int(raw)


def _published_in(ancestor: Page, year: int) -> tuple[int, int]:
    """(content pages first published in ``year``, live content pages) below ``ancestor``."""
    published = total = 0
    for model, _date_field in CONTENT_MODELS:
        pages = model.objects.descendant_of(ancestor).live().public()
        total += pages.count()
        published += pages.filter(first_published_at__year=year).count()
    return published, total


def column_counts(home: HomePage, year: int) -> list[ColumnCount]:
    """Pages published per column in ``year`` (a column counts what is below it, sub-columns included)."""
    rows = []
    for column in ColumnPage.objects.descendant_of(home).live().order_by("path"):
        titles = [a.title for a in column.get_ancestors().filter(depth__gt=home.depth)] + [column.title]
        published, total = _published_in(column, year)
        rows.append(ColumnCount(" / ".join(titles), column.get_kind_display(), published, total))
    return rows


def _count_kind(home: HomePage, year: int, kinds: tuple[str, ...]) -> int:
    """Content first published in ``year`` under the top-most columns of the given kinds."""
    total = 0
    seen: list[str] = []
    for column in ColumnPage.objects.descendant_of(home).live().filter(kind__in=kinds).order_by("path"):
        if any(column.path.startswith(path) for path in seen):
            continue
        seen.append(column.path)
        total += _published_in(column, year)[0]
    return total


def _site_type(home: HomePage) -> str:
    kind = getattr(home.org_unit, "kind", "")
    return "政府门户网站" if kind in ("league", "county") else "部门网站"


def _service_items(home: HomePage) -> tuple[int | None, int | None]:
    if home.org_unit is None:
        return None, None
    from egov.domain.services.selectors import public_items

    items = public_items().filter(Q(org_unit=home.org_unit) | Q(org_unit__path__startswith=home.org_unit.path))
    return items.count(), items.filter(current_version__online=True).count()


def annual_lines(home: HomePage, year: int) -> list[Line]:
    published_total, live_total = _published_in(home, year)
    interpretations = InterpretationPage.objects.descendant_of(home).live().filter(first_published_at__year=year)
    topics = TopicPage.objects.descendant_of(home).live()
    runs = SiteReport.objects.filter(home_page_id=home.pk, run__started_at__year=year).count()
    found, fixed = selectors.problems_found_and_fixed(home.pk, year)
    items, online_items = _service_items(home)
    site_url = home.host or (home.get_full_url() or "")
    no_visits = "平台未记录访问量，请以网站统计系统（如国办政府网站监管平台）数据为准"
    no_interaction = "互动交流子系统尚未上线，暂无留言数据"
    return [
        Line("基本信息", "网站名称", home.site_name or home.title),
        Line("基本信息", "首页网址", site_url),
        Line("基本信息", "主办单位", home.sponsor or getattr(home.org_unit, "name", "")),
        Line("基本信息", "网站类型", _site_type(home)),
        Line("基本信息", "网站标识码", home.site_code, "" if home.site_code else "未填写"),
        Line("基本信息", "ICP备案号", home.icp_number, "" if home.icp_number else "未填写"),
        Line("基本信息", "公安机关备案号", home.police_number, "" if home.police_number else "未填写"),
        Line("访问情况", "独立用户访问总量（个）", 0, no_visits),
        Line("访问情况", "网站总访问量（次）", 0, no_visits),
        Line("信息发布", "总数（条）", published_total, f"当年首次发布；现有在线信息 {live_total} 条"),
        Line("信息发布", "其中：政务动态信息（条）", _count_kind(home, year, (ColumnKind.NEWS,))),
        Line(
            "信息发布",
            "其中：信息公开目录信息（条）",
            _count_kind(home, year, (ColumnKind.NOTICE, ColumnKind.POLICY)),
            "通知公告、政策文件类栏目",
        ),
        Line("专栏专题", "维护数量（个）", topics.count()),
        Line("专栏专题", "新开设数量（个）", topics.filter(first_published_at__year=year).count()),
        Line("解读回应", "解读信息发布总数（条）", interpretations.count()),
        Line("解读回应", "其中：解读材料数量（条）", interpretations.filter(kind="text").count()),
        Line("解读回应", "其中：解读产品数量（件）", interpretations.exclude(kind="text").count(), "图解、视频解读"),
        Line(
            "办事服务",
            "政务服务事项数量（项）",
            items if items is not None else 0,
            "" if items is not None else "网站未关联主办单位",
        ),
        Line("办事服务", "可全程在线办理政务服务事项数量（项）", online_items or 0),
        Line("互动交流", "收到留言数量（条）", 0, no_interaction),
        Line("互动交流", "办结留言数量（条）", 0, no_interaction),
        Line("安全防护", "安全检测评估次数（次）", runs, "平台网站检查（每日）"),
        Line("安全防护", "发现问题数量（个）", found, "网站检查发现的问题（不含预警）"),
        Line("安全防护", "问题整改数量（个）", fixed, "当年最后一次检查时已不存在的问题"),
    ]


def annual_report_export(*, actor: Actor, home: HomePage, year: int) -> ExportFile:
    """The annual report data of one site as Excel: the form's lines and the pages published per column."""
    require(actor, "portal.inspect", home.org_unit)
    lines = annual_lines(home, year)
    columns = column_counts(home, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "年度报表"
    sheet.append([f"{home.site_name or home.title} 政府网站工作年度报表（{year}年度）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"由平台根据运行数据生成于 {timezone.localtime():%Y-%m-%d %H:%M}，发布前请核对"])
    sheet.append(["类别", "指标", "数值", "说明"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([line.section, line.item, line.value, line.note])
    for column, width in zip("ABCD", (12, 40, 30, 60), strict=True):
        sheet.column_dimensions[column].width = width
    per_column = workbook.create_sheet("各栏目发布量")
    per_column.append(["栏目", "类别", f"{year}年发布（条）", "现有在线信息（条）"])
    for cell in per_column[1]:
        cell.font = Font(bold=True)
    for row in columns:
        per_column.append([row.path, row.kind, row.published, row.total])
    per_column.column_dimensions["A"].width = 50
    per_column.column_dimensions["B"].width = 30
    for row_cells in sheet.iter_rows(min_row=4):
        row_cells[3].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action="inspection.annual_report_export",
        target_repr=f"{home.site_name} {year}",
        org_unit=home.org_unit,
        detail={"site": home.site_key, "year": year},
    )
    return ExportFile(f"annual-report-{home.site_key}-{year}.xlsx", XLSX, buffer.getvalue())

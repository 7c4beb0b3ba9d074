"""The government portal site cluster (门户网站群): one Wagtail tree, one ``HomePage`` per site.

Tree shape (zh-hans locale; an mn translation is a parallel tree made with Wagtail's translation copy)::

    root
    └── HomePage (one per site: 兴安盟人民政府门户网站, departments, the six county-level units)
        ├── ColumnPage (栏目, kind = news / notice / policy / other; may hold sub-columns)
        │   ├── ArticlePage / NoticePage / PolicyDocumentPage / InterpretationPage / LeaderPage / TopicPage
        │   └── ColumnPage …
        └── TopicPage (专题) → ArticlePage …
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.url_routing import RouteResult

# 文号: 机关代字〔年份〕序号号, e.g. 兴署发〔2026〕12号 (GB/T 9704: hexagonal brackets 〔〕, no leading zeros).
DOCUMENT_NUMBER_RE = re.compile(
    r"^(?P<prefix>[\u4e00-\u9fff]{1,12})〔(?P<year>(19|20)\d{2})〕(?P<serial>[1-9]\d{0,4})号$"
)


#: The length of the page summary in <meta name="description"> and Open Graph.
OG_DESCRIPTION_LENGTH = 120


def validate_document_number(value: str) -> None:
    """A 文号 like 兴署发〔2026〕12号: 机关代字, the year in 〔〕 (not [] 【】 ()), serial without leading zeros."""
    if not DOCUMENT_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _(
                "文号格式不正确，应为“机关代字〔年份〕序号号”，"
                "如 兴署发〔2026〕12号（年份用六角括号〔〕，序号不编虚位）"
            ),
            code="bad_document_number",
        )


def validate_site_code(value: str) -> None:
    """网站标识码: 10 digits, the 6-digit division code and a 4-digit sequence (STANDARDS.md §4)."""
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError(_("网站标识码应为 10 位数字（6 位行政区划代码加 4 位序号），如 1522000001"))


class ColumnKind(models.TextChoices):
    """What site inspection (STANDARDS.md §4) checks a column against."""

    NEWS = "news", _("动态要闻类（2 周内须更新）")
    NOTICE = "notice", _("通知公告类（6 个月内须更新）")
    POLICY = "policy", _("政策文件类（6 个月内须更新）")
    OTHER = "other", _("其他")


class Validity(models.TextChoices):
    VALID = "有效", _("有效")
    AMENDED = "已修改", _("已修改")
    REPEALED = "已废止", _("已废止")


class SubjectCategory(models.TextChoices):
    """主题分类 (a short list after the 国务院公文主题词表 top level)."""

    GENERAL = "综合政务", _("综合政务")
    ECONOMY = "国民经济管理", _("国民经济管理、国有资产监管")
    FINANCE = "财政金融", _("财政、金融、审计")
    AGRICULTURE = "农业农村", _("农业、林业、水利")
    INDUSTRY = "工业交通", _("工业、交通")
    COMMERCE = "商贸旅游", _("商贸、海关、旅游")
    URBAN = "城乡建设", _("城乡建设、环境保护")
    SCIENCE = "科技教育", _("科技、教育")
    CULTURE = "文化卫生", _("文化、广电、新闻出版、卫生、体育")
    SOCIAL = "劳动社保", _("劳动、人事、监察、民政、社区")
    SECURITY = "公安安监", _("公安、安全生产、司法")
    NATIONALITY = "民族宗教", _("民族、宗教")
    OTHER = "其他", _("其他")


class InterpretationKind(models.TextChoices):
    TEXT = "text", _("文字解读")
    GRAPHIC = "graphic", _("图解")
    VIDEO = "video", _("视频解读")


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("附件"))
    title = blocks.CharBlock(label=_("显示名称"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("附件")
        template = "portal/blocks/attachment.html"


class VideoBlock(blocks.StructBlock):
    video = blocks.URLBlock(
        label=_("视频地址"), help_text=_("本平台存储的视频文件地址（MP4），如 /media/video/xxx.mp4")
    )
    caption = blocks.CharBlock(label=_("说明"), required=False)
    transcript = blocks.TextBlock(label=_("文字稿"), required=False, help_text=_("无障碍：视频的文字说明"))

    class Meta:
        icon = "media"
        label = _("视频")
        template = "portal/blocks/video.html"


class BodyBlock(blocks.StreamBlock):
    """正文: paragraphs, images (alt text required unless marked decorative), attachments, video, quotes."""

    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]
    )
    image = ImageBlock(label=_("图片"))
    attachment = AttachmentBlock()
    video = VideoBlock()
    quote = blocks.BlockQuoteBlock(label=_("引文"))

    class Meta:
        template = "portal/blocks/body.html"


def body_text(body: Any, *, limit: int | None = None) -> str:
    """Plain text of a StreamField body (for search, the sensitive-word and leader checks). With ``limit``,
    at least the first ``limit`` characters (for summaries: long paragraphs are cut before their tags are
    stripped)."""
    parts: list[str] = []
    for child in body or []:
        if limit is not None and sum(len(part) for part in parts) >= limit:
            break
        value = child.value
        if child.block_type == "paragraph":
            source = value.source if hasattr(value, "source") else str(value)
            parts.append(_leading_plain(source, limit) if limit is not None else strip_tags(source))
        elif child.block_type == "quote":
            parts.append(str(value))
        elif child.block_type == "video":
            parts.extend([value.get("caption") or "", value.get("transcript") or ""])
        elif child.block_type == "attachment":
            parts.append(value.get("title") or (value["document"].title if value.get("document") else ""))
        elif child.block_type == "image":
            parts.append(getattr(value, "contextual_alt_text", "") or "")
    return "\n".join(p.strip() for p in parts if p and p.strip())


def _leading_plain(html: str, limit: int) -> str:
    """Plain text of the start of ``html``: at least ``limit`` characters when it has that many (cut after a
    whole tag, so no half tag or entity is left)."""
    size = max(limit * 8, 1024)
    while size < len(html):
        text = strip_tags(html[: html.rfind(">", 0, size) + 1])
        if len(text) >= limit:
            return text
        size *= 2
    return strip_tags(html)


PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class PortalPageForm(WagtailAdminPageForm):
    """The editor's form: publishing or submitting to review runs the publishing checks (sensitive words,
    leader titles, alt text) and shows each problem as a form error; saving a draft does not."""

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or not any(self.data.get(action) for action in PUBLISHING_ACTIONS):
            return
        from egov.domain.portal.checks import publish_problems

        for message in publish_problems(self.instance):
            self.add_error(None, message)


class PortalPage(Page):
    """Shared behaviour of every portal page: URLs by path prefix (``/sites/<key>/…``) or host name, the
    site's home page, Open Graph data, plain text for search and checks."""

    base_form_class = PortalPageForm

    class Meta:
        abstract = True

    # ---- the site this page belongs to ----
    @cached_property
    def home(self) -> HomePage | None:
        return self.home_for(None)

    def home_for(self, request: HttpRequest | None) -> HomePage | None:
        """The shallowest home page above this page in its language (kept as :attr:`home`), found in the
        per-process memo of home pages: an ancestor query per linked page cost the League home page 21 of
        its 56 queries. With a request the memo's generation is read once per request, not per page."""
        if "home" in self.__dict__:
            return self.__dict__["home"]
        found: HomePage | None = None
        if isinstance(self, HomePage):
            found = self
        else:
            from egov.domain.portal.selectors import home_pages

            for home in home_pages(request):
                if home.locale_id == self.locale_id and self.path.startswith(home.path) and self.path != home.path:
                    found = home
                    break
        self.__dict__["home"] = found
        return found

    @cached_property
    def home_key(self) -> str:
        """The ``site_key`` of the site this page belongs to (the search's site filter value)."""
        home = self.home
        return home.site_key if home else ""

    # ---- URLs ----
    def get_url_parts(self, request: HttpRequest | None = None) -> Any:
        """In ``path`` routing (the demo and single-host deployments, ``PORTAL_ROUTING = "path"``, the
        default) every site lives under ``/sites/<key>/`` on whatever host serves the request, computed from
        the tree alone (so it works in the office zone and in task workers, which have no ``wagtail_serve``);
        in ``host`` routing each site answers on its own host name and Wagtail's URLs are used unchanged."""
        if portal_routing() == "host":
            return super().get_url_parts(request)
        home = self.home_for(request)
        if home is None or not home.site_key:
            return super().get_url_parts(request)
        # Every site shares the serving host here, so no Site is needed (Wagtail's lookup of the page's Site
        # and its translations cost queries per link): no site id and no root URL, the path alone.
        return None, "", self.portal_path()

    def portal_path(self) -> str:
        """``/sites/<key>/<path below the home page>/`` — the page's address in path routing."""
        home = self.home
        if home is None:
            return ""
        return f"/sites/{home.site_key}/{self.url_path[len(home.url_path) :]}"

    # ---- content the checks and the search read ----
    def plain_text(self) -> str:
        return ""

    def section(self) -> Page | None:
        """The top-level column this page is in (highlighted in the navigation)."""
        home = self.home
        if home is None or self.depth <= home.depth:
            return None
        return Page.objects.ancestor_of(self, inclusive=True).filter(depth=home.depth + 1).first()

    def og_description(self) -> str:
        """The first 120 characters of the summary or the text (computed once per page object)."""
        found = self.__dict__.get("_og_description")
        if found is None:
            text = self.search_description or self.leading_text(OG_DESCRIPTION_LENGTH)
            found = self.__dict__["_og_description"] = " ".join(text.split())[:OG_DESCRIPTION_LENGTH]
        return found

    def leading_text(self, length: int) -> str:
        """At least the first ``length`` characters of ``plain_text()`` (subclasses with long bodies avoid
        stripping the tags of all of it)."""
        return self.plain_text()

    def get_view_restrictions(self) -> Any:
        """Wagtail's check, skipped (no query) while no page of the tree has a restriction at all."""
        from egov.domain.portal.selectors import any_view_restrictions

        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The site's frame (navigation, breadcrumb, current section) from the per-site memo."""
        from egov.domain.portal import selectors

        context = super().get_context(request, *args, **kwargs)
        home = self.home
        context["home"] = home
        path_routed = home is not None and home.site_key and portal_routing() == "path"
        context["page_url"] = self.portal_path() if path_routed else self.get_url(request)
        context["print_view"] = request.GET.get("print") == "1"
        if home is None:
            context.update(site_nav=(), breadcrumbs=(), section=self.section(), home_url="")
            return context
        context["home_url"] = home.portal_path() if path_routed else home.get_url(request)
        context["site_nav"] = selectors.site_nav(home, request)
        context["breadcrumbs"] = crumbs = selectors.trail(home, self, request) if self.depth > home.depth else ()
        if self.depth == home.depth + 1:
            context["section"] = self
        else:
            context["section"] = crumbs[1] if len(crumbs) > 1 else None
        return context


def portal_routing() -> str:
    return getattr(settings, "PORTAL_ROUTING", "path")


class HomePage(PortalPage):
    """One site of the cluster. The Wagtail ``Site`` pointing at it carries the host name; the footer data
    (网站标识码, ICP 备案号, 公安备案号, 主办单位) lives here."""

    site_key = models.SlugField(
        _("站点标识"),
        max_length=40,
        help_text=_("英文小写，用于路径 /sites/<标识>/ 和检索的站点筛选，如 hinggan、fgw、wlht"),
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_sites",
    )
    site_name = models.CharField(_("网站名称"), max_length=100, help_text=_("如 兴安盟人民政府门户网站"))
    site_code = models.CharField(
        _("网站标识码"),
        max_length=10,
        blank=True,
        validators=[validate_site_code],
        help_text=_("10 位数字：6 位行政区划代码加 4 位序号"),
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=40, blank=True, help_text=_("如 蒙ICP备05000001号"))
    police_number = models.CharField(
        _("公安机关备案号"), max_length=40, blank=True, help_text=_("如 蒙公网安备 15220102000001号")
    )
    host = models.CharField(
        _("域名"), max_length=255, blank=True, help_text=_("如 www.xam.gov.cn；保存后同步到 Wagtail 站点设置")
    )
    sponsor = models.CharField(_("主办单位名称"), max_length=100, blank=True)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    intro = RichTextField(_("网站简介"), blank=True)

    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]
    subpage_types: ClassVar[list[str]] = ["portal.ColumnPage", "portal.TopicPage"]
    max_count_per_parent = None

    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("site_name"),
        FieldPanel("intro"),
    ]
    settings_panels: ClassVar[list[Any]] = [
        MultiFieldPanel(
            [
                FieldPanel("site_key"),
                FieldPanel("org_unit"),
                FieldPanel("host"),
                FieldPanel("sponsor"),
                FieldPanel("contact"),
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_number"),
            ],
            heading=_("站点与备案信息"),
        ),
        *Page.settings_panels,
    ]

    class Meta:
        verbose_name = _("网站首页")
        verbose_name_plural = _("网站首页")

    def plain_text(self) -> str:
        return strip_tags(self.intro)

    def columns(self) -> models.QuerySet[ColumnPage]:
        return ColumnPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from egov.domain.portal import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_blocks(self))
        return context


class ColumnPage(PortalPage):
    """栏目: a list of its children, newest first, paged. A column with a link URL (政务服务 → /services/)
    is a link column: it shows the link instead of children and inspection does not count it as empty."""

    kind = models.CharField(_("栏目类别"), max_length=16, choices=ColumnKind.choices, default=ColumnKind.OTHER)
    intro = models.TextField(_("栏目说明"), blank=True)
    link_url = models.CharField(
        _("链接地址"), max_length=300, blank=True, help_text=_("外链栏目填写，如 /services/；填写后栏目不列出下级页面")
    )
    per_page = models.PositiveSmallIntegerField(_("每页条数"), default=15)
    show_on_home = models.BooleanField(_("首页显示"), default=True)

    parent_page_types: ClassVar[list[str]] = ["portal.HomePage", "portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = [
        "portal.ColumnPage",
        "portal.ArticlePage",
        "portal.NoticePage",
        "portal.PolicyDocumentPage",
        "portal.InterpretationPage",
        "portal.LeaderPage",
        "portal.TopicPage",
    ]

    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldPanel("link_url"),
        FieldPanel("per_page"),
        FieldPanel("show_on_home"),
    ]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")

    @property
    def is_link(self) -> bool:
        return bool(self.link_url)

    def plain_text(self) -> str:
        return self.intro

    def entries(self) -> models.QuerySet[Any]:
        """Live public children that are content (not sub-columns), newest first by their 发布时间 when the
        column holds one kind of page (the usual case, sorted in the database), else by first publication.
        Lists show titles and dates: the body is deferred (a column of 10,000 articles would otherwise be
        sorted with every body); ``.defer(None)`` loads it (the RSS feed)."""
        children = Page.objects.child_of(self).live().public().not_type(ColumnPage)
        types = list(children.order_by().values_list("content_type", flat=True).distinct()[:2])
        if len(types) == 1:
            model = ContentType.objects.get_for_id(types[0]).model_class()
            if model is not None and issubclass(model, Page) and hasattr(model, "published_at"):
                entries = model._default_manager.child_of(self).live().public()  # type: ignore[attr-defined]
                if any(field.name == "body" for field in model._meta.concrete_fields):
                    entries = entries.defer("body")
                return entries.order_by("-published_at", "-id")
            if model is LeaderPage:
                return LeaderPage.objects.child_of(self).live().public().order_by("sort_order", "path")
        return children.specific().order_by("-first_published_at", "-id")

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        """``<column>/rss.xml`` is the column's RSS feed."""
        if path_components == ["rss.xml"] and self.live:
            return RouteResult(self, kwargs={"feed": True})
        return super().route(request, path_components)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if kwargs.pop("feed", False):
            from egov.domain.portal.feeds import column_feed

            return column_feed(request, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.entries(), max(1, self.per_page))
        context["entries"] = paginator.get_page(request.GET.get("page"))
        context["subcolumns"] = ColumnPage.objects.child_of(self).live().public().order_by("path")
        return context


class DatedPage(PortalPage):
    """A content page with a date, a source and a body: what columns list and inspection counts."""

    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以空格或逗号分隔"))
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    search_fields: ClassVar[list[Any]] = [
        *Page.search_fields,
        index.SearchField("keywords"),
        index.FilterField("published_at"),
    ]

    class Meta:
        abstract = True

    def plain_text(self) -> str:
        return body_text(self.body)

    def leading_text(self, length: int) -> str:
        return body_text(self.body, limit=length)

    def image_blocks(self) -> list[Any]:
        return [child.value for child in self.body or [] if child.block_type == "image"]


class ArticlePage(DatedPage):
    """文章 (动态、要闻、概况…)."""

    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    author = models.CharField(_("作者"), max_length=60, blank=True)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("题图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent_page_types: ClassVar[list[str]] = ["portal.ColumnPage", "portal.TopicPage"]
    subpage_types: ClassVar[list[str]] = []
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [FieldPanel("published_at"), FieldPanel("source"), FieldPanel("author"), FieldPanel("keywords")],
            heading=_("发布信息"),
        ),
        FieldPanel("cover"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")


class NoticePage(DatedPage):
    """通知公告."""

    valid_until = models.DateField(_("公告截止日期"), null=True, blank=True)

    parent_page_types: ClassVar[list[str]] = ["portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = []
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("published_at"), FieldPanel("source"), FieldPanel("valid_until"), FieldPanel("keywords")],
            heading=_("发布信息"),
        ),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")


class PolicyDocumentPage(DatedPage):
    """政策文件. ``published_at`` is the 发布日期, ``written_on`` the 成文日期."""

    document_number = models.CharField(
        _("文号"), max_length=40, validators=[validate_document_number], help_text=_("如 兴署发〔2026〕12号")
    )
    issuing_body = models.CharField(_("发文机关"), max_length=100)
    written_on = models.DateField(_("成文日期"))
    subject = models.CharField(
        _("主题分类"), max_length=20, choices=SubjectCategory.choices, default=SubjectCategory.GENERAL
    )
    validity = models.CharField(_("效力"), max_length=8, choices=Validity.choices, default=Validity.VALID)
    replaced_by = models.ForeignKey(
        "portal.PolicyDocumentPage",
        verbose_name=_("修改或废止依据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text=_("效力为“已修改”或“已废止”时，指向修改或废止它的文件"),
    )
    index_number = models.CharField(_("索引号"), max_length=60, blank=True)

    parent_page_types: ClassVar[list[str]] = ["portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = []
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("document_number"),
                FieldPanel("index_number"),
                FieldPanel("issuing_body"),
                FieldPanel("subject"),
                FieldPanel("written_on"),
                FieldPanel("published_at"),
                FieldPanel("validity"),
                FieldPanel("replaced_by"),
                FieldPanel("keywords"),
            ],
            heading=_("文件信息"),
        ),
        FieldPanel("body"),
    ]

    search_fields: ClassVar[list[Any]] = [*DatedPage.search_fields, index.SearchField("document_number")]

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.validity != Validity.VALID and not self.replaced_by_id:
            errors["replaced_by"] = str(_("效力为“已修改”或“已废止”时，请选择修改或废止它的文件"))
        if self.replaced_by_id and self.pk and self.replaced_by_id == self.pk:
            errors["replaced_by"] = str(_("不能选择本文件自身"))
        if self.written_on and self.published_at and self.written_on > self.published_at.date():
            errors["written_on"] = str(_("成文日期不能晚于发布日期"))
        if errors:
            raise ValidationError(errors)

    def interpretations(self) -> models.QuerySet[InterpretationPage]:
        return InterpretationPage.objects.filter(policy=self).live().public().order_by("-published_at")


class InterpretationPage(DatedPage):
    """政策解读: text, 图解 (graphic) or video, linked to the policy document it explains."""

    kind = models.CharField(
        _("解读形式"), max_length=10, choices=InterpretationKind.choices, default=InterpretationKind.TEXT
    )
    policy = models.ForeignKey(
        "portal.PolicyDocumentPage",
        verbose_name=_("解读的文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpretation_pages",
    )

    parent_page_types: ClassVar[list[str]] = ["portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = []
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("policy"),
                FieldPanel("published_at"),
                FieldPanel("source"),
                FieldPanel("keywords"),
            ],
            heading=_("解读信息"),
        ),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")


class LeaderPage(PortalPage):
    """领导之窗: one leader. ``position`` (如 盟长、副盟长) is what the leader-title check compares against."""

    name = models.CharField(_("姓名"), max_length=20)
    position = models.CharField(_("职务"), max_length=60, help_text=_("如 盟长、副盟长、局长"))
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cv = RichTextField(_("简历"), blank=True, features=["bold", "ol", "ul"])
    responsibilities = RichTextField(_("工作分工"), blank=True, features=["bold", "ol", "ul"])
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100, help_text=_("数字越小越靠前"))

    parent_page_types: ClassVar[list[str]] = ["portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = []
    content_panels: ClassVar[list[Any]] = [
        HelpPanel(content=_("页面标题一般填写“姓名 职务”。")),
        *Page.content_panels,
        FieldPanel("name"),
        FieldPanel("position"),
        FieldPanel("photo"),
        FieldPanel("cv"),
        FieldPanel("responsibilities"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("领导信息")
        verbose_name_plural = _("领导信息")

    def plain_text(self) -> str:
        return f"{self.name} {self.position}\n{strip_tags(self.cv)}\n{strip_tags(self.responsibilities)}"


class TopicPage(PortalPage):
    """专题: a banner, an introduction and the articles below it."""

    intro = RichTextField(_("专题介绍"), blank=True)
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("专题图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    parent_page_types: ClassVar[list[str]] = ["portal.HomePage", "portal.ColumnPage"]
    subpage_types: ClassVar[list[str]] = ["portal.ArticlePage"]
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("published_at"),
        FieldPanel("banner"),
        FieldPanel("intro"),
    ]

    class Meta:
        verbose_name = _("专题")
        verbose_name_plural = _("专题")

    def plain_text(self) -> str:
        return strip_tags(self.intro)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(ArticlePage.objects.child_of(self).live().public().order_by("-published_at"), 15)
        context["entries"] = paginator.get_page(request.GET.get("page"))
        return context


@register_snippet
class SensitiveWord(models.Model):
    """A word that must not be published (敏感词/禁用词). Checked before publishing, together with
    ``settings.PORTAL_SENSITIVE_WORDS`` (a list, for words shipped with the deployment)."""

    word = models.CharField(_("词语"), max_length=50, unique=True)
    reason = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如 政治性错误表述、不规范用语"))
    suggestion = models.CharField(_("建议改为"), max_length=50, blank=True)

    panels: ClassVar[list[Any]] = [FieldPanel("word"), FieldPanel("reason"), FieldPanel("suggestion")]

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        ordering = ("word",)

    def __str__(self) -> str:
        return self.word


def site_for_home(home: HomePage) -> Site | None:
    return Site.objects.filter(root_page_id=home.pk).first()


def today() -> dt.date:
    return timezone.localdate()

"""Demo content of the site cluster. Idempotent: sites are matched by ``site_key``, pages by slug under their
parent; an existing page is left alone. Every content page is marked 演示数据 (source and first paragraph),
except the founding document, which is real."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from egov.domain.portal.checks import publish_problems
from egov.domain.portal.models import (
    ArticlePage,
    ColumnKind,
    ColumnPage,
    HomePage,
    InterpretationKind,
    InterpretationPage,
    LeaderPage,
    NoticePage,
    PolicyDocumentPage,
    SensitiveWord,
    SubjectCategory,
    TopicPage,
    Validity,
)
from egov.domain.portal.services import ensure_site, ensure_site_workflow, sync_site_groups
from egov.kernel.orgs.models import OrgUnit

DEMO = "演示数据"
DEMO_NOTE = "<p>【演示数据】本页内容为平台演示而编写，不代表任何机关的正式发布。</p>"
FOUNDING_DOCUMENT = (
    Path(getattr(settings, "BASE_DIR", Path("."))).parent / "shared" / "seed" / "000_f0a25dd3d0ab5b16.txt"
)
FOUNDING_FALLBACK = (
    Path(__file__).resolve().parents[3] / "kernel" / "search" / "tests" / "data" / "founding_document.txt"
)


@dataclass(frozen=True)
class SiteSpec:
    key: str
    site_name: str
    unit_code: str
    sponsor: str
    place: str  # how the content names the area or unit
    prefix: str  # 机关代字 for 文号
    host: str
    site_code: str
    icp: str
    police: str
    kind: str  # league / department / county
    head_title: str  # 盟长 / 局长 / 市长 …
    deputy_title: str


SITES = (
    SiteSpec("hinggan", "兴安盟人民政府门户网站", "152200-BGS", "兴安盟行政公署办公室", "兴安盟", "兴署发",
             "www.xam.gov.cn", "1522000001", "蒙ICP备05002601号", "蒙公网安备 15220102000101号", "league", "盟长", "副盟长"),  # noqa: E501
    SiteSpec("fgw", "兴安盟发展和改革委员会", "152200-FGW", "兴安盟发展和改革委员会", "盟发改委", "兴发改",
             "fgw.xam.gov.cn", "1522000002", "蒙ICP备05002601号-2", "蒙公网安备 15220102000102号", "department", "主任", "副主任"),  # noqa: E501
    SiteSpec("jyj", "兴安盟教育局", "152200-JYJ", "兴安盟教育局", "盟教育局", "兴教发",
             "jyj.xam.gov.cn", "1522000003", "蒙ICP备05002601号-3", "蒙公网安备 15220102000103号", "department", "局长", "副局长"),  # noqa: E501
    SiteSpec("mzj", "兴安盟民政局", "152200-MZJ", "兴安盟民政局", "盟民政局", "兴民发",
             "mzj.xam.gov.cn", "1522000004", "蒙ICP备05002601号-4", "蒙公网安备 15220102000104号", "department", "局长", "副局长"),  # noqa: E501
    SiteSpec("wlht", "乌兰浩特市人民政府", "152201-ZFB", "乌兰浩特市人民政府办公室", "乌兰浩特市", "乌政发",
             "www.wlht.gov.cn", "1522010001", "蒙ICP备05003101号", "蒙公网安备 15220102000201号", "county", "市长", "副市长"),  # noqa: E501
    SiteSpec("aes", "阿尔山市人民政府", "152202-ZFB", "阿尔山市人民政府办公室", "阿尔山市", "阿政发",
             "www.aes.gov.cn", "1522020001", "蒙ICP备05003201号", "蒙公网安备 15220202000201号", "county", "市长", "副市长"),  # noqa: E501
    SiteSpec("kyqq", "科尔沁右翼前旗人民政府", "152221-ZFB", "科尔沁右翼前旗人民政府办公室", "科尔沁右翼前旗", "科右前政发",  # noqa: E501
             "www.kyqq.gov.cn", "1522210001", "蒙ICP备05003301号", "蒙公网安备 15222102000201号", "county", "旗长", "副旗长"),  # noqa: E501
    SiteSpec("kyzq", "科尔沁右翼中旗人民政府", "152222-ZFB", "科尔沁右翼中旗人民政府办公室", "科尔沁右翼中旗", "科右中政发",  # noqa: E501
             "www.kyzq.gov.cn", "1522220001", "蒙ICP备05003401号", "蒙公网安备 15222202000201号", "county", "旗长", "副旗长"),  # noqa: E501
    SiteSpec("zlt", "扎赉特旗人民政府", "152223-ZFB", "扎赉特旗人民政府办公室", "扎赉特旗", "扎政发",
             "www.zltq.gov.cn", "1522230001", "蒙ICP备05003501号", "蒙公网安备 15222302000201号", "county", "旗长", "副旗长"),  # noqa: E501
    SiteSpec("tq", "突泉县人民政府", "152224-ZFB", "突泉县人民政府办公室", "突泉县", "突政发",
             "www.tuquan.gov.cn", "1522240001", "蒙ICP备05003601号", "蒙公网安备 15222402000201号", "county", "县长", "副县长"),  # noqa: E501
)  # fmt: skip

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = (
    "建华",
    "海峰",
    "丽娜",
    "志强",
    "晓东",
    "春梅",
    "国栋",
    "雅琴",
    "立新",
    "文博",
    "巴特尔",
    "其木格",
    "乌力吉",
    "萨仁",
)

SENSITIVE_WORDS = (
    ("台湾国", "政治性错误表述", "台湾地区"),
    ("北朝鲜", "不规范称谓", "朝鲜"),
    ("南朝鲜", "不规范称谓", "韩国"),
    ("满清", "不规范称谓", "清朝"),
)

MN_SITE_NAME = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ ᠤᠨ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠣᠷᠣᠨ ᠰᠠᠭᠤᠷᠢ ᠵᠢᠨ ᠰᠦᠯᠵᠢᠶ᠎ᠡ"
MN_INTRO = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ ᠨᠢ ᠥᠪᠥᠷ ᠮᠣᠩᠭᠣᠯ ᠤᠨ ᠵᠡᠭᠦᠨ ᠬᠣᠶᠢᠳᠤ ᠬᠡᠰᠡᠭ ᠲᠦ ᠣᠷᠣᠰᠢᠨ᠎ᠠ᠃ ᠠᠶᠢᠮᠠᠭ ᠤᠨ ᠲᠥᠪ ᠨᠢ ᠤᠯᠠᠭᠠᠨᠬᠣᠲᠠ ᠬᠣᠲᠠ ᠪᠣᠯᠤᠨ᠎ᠠ᠃"
MN_OVERVIEW_TITLE = "ᠬᠢᠩᠭᠠᠨ ᠠᠶᠢᠮᠠᠭ ᠤᠨ ᠲᠣᠪᠴᠢ ᠲᠠᠨᠢᠯᠴᠠᠭᠤᠯᠭ᠎ᠠ"
MN_COLUMN_TITLE = "ᠬᠢᠩᠭᠠᠨ ᠢ ᠲᠠᠨᠢᠬᠤ"


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _body(*paragraphs: str, note: bool = True) -> list[tuple[str, Any]]:
    html = (DEMO_NOTE if note else "") + "".join(f"<p>{p}</p>" for p in paragraphs)
    return [("paragraph", RichText(html))]


def _publish(page: Page) -> Page:
    """Publish a demo page (system loader: no editor, no review); the publishing checks must pass."""
    specific = page.specific
    problems = publish_problems(specific)
    if problems:
        raise ValueError(f"演示数据未通过发布检查：{specific.title}：{'；'.join(problems)}")
    specific.save_revision().publish()
    return specific


def _child(parent: Page, slug: str, make: Any) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = make()
    page.slug = slug
    parent.add_child(instance=page)
    return _publish(page)


def _column(
    parent: Page, slug: str, title: str, *, kind: str = ColumnKind.OTHER, intro: str = "", link: str = ""
) -> ColumnPage:
    page = _child(parent, slug, lambda: ColumnPage(title=title, kind=kind, intro=intro, link_url=link))
    assert isinstance(page, ColumnPage)
    return page


def _leader_names(index: int) -> list[str]:
    return [SURNAMES[(index * 3 + n) % len(SURNAMES)] + GIVEN[(index * 5 + n * 3) % len(GIVEN)] for n in range(3)]


def _founding_text() -> str:
    for path in (FOUNDING_DOCUMENT, Path("/work/shared/seed/000_f0a25dd3d0ab5b16.txt"), FOUNDING_FALLBACK):
        if path.exists():
            return path.read_text(encoding="utf-8")
    return ""


def _founding_paragraphs(text: str) -> list[str]:
    """The seed text uses '.' for every punctuation mark; paragraphs start at the section numbers (一. 二. …)."""
    body = text.split("\n", 1)[1] if "\n" in text else text
    parts = re.split(r"(?=[一二三四五六七八九十]+\.)", body)
    return [p.strip() for p in parts if p.strip()]


def build_site(spec: SiteSpec, index: int, stdout: OutputWrapper | None = None) -> HomePage:
    root = Page.get_first_root_node()
    unit = OrgUnit.objects.filter(code=spec.unit_code).first()
    home = HomePage.objects.filter(site_key=spec.key, locale=Locale.get_default()).first()
    if home is None:
        home = HomePage(
            title=spec.site_name,
            slug=spec.key,
            site_key=spec.key,
            site_name=spec.site_name,
            org_unit=unit,
            sponsor=spec.sponsor,
            host=spec.host,
            site_code=spec.site_code,
            icp_number=spec.icp,
            police_number=spec.police,
            contact="0482-8260000（演示）",
            intro=f"<p>{spec.site_name}是{spec.sponsor}主办的政府网站，发布政府信息、解读政策、提供办事服务、回应社会关切。</p>",
        )
        root.add_child(instance=home)
        home = _publish(home)
    assert isinstance(home, HomePage)
    now = _now()
    place, prefix, year = spec.place, spec.prefix, now.year
    org = spec.sponsor if spec.kind != "league" else "兴安盟行政公署"

    # 政务动态 (news)
    news = _column(home, "zwdt", "政务动态", kind=ColumnKind.NEWS, intro=f"{place}政务工作动态与要闻。")
    head, deputy1, deputy2 = _leader_names(index)
    news_items = [
        (
            "gzbs",
            f"{place}召开{year}年政务公开工作部署会议",
            f"会议由{head}{spec.head_title}主持，总结上一年度政务公开工作，部署本年度重点任务。会议要求，各单位要以公开为常态、不公开为例外，做好政策文件发布和解读回应。",
            1,
        ),
        (
            "gxbc",
            f"{place}深入推进“高效办成一件事”改革",
            "围绕企业和群众办事的高频事项，推动跨部门业务协同和数据共享，实行“一网通办”“全程办事代理”，让办事更加便捷。",
            3,
        ),
        (
            "aqsc",
            f"{place}开展冬季安全生产大检查",
            f"{deputy1}{spec.deputy_title}带队检查供暖、燃气和道路交通安全，要求压实责任、消除隐患，确保群众温暖过冬。",
            6,
        ),
        (
            "dzzw",
            f"{place}推进一体化电子政务平台建设",
            "会议听取了平台建设进展汇报，要求统一门户网站群、统一办事入口、统一数据共享，提升政务服务水平。",
            9,
        ),
    ]
    for slug, title, text, days in news_items:
        _child(
            news,
            slug,
            lambda title=title, text=text, days=days: ArticlePage(
                title=title,
                published_at=now - dt.timedelta(days=days),
                source=DEMO,
                author=f"{place}融媒体中心",
                keywords="政务动态 " + place,
                body=_body(text),
            ),
        )

    # 信息公开 and its sub-columns
    disclosure = _column(home, "xxgk", "信息公开", intro="依据《中华人民共和国政府信息公开条例》主动公开的政府信息。")
    policy_column = _column(
        disclosure, "zcwj", "政策文件", kind=ColumnKind.POLICY, intro="本机关制发的规范性文件和其他政策文件。"
    )
    old = _child(
        policy_column,
        "gkyd-old",
        lambda: PolicyDocumentPage(
            title=f"{org}关于印发《{place}政务公开工作要点（{year - 1}年）》的通知",
            document_number=f"{prefix}〔{year - 1}〕3号",
            index_number=f"{spec.site_code}/{year - 1}-00003",
            issuing_body=org,
            written_on=dt.date(year - 1, 3, 10),
            published_at=dt.datetime(year - 1, 3, 14, 9, tzinfo=timezone.get_current_timezone()),
            subject=SubjectCategory.GENERAL,
            validity=Validity.VALID,
            source=DEMO,
            keywords="政务公开 工作要点",
            body=_body(
                f"各有关单位：现将《{place}政务公开工作要点（{year - 1}年）》印发给你们，请结合实际认真贯彻落实。"
            ),
        ),
    )
    current = _child(
        policy_column,
        "gkyd",
        lambda: PolicyDocumentPage(
            title=f"{org}关于印发《{place}政务公开工作要点（{year}年）》的通知",
            document_number=f"{prefix}〔{year}〕12号",
            index_number=f"{spec.site_code}/{year}-00012",
            issuing_body=org,
            written_on=(now - dt.timedelta(days=30)).date(),
            published_at=now - dt.timedelta(days=28),
            subject=SubjectCategory.GENERAL,
            validity=Validity.VALID,
            source=DEMO,
            keywords="政务公开 工作要点",
            body=_body(
                f"各有关单位：现将《{place}政务公开工作要点（{year}年）》印发给你们，请认真贯彻落实。"
                f"本通知自印发之日起施行，《{place}政务公开工作要点（{year - 1}年）》同时废止。"
            ),
        ),
    )
    if isinstance(old, PolicyDocumentPage) and old.validity == Validity.VALID:
        old.validity, old.replaced_by = Validity.REPEALED, current
        _publish(old)
    business = _child(
        policy_column,
        "yshj",
        lambda: PolicyDocumentPage(
            title=f"{org}关于进一步优化营商环境的若干措施",
            document_number=f"{prefix}〔{year}〕8号",
            index_number=f"{spec.site_code}/{year}-00008",
            issuing_body=org,
            written_on=(now - dt.timedelta(days=75)).date(),
            published_at=now - dt.timedelta(days=72),
            subject=SubjectCategory.COMMERCE,
            validity=Validity.VALID,
            source=DEMO,
            keywords="营商环境 政务服务",
            body=_body(
                "一、压减办事环节和时限，推行告知承诺制。",
                "二、推进涉企事项“一网通办”和全程办事代理。",
                "三、规范涉企检查，推行“综合查一次”。",
            ),
        ),
    )
    interpretations = _column(disclosure, "zcjd", "政策解读", intro="政策文件的文字解读、图解和视频解读。")
    _child(
        interpretations,
        "gkyd-jd",
        lambda: InterpretationPage(
            title=f"《{place}政务公开工作要点（{year}年）》解读",
            kind=InterpretationKind.TEXT,
            policy=current,
            published_at=now - dt.timedelta(days=27),
            source=DEMO,
            body=_body(
                "一、出台背景：落实国家和自治区关于全面推进政务公开的部署。",
                "二、主要内容：围绕政策发布、解读回应、办事服务、互动交流四个方面提出重点任务。",
            ),
        ),
    )
    _child(
        interpretations,
        "yshj-tj",
        lambda: InterpretationPage(
            title=f"图解：{org}关于进一步优化营商环境的若干措施",
            kind=InterpretationKind.GRAPHIC,
            policy=business,
            published_at=now - dt.timedelta(days=70),
            source=DEMO,
            body=_body("图解要点：减环节、减时限、减材料、减跑动；企业开办一日办结。"),
        ),
    )
    notices = _column(disclosure, "tzgg", "通知公告", kind=ColumnKind.NOTICE, intro="通知、公告、公示。")
    notice_items = [
        (
            "yd-zb",
            f"关于{year + 1}年元旦假期值班安排的通知",
            "元旦假期期间，各单位要严格落实领导带班和24小时值班制度，确保信息畅通。",
            2,
        ),
        (
            "zqyj",
            f"关于公开征求《{place}政务服务事项管理办法（征求意见稿）》意见的公告",
            "公开征求意见时间为30日，意见可通过电子邮件或信函方式反馈。",
            12,
        ),
        (
            "ndbb",
            f"关于做好{year}年政府网站工作年度报表编制工作的通知",
            "各单位应于次年1月31日前在网站首页发布政府网站工作年度报表。",
            40,
        ),
    ]
    for slug, title, text, days in notice_items:
        _child(
            notices,
            slug,
            lambda title=title, text=text, days=days: NoticePage(
                title=title, published_at=now - dt.timedelta(days=days), source=DEMO, body=_body(text)
            ),
        )
    for slug, title, entry_slug, entry_title, text in (
        (
            "rsxx",
            "人事信息",
            "zp",
            f"{place}{year}年公开招聘事业单位工作人员公告",
            "本次公开招聘坚持公开、平等、竞争、择优的原则，报名采取网上报名方式。",
        ),
        (
            "czxx",
            "财政信息",
            "yusuan",
            f"{place}{year}年部门预算公开",
            "按照预算法和政府信息公开条例的规定，公开本年度部门预算及“三公”经费预算。",
        ),
        (
            "ghjh",
            "规划计划",
            "shiwuwu",
            f"{place}国民经济和社会发展第十五个五年规划纲要（摘要）",
            "规划期内，着力推动高质量发展，建设现代化产业体系，持续改善民生。",
        ),
        (
            "tjxx",
            "统计信息",
            "yunxing",
            f"{place}{year}年1—10月国民经济运行情况",
            "1—10月，全体居民人均可支配收入稳步增长，社会消费品零售总额保持增长。",
        ),
    ):
        column = _column(disclosure, slug, title)
        _child(
            column,
            entry_slug,
            lambda entry_title=entry_title, text=text: ArticlePage(
                title=entry_title, published_at=now - dt.timedelta(days=20), source=DEMO, body=_body(text)
            ),
        )

    # 政务服务, 互动交流
    _column(home, "zwfw", "政务服务", intro="网上办事大厅：办事指南、在线申报、进度查询、好差评。", link="/services/")
    interaction = _column(home, "hdjl", "互动交流", intro="领导信箱、咨询投诉、意见征集、在线访谈。")
    _child(
        interaction,
        "qudao",
        lambda: ArticlePage(
            title="互动交流渠道",
            published_at=now - dt.timedelta(days=15),
            source=DEMO,
            body=_body(
                "12345政务服务便民热线全天候受理咨询、求助、投诉、建议。",
                "网上留言在3个工作日内受理，答复在15个工作日内完成。",
            ),
        ),
    )

    # 领导之窗
    leaders = _column(home, "ldzc", "领导之窗", intro="领导简历与工作分工。")
    for order, (slug, name, title) in enumerate(
        (
            ("head", head, spec.head_title),
            ("deputy1", deputy1, spec.deputy_title),
            ("deputy2", deputy2, spec.deputy_title),
        )
    ):
        _child(
            leaders,
            slug,
            lambda name=name, title=title, order=order: LeaderPage(
                title=f"{name} {title}",
                name=name,
                position=title,
                sort_order=order * 10,
                cv=f"<p>{name}，男，汉族，研究生学历。（{DEMO}）</p>",
                responsibilities=f"<p>{'主持全面工作。' if order == 0 else '负责政务公开、政务服务和信息化工作。'}（{DEMO}）</p>",  # noqa: E501
            ),
        )

    # 走进兴安 / 机构概况
    overview_title = "走进兴安" if spec.kind == "league" else "机构概况"
    overview = _column(home, "zjxa", overview_title, intro=f"{place}概况。")
    _child(
        overview,
        "gaikuang",
        lambda: ArticlePage(
            title=f"{place}概况",
            published_at=now - dt.timedelta(days=100),
            source=DEMO,
            body=_body(
                "兴安盟位于内蒙古自治区东北部、大兴安岭南麓，盟行政公署驻乌兰浩特市，辖乌兰浩特市、阿尔山市、"
                "科尔沁右翼前旗、科尔沁右翼中旗、扎赉特旗和突泉县。",
                "1947年5月1日，内蒙古自治政府在乌兰浩特成立。",
            ),
        ),
    )
    if spec.kind == "league":
        text = _founding_text()
        if text:
            title = text.split("\n", 1)[0].strip()
            _child(
                overview,
                "dzzw-sikao",
                lambda: ArticlePage(
                    title=title,
                    subtitle="兴安盟电子政务建设文献",
                    author="周振",
                    source="兴安盟电子政务建设文献",
                    published_at=now - dt.timedelta(days=5),
                    keywords="电子政务 兴安盟 政府门户网站",
                    body=_body(*_founding_paragraphs(text), note=False),
                ),
            )

    # 专题
    topics = _column(home, "ztzl", "专题专栏", intro="重点工作专题。")
    topic = _child(
        topics,
        "yshj-zt",
        lambda: TopicPage(
            title="优化营商环境专题",
            published_at=now - dt.timedelta(days=18),
            intro=f"<p>{place}优化营商环境政策、举措和成效。（{DEMO}）</p>",
        ),
    )
    _child(
        topic,
        "yiriban",
        lambda: ArticlePage(
            title=f"{place}企业开办实现“一日办结”",
            published_at=now - dt.timedelta(days=18),
            source=DEMO,
            body=_body("通过一窗受理、并联审批、数据共享，企业开办时间压缩至1个工作日以内。"),
        ),
    )

    ensure_site(home, default=spec.kind == "league")
    ensure_site_workflow(home)
    if stdout is not None:
        stdout.write(f"  网站：{spec.site_name}（/sites/{spec.key}/）")
    return home


def build_mongolian(home: HomePage) -> None:
    """An mn translation of the League home page, its 走进兴安 column and the overview article."""
    mn, _ = Locale.objects.get_or_create(language_code="mn")
    if home.get_translation_or_none(mn) is None:
        translated = home.copy_for_translation(mn)
        translated.title, translated.site_name, translated.intro = MN_SITE_NAME, MN_SITE_NAME, f"<p>{MN_INTRO}</p>"
        _publish(translated)
    overview = ColumnPage.objects.child_of(home).filter(slug="zjxa").first()
    article = ArticlePage.objects.child_of(overview).filter(slug="gaikuang").first() if overview else None
    if overview is None or article is None:
        return
    if overview.get_translation_or_none(mn) is None:
        column = overview.copy_for_translation(mn)
        column.title = MN_COLUMN_TITLE
        _publish(column)
    if article.get_translation_or_none(mn) is None:
        page = article.copy_for_translation(mn)
        page.title, page.body = MN_OVERVIEW_TITLE, _body(MN_INTRO, note=False)
        _publish(page)


@transaction.atomic
def load(stdout: OutputWrapper | None = None, *, sites: tuple[SiteSpec, ...] = SITES) -> list[HomePage]:
    for word, reason, suggestion in SENSITIVE_WORDS:
        SensitiveWord.objects.get_or_create(word=word, defaults={"reason": reason, "suggestion": suggestion})
    homes = [build_site(spec, SITES.index(spec), stdout) for spec in sites]
    build_mongolian(homes[0])
    # Wagtail's placeholder site (localhost → "Welcome") would hide the League portal on localhost.
    Site.objects.filter(hostname="localhost", root_page__content_type__model="page").delete()
    groups = sync_site_groups()
    if stdout is not None:
        stdout.write(f"  门户网站群：{len(homes)} 个网站，{len(groups)} 个编辑组")
    return homes
